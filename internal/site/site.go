// Package site holds the immutable, fully indexed snapshot of a blog that
// every reader's request is served from: posts by date, slug, category,
// tag and month, pages, aliases. Readers never lock; a change builds a new
// Site and swaps it in whole.
package site

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// Site is one immutable snapshot. Nothing in it may be modified after Build.
type Site struct {
	Config config.Config
	// URLs is the map of the site's addresses, made from Config.
	URLs *urls.Map
	// Generation numbers snapshots: caches keyed by it never serve stale pages.
	Generation uint64
	// Built is the instant the snapshot was built for: what was scheduled
	// before it is visible.
	Built time.Time
	// NextChange is when a scheduled post becomes visible (zero if none):
	// the snapshot must be rebuilt then.
	NextChange time.Time

	// Docs is every source that parsed, drafts and scheduled posts included.
	Docs []*content.Doc
	// Posts are the visible posts, newest first.
	Posts []*content.Doc
	// Pages are the visible standalone pages, by title.
	Pages []*content.Doc
	// Categories is the root of the category tree (it has no name).
	Categories *Category
	// Tags are every tag in use, by name.
	Tags []*Tag
	// Years is the archive, newest first, in the site's time zone.
	Years []*Year
	// Problems found while loading and indexing, by file.
	Problems []content.Problem
	// SectionNames are a Hugo site's sections that hold posts, by name.
	SectionNames []string
	// MainSections are the sections whose posts are the site's main
	// posts; MainPosts those posts, newest first. For a grail site,
	// MainPosts is Posts.
	MainSections []string
	MainPosts    []*content.Doc
	// TaxonomyNames are a Hugo site's own taxonomies (beside tags and
	// categories), by plural name; TaxonomyTerms their terms, by name.
	TaxonomyNames []string
	TaxonomyTerms map[string][]*Tag

	byPath map[string]*content.Doc
	// sectionDocs are a Hugo site's _index.md files, by section name.
	sectionDocs map[string]*content.Doc
	// listedPosts are the posts in site-wide lists (Posts less those
	// whose _build.list is never or local), which postIndex indexes.
	listedPosts []*content.Doc
	postIndex   map[*content.Doc]int
	categories  map[string]*Category
	tags        map[string]*Tag
	aliases     map[string]string
	// reportedTag remembers tag spellings already reported as merged.
	reportedTag map[string]bool
	tagSlugs    map[string]string // while building: name → slug
	sections    map[string][]*content.Doc
	terms       map[string]map[string]*Tag // taxonomy → slug → term
}

// Category is a node of the category tree.
type Category struct {
	Slug string // this level's slug
	Name string // this level's name as the author wrote it
	Path string // slugs from the root: "hardware/keyboards/qmk"
	// Parent is nil for top-level categories' parent, the root.
	Parent   *Category
	Children []*Category
	// Posts are in this category or any below it, newest first.
	Posts []*content.Doc
}

// Names returns the names from the top level down to c.
func (c *Category) Names() []string {
	var names []string
	for n := c; n != nil && n.Path != ""; n = n.Parent {
		names = append([]string{n.Name}, names...)
	}
	return names
}

// Ancestors returns the categories from the top level down to c, c included.
func (c *Category) Ancestors() []*Category {
	var out []*Category
	for n := c; n != nil && n.Path != ""; n = n.Parent {
		out = append([]*Category{n}, out...)
	}
	return out
}

// Tag is a tag and its posts, newest first.
type Tag struct {
	Slug  string
	Name  string
	Posts []*content.Doc
}

// Year is one year of the archive.
type Year struct {
	Year   int
	Months []*Month // newest first
	Count  int
}

// Month is one month of the archive.
type Month struct {
	Year  int
	Month time.Month
	Posts []*content.Doc
}

// Build indexes docs as they are at instant now. problems found while
// loading are carried into the Site's Problems.
func Build(cfg config.Config, docs []*content.Doc, problems []content.Problem, now time.Time) *Site {
	if cfg.Location == nil { // a Config made by hand rather than parsed
		cfg.Location = time.UTC
	}
	s := &Site{
		Config:      cfg,
		URLs:        urls.New(cfg),
		Built:       now,
		Docs:        docs,
		Problems:    append([]content.Problem(nil), problems...),
		byPath:      map[string]*content.Doc{},
		postIndex:   map[*content.Doc]int{},
		categories:  map[string]*Category{},
		tags:        map[string]*Tag{},
		aliases:     map[string]string{},
		reportedTag: map[string]bool{},
		tagSlugs:    map[string]string{},
		Categories:  &Category{},
	}
	docs = s.indexSectionDocs(docs)
	visible := s.pickVisible(docs, now)
	for _, d := range visible {
		if d.Kind == content.KindPage {
			s.Pages = append(s.Pages, d)
		} else {
			s.Posts = append(s.Posts, d)
		}
	}
	if cfg.Hugo != nil {
		slices.SortStableFunc(s.Posts, hugoOrder)
	} else {
		slices.SortStableFunc(s.Posts, byNewest)
	}
	s.listedPosts = listedEverywhere(s.Posts)
	s.MainPosts = s.listedPosts
	slices.SortStableFunc(s.Pages, func(a, b *content.Doc) int { return strings.Compare(a.Title, b.Title) })
	s.postIndex = make(map[*content.Doc]int, len(s.listedPosts))
	s.byPath = make(map[string]*content.Doc, len(visible))
	for _, p := range s.Posts {
		s.byPath[s.URL(p)] = p
	}
	for i, p := range s.listedPosts {
		s.postIndex[p] = i
		s.indexCategories(p)
		s.indexTags(p)
	}
	byDate := s.listedPosts
	if cfg.Hugo != nil { // weight ordered them; the archive goes by date
		byDate = slices.SortedStableFunc(slices.Values(byDate), byNewest)
	}
	for _, p := range byDate {
		s.indexArchive(p)
	}
	for _, p := range s.Pages {
		s.byPath[s.URL(p)] = p
	}
	s.indexSections()
	s.indexTerms()
	s.indexHugoAddresses(visible)
	s.indexAliases(visible)
	sortTree(s.Categories)
	sort.Slice(s.Tags, func(i, j int) bool { return strings.ToLower(s.Tags[i].Name) < strings.ToLower(s.Tags[j].Name) })
	sort.SliceStable(s.Problems, func(i, j int) bool {
		if s.Problems[i].File != s.Problems[j].File {
			return s.Problems[i].File < s.Problems[j].File
		}
		return s.Problems[i].Line < s.Problems[j].Line
	})
	return s
}

// hugoOrder is Hugo's default order of a list: by weight, lightest
// first and unweighted (0) last, then newest first, then by title and
// by file.
func hugoOrder(a, b *content.Doc) int {
	if a.Weight != b.Weight {
		switch {
		case a.Weight == 0:
			return 1
		case b.Weight == 0:
			return -1
		}
		return a.Weight - b.Weight
	}
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// listedEverywhere are the docs that site-wide lists and feeds show:
// not those whose _build.list is never or local.
func listedEverywhere(docs []*content.Doc) []*content.Doc {
	out := make([]*content.Doc, 0, len(docs))
	for _, d := range docs {
		if d.List == content.ListAlways {
			out = append(out, d)
		}
	}
	return out
}

// byNewest orders posts newest first, then by slug.
func byNewest(a, b *content.Doc) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return strings.Compare(a.Slug, b.Slug)
}

// pickVisible drops drafts and scheduled docs (noting when the next one is
// due) and settles slug clashes: the file whose key sorts first wins, so
// every server picks the same one, and both files are reported.
func (s *Site) pickVisible(docs []*content.Doc, now time.Time) []*content.Doc {
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b *content.Doc) int { return strings.Compare(a.Key, b.Key) })
	owner := make(map[string]*content.Doc, len(docs))
	var out []*content.Doc
	for _, d := range sorted {
		if d.Draft || d.Unpublished || d.Expired(now) {
			continue
		}
		if exp := d.ExpiryDate; !exp.IsZero() && (s.NextChange.IsZero() || exp.Before(s.NextChange)) {
			s.NextChange = exp // the doc leaves the site then
		}
		if pub := d.Published(); pub.After(now) {
			if s.NextChange.IsZero() || pub.Before(s.NextChange) {
				s.NextChange = pub
			}
			continue
		}
		url := s.URL(d)
		if s.URLs.Reserved(url) { // posts too: a permalink such as /:slug puts them at the root
			s.Problems = append(s.Problems, content.Problem{File: d.Key, Line: 1, Field: "slug",
				Message: fmt.Sprintf("%s is one of grail's own addresses; choose another slug", url), Skipped: true})
			continue
		}
		// One address with and without a trailing slash is one address:
		// the form that is not a document's redirects to the other.
		spelling := strings.TrimSuffix(url, "/")
		if first, taken := owner[spelling]; taken {
			msg := fmt.Sprintf("%s is also the address of %s", url, first.Key)
			s.Problems = append(s.Problems,
				content.Problem{File: d.Key, Line: 1, Field: "slug", Message: msg + ", which is shown instead", Skipped: true},
				content.Problem{File: first.Key, Line: 1, Field: "slug", Message: fmt.Sprintf("%s is also the address of %s; this file is shown", url, d.Key)})
			continue
		}
		owner[spelling] = d
		out = append(out, d)
	}
	return out
}

func (s *Site) indexCategories(p *content.Doc) {
	var seen []*Category // a post in a/b and a/c is listed once under a
	for i, path := range p.Categories {
		names := strings.Split(p.CategoryNames[i], "/")
		node := s.Categories
		end := 0
		for depth, slug := range strings.Split(path, "/") {
			end += len(slug)
			full := path[:end]
			end++ // the slash
			child, ok := s.categories[full]
			if !ok {
				child = &Category{Slug: slug, Name: names[depth], Path: full, Parent: node}
				node.Children = append(node.Children, child)
				s.categories[full] = child
			}
			if !slices.Contains(seen, child) {
				child.Posts = append(child.Posts, p)
				seen = append(seen, child)
			}
			node = child
		}
	}
}

func (s *Site) indexTags(p *content.Doc) {
	for _, name := range p.Tags {
		slug, ok := s.tagSlugs[name]
		if !ok { // Slugify is slow next to a map; a site has few distinct tags
			slug = s.URLs.TagSlug(name)
			s.tagSlugs[name] = slug
		}
		if slug == "" {
			continue
		}
		t, ok := s.tags[slug]
		if !ok {
			t = &Tag{Slug: slug, Name: name}
			s.tags[slug] = t
			s.Tags = append(s.Tags, t)
		} else if !strings.EqualFold(t.Name, name) && !s.reportedTag[slug+"\x00"+name] {
			s.reportedTag[slug+"\x00"+name] = true
			s.Problems = append(s.Problems, content.Problem{File: p.Key, Field: "tags",
				Message: fmt.Sprintf("%q and %q have the same address, %s; they are one tag", name, t.Name, s.URLs.Tag(slug, 1))})
		}
		if n := len(t.Posts); n == 0 || t.Posts[n-1] != p {
			t.Posts = append(t.Posts, p)
		}
	}
}

func (s *Site) indexArchive(p *content.Doc) {
	local := p.Date.In(s.Config.Location)
	y, m := local.Year(), local.Month()
	var year *Year
	if n := len(s.Years); n > 0 && s.Years[n-1].Year == y {
		year = s.Years[n-1]
	} else {
		year = &Year{Year: y}
		s.Years = append(s.Years, year)
	}
	year.Count++
	var month *Month
	if n := len(year.Months); n > 0 && year.Months[n-1].Month == m {
		month = year.Months[n-1]
	} else {
		month = &Month{Year: y, Month: m}
		year.Months = append(year.Months, month)
	}
	month.Posts = append(month.Posts, p)
}

// indexAliases maps each old URL a doc lists to its address. An alias that
// is a live address of another doc is ignored and reported.
func (s *Site) indexAliases(visible []*content.Doc) {
	for _, d := range visible {
		for _, a := range d.Aliases {
			switch {
			case s.ByPathOrTwin(a) == d: // an old address that is current again
			case s.URLs.Reserved(a):
				s.Problems = append(s.Problems, content.Problem{File: d.Key, Field: "aliases",
					Message: fmt.Sprintf("%s is one of grail's own addresses; alias ignored", a)})
			case s.ByPathOrTwin(a) != nil:
				s.Problems = append(s.Problems, content.Problem{File: d.Key, Field: "aliases",
					Message: fmt.Sprintf("%s is the address of %s; alias ignored", a, s.ByPathOrTwin(a).Key)})
			case s.aliases[a] != "":
				s.Problems = append(s.Problems, content.Problem{File: d.Key, Field: "aliases",
					Message: fmt.Sprintf("%s is already an alias of %s; alias ignored", a, s.aliases[a])})
			default:
				s.aliases[a] = s.URL(d)
			}
		}
	}
}

func sortTree(c *Category) {
	sort.Slice(c.Children, func(i, j int) bool {
		return strings.ToLower(c.Children[i].Name) < strings.ToLower(c.Children[j].Name)
	})
	for _, ch := range c.Children {
		sortTree(ch)
	}
}

// URL is the site-relative address of a doc: the permalink pattern for a
// post, /<slug> for a page.
func (s *Site) URL(d *content.Doc) string {
	if d.Kind == content.KindSection { // an _index.md stands for its section's list
		return s.URLs.URL(urls.Route{Kind: urls.Section, Name: urls.SectionOf(d)})
	}
	return s.URLs.Doc(d)
}

// ByPath finds the visible post or page at a site-relative address.
func (s *Site) ByPath(path string) *content.Doc { return s.byPath[path] }

// ByPathOrTwin finds the visible post or page at an address or at the
// other spellings of the same address (Map.Twins), which redirect to it.
func (s *Site) ByPathOrTwin(path string) *content.Doc {
	if d := s.byPath[path]; d != nil {
		return d
	}
	for _, twin := range s.URLs.Twins(path) {
		if d := s.byPath[twin]; d != nil {
			return d
		}
	}
	return nil
}

// Alias returns the address an old URL now redirects to, or "".
func (s *Site) Alias(path string) string { return s.aliases[strings.TrimRight(path, "/")] }

// Category returns the category at a slug path such as "hardware/keyboards".
func (s *Site) Category(path string) *Category { return s.categories[path] }

// Tag returns the tag with this slug.
func (s *Site) Tag(slug string) *Tag { return s.tags[slug] }

// Year returns the archive of one year.
func (s *Site) Year(y int) *Year {
	for _, yr := range s.Years {
		if yr.Year == y {
			return yr
		}
	}
	return nil
}

// Neighbours returns the next older and next newer listed posts (next
// and previous in a Hugo site's order).
func (s *Site) Neighbours(p *content.Doc) (older, newer *content.Doc) {
	i, ok := s.postIndex[p]
	if !ok {
		return nil, nil
	}
	if i+1 < len(s.listedPosts) {
		older = s.listedPosts[i+1]
	}
	if i > 0 {
		newer = s.listedPosts[i-1]
	}
	return older, newer
}

// CategoryOf returns the tree node of one of a post's category paths.
func (s *Site) CategoryOf(path string) *Category { return s.categories[path] }

// Stale reports whether a scheduled post has come due since the build.
func (s *Site) Stale(now time.Time) bool {
	return !s.NextChange.IsZero() && !now.Before(s.NextChange)
}

// Updated is the latest modification of any visible post (for feeds and
// Last-Modified).
func (s *Site) Updated() time.Time {
	var t time.Time
	for _, p := range s.Posts {
		if u := p.Updated(); u.After(t) {
			t = u
		}
	}
	return t
}
