package site

import (
	"maps"
	"slices"
	"strings"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// indexSections lists the posts and pages of each section of a Hugo site
// (content/posts/, content/articles/, and the folders in them, such as
// content/posts/2024/), newest first, and gives the URL map their lists.
// A grail site has no sections.
func (s *Site) indexSections() {
	if s.Config.Hugo == nil {
		return
	}
	s.sections = map[string][]*content.Doc{}
	for _, p := range slices.Concat(s.Posts, s.Pages) {
		if p.List == content.ListNever {
			continue
		}
		sections := urls.SectionOf(p)
		for end := 0; end < len(sections); {
			next := strings.IndexByte(sections[end+1:], '/')
			if next < 0 {
				end = len(sections)
			} else {
				end += 1 + next
			}
			s.sections[sections[:end]] = append(s.sections[sections[:end]], p)
		}
	}
	// In Hugo's order: by weight, then newest first (undated pages
	// last), then by title.
	names := make([]string, 0, len(s.sections))
	for n, list := range s.sections {
		slices.SortStableFunc(list, hugoOrder)
		names = append(names, n)
	}
	slices.Sort(names)
	s.SectionNames = names
	s.URLs = s.URLs.WithSections(names)
	s.MainSections = s.mainSections()
	s.MainPosts = nil
	for _, p := range s.listedPosts {
		if name, _, _ := strings.Cut(urls.SectionOf(p), "/"); slices.Contains(s.MainSections, name) {
			s.MainPosts = append(s.MainPosts, p)
		}
	}
}

// mainSections are the sections whose posts the home page and the site's
// feed list, as Hugo decides them: params.mainSections, or else the
// section with the most pages (the first by name of those that tie).
func (s *Site) mainSections() []string {
	if main := s.Config.Hugo.MainSections; len(main) > 0 {
		return main
	}
	best := ""
	for _, n := range s.SectionNames {
		if strings.Contains(n, "/") {
			continue // only a top-level section can be the main one
		}
		if best == "" || len(s.sections[n]) > len(s.sections[best]) {
			best = n
		}
	}
	if best == "" {
		return nil
	}
	return []string{best}
}

// indexSectionDocs keeps the sections' _index.md files (not drafts) by
// section name, and returns the other docs.
func (s *Site) indexSectionDocs(docs []*content.Doc) []*content.Doc {
	rest := make([]*content.Doc, 0, len(docs))
	for _, d := range docs {
		if d.Kind != content.KindSection {
			rest = append(rest, d)
			continue
		}
		if d.Draft {
			continue
		}
		if s.sectionDocs == nil {
			s.sectionDocs = map[string]*content.Doc{}
		}
		s.sectionDocs[urls.SectionOf(d)] = d
	}
	return rest
}

// SectionDoc is the _index.md of a section, or nil: its title names the
// section and its body introduces the section's list.
func (s *Site) SectionDoc(name string) *content.Doc { return s.sectionDocs[name] }

// SectionDocs are the sections' _index.md files, by section name.
func (s *Site) SectionDocs() []*content.Doc {
	names := slices.Sorted(maps.Keys(s.sectionDocs))
	out := make([]*content.Doc, len(names))
	for i, n := range names {
		out[i] = s.sectionDocs[n]
	}
	return out
}

// SectionTitle is a section's name as its _index.md gives it, or else
// its folder's.
func (s *Site) SectionTitle(name string) string {
	if d := s.sectionDocs[name]; d != nil && d.Title != "" {
		return d.Title
	}
	return name
}

// Section is the posts of a section, newest first; nil when the site has
// no such section.
func (s *Site) Section(name string) []*content.Doc { return s.sections[name] }

// indexHugoAddresses makes the address Hugo gives each document an alias
// of it, when a Hugo site chose grail's URL style: nothing its author
// published before breaks.
func (s *Site) indexHugoAddresses(visible []*content.Doc) {
	for _, d := range visible {
		from := strings.TrimRight(s.URLs.HugoDoc(d), "/")
		if from == "" || s.ByPathOrTwin(from) != nil || s.aliases[from] != "" {
			continue
		}
		s.aliases[from] = s.URL(d)
	}
}

// indexTerms lists the terms of a Hugo site's own taxonomies (series:
// [Intro] when the site declares series) and their posts, newest first.
func (s *Site) indexTerms() {
	if s.Config.Hugo == nil || !urls.HugoStyle(s.Config) {
		return
	}
	s.terms = map[string]map[string]*Tag{}
	s.TaxonomyTerms = map[string][]*Tag{}
	for tax := range urls.OwnTaxonomies(s.Config.Hugo) {
		s.terms[tax] = map[string]*Tag{}
		s.TaxonomyNames = append(s.TaxonomyNames, tax)
	}
	slices.Sort(s.TaxonomyNames)
	for _, p := range s.listedPosts {
		for tax, names := range p.Terms {
			byslug, ok := s.terms[tax]
			if !ok {
				continue
			}
			for _, name := range names {
				slug := s.URLs.TagSlug(name)
				t := byslug[slug]
				if t == nil {
					t = &Tag{Slug: slug, Name: name}
					byslug[slug] = t
					s.TaxonomyTerms[tax] = append(s.TaxonomyTerms[tax], t)
				}
				if n := len(t.Posts); n == 0 || t.Posts[n-1] != p {
					t.Posts = append(t.Posts, p)
				}
			}
		}
	}
	for _, terms := range s.TaxonomyTerms {
		slices.SortFunc(terms, func(a, b *Tag) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	}
}

// Term is a term of a Hugo site's own taxonomy, by its slug; nil when
// no post has it.
func (s *Site) Term(taxonomy, slug string) *Tag { return s.terms[taxonomy][slug] }

// TaxonomyPosts are the posts with at least one term of a taxonomy —
// tags (urls.Tags), categories (urls.Categories) or a Hugo site's own
// (urls.Terms) — newest first: the feed of that taxonomy's index.
func (s *Site) TaxonomyPosts(index urls.Kind, taxonomy string) []*content.Doc {
	var out []*content.Doc
	for _, p := range s.listedPosts {
		switch {
		case index == urls.Tags && len(p.Tags) > 0,
			index == urls.Categories && len(p.Categories) > 0,
			index == urls.Terms && len(p.Terms[taxonomy]) > 0:
			out = append(out, p)
		}
	}
	return out
}
