package urls

import (
	"strconv"
	"strings"
)

// Kind is what an address shows.
type Kind uint8

// The kinds of address. Doc is every address the map does not declare:
// a post or a page, a file of a page bundle, an alias; the site's
// snapshot decides which, if any.
const (
	Doc        Kind = iota
	Home            // the newest posts; Page
	Categories      // the category index
	Category        // one category's posts; Name is its slug path, Page
	Tags            // the tag index
	Tag             // one tag's posts; Name is its slug, Page
	Archive         // the archive index
	Year            // one year of the archive; Year
	Feed            // a feed; Feed is its format, Of and Name the list it follows
	Sitemap
	Robots
	Favicon
	HealthCheck
	Asset // a theme file; Name is its name
	Media // an upload; Name is its key under media/
	Admin // the writer's pages
	Jobs  // long-running work
	// Section is the list of one section of a Hugo site (/posts/); Name
	// is its folder under content/, Page.
	Section
	// Terms is the index of a Hugo site's own taxonomy (/series/);
	// Taxonomy is its plural name.
	Terms
	// Term is one term's posts (/series/intro/); Taxonomy, Name (the
	// term's slug), Page.
	Term
)

// Route is a matched address: its kind and its parameters.
type Route struct {
	Kind Kind
	Name string // Category: slug path; Tag: slug; Feed: its list's; Asset, Media: file name
	Page int    // Home, Category, Tag: page of the list, from 1
	Year int    // Year
	Feed Format // Feed
	Of   Kind   // Feed: the list it follows (Home, Category, Tag, Section or Term)
	// Taxonomy is the plural name of a Hugo site's taxonomy: Terms, Term,
	// and the feed of a Term.
	Taxonomy string
}

// Match tells what path is. It declares only the shape of the address:
// whether the category, tag or year exists is the snapshot's business.
func (m *Map) Match(path string) Route {
	if r, ok := m.fixed[path]; ok {
		return r
	}
	if rest, ok := strings.CutPrefix(path, AssetPrefix); ok {
		return Route{Kind: Asset, Name: rest}
	}
	if rest, ok := strings.CutPrefix(path, MediaPrefix); ok {
		return Route{Kind: Media, Name: rest}
	}
	if under(path, AdminPrefix) {
		return Route{Kind: Admin}
	}
	if under(path, JobsPrefix) {
		return Route{Kind: Jobs}
	}
	// A list, a feed or an index spelt with a trailing slash is still
	// that address; Canonical takes the slash off.
	bare := strings.TrimSuffix(path, "/")
	if r, ok := m.fixed[bare]; ok {
		return r
	}
	if r, ok := m.matchFeed(bare); ok {
		return r
	}
	if r, ok := m.matchPage(bare); ok {
		return r
	}
	if r, ok := m.matchList(bare); ok {
		return r
	}
	if r, ok := m.matchTaxonomyIndex(bare); ok {
		return r
	}
	if rest, ok := strings.CutPrefix(bare, m.year); ok {
		if y, ok := number(rest); ok {
			return Route{Kind: Year, Year: y}
		}
	}
	return Route{Kind: Doc}
}

// matchFeed recognises a feed's file name in the folder of a list.
func (m *Map) matchFeed(path string) (Route, bool) {
	i := strings.LastIndexByte(path, '/')
	name := path[i+1:]
	for f, file := range m.feeds {
		if name != file {
			continue
		}
		if list, ok := m.matchList(path[:i]); ok {
			return Route{Kind: Feed, Feed: f, Of: list.Kind, Name: list.Name, Taxonomy: list.Taxonomy}, true
		}
		if index, ok := m.matchTaxonomyIndex(path[:i]); ok && m.hugo != nil {
			return Route{Kind: Feed, Feed: f, Of: index.Kind, Taxonomy: index.Taxonomy}, true
		}
	}
	return Route{}, false
}

// matchTaxonomyIndex recognises the index of tags, of categories or of a
// Hugo site's own taxonomy, written without a trailing slash: in Hugo's
// style each has a feed of its posts.
func (m *Map) matchTaxonomyIndex(path string) (Route, bool) {
	switch r := m.fixed[path]; {
	case r.Kind == Tags || r.Kind == Categories:
		return r, true
	}
	if tax := strings.TrimPrefix(path, "/"); m.taxonomies[tax] {
		return Route{Kind: Terms, Taxonomy: tax}, true
	}
	return Route{}, false
}

// matchPage recognises page N of a list (N > 1 or not: page 1 is matched
// so that it can be redirected to the list's first address).
func (m *Map) matchPage(path string) (Route, bool) {
	i := strings.LastIndex(path, "/"+m.pagination)
	if i < 0 {
		return Route{}, false
	}
	n, ok := number(path[i+1+len(m.pagination):])
	if !ok {
		return Route{}, false
	}
	list, ok := m.matchList(path[:i])
	if !ok {
		return Route{}, false
	}
	list.Page = n
	return list, true
}

// matchList recognises the first page of a list, its address written
// without a trailing slash ("" for the home page).
func (m *Map) matchList(path string) (Route, bool) {
	if path == "" {
		return Route{Kind: Home, Page: 1}, true
	}
	if rest, ok := strings.CutPrefix(path, m.category); ok && slugPath(rest) {
		return Route{Kind: Category, Name: rest, Page: 1}, true
	}
	if rest, ok := strings.CutPrefix(path, m.tag); ok && rest != "" && !strings.Contains(rest, "/") {
		return Route{Kind: Tag, Name: rest, Page: 1}, true
	}
	if name := strings.TrimPrefix(path, "/"); m.sections[name] {
		return Route{Kind: Section, Name: name, Page: 1}, true
	}
	if tax, term, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/"); ok && m.taxonomies[tax] && term != "" && !strings.Contains(term, "/") {
		return Route{Kind: Term, Taxonomy: tax, Name: term, Page: 1}, true
	}
	return Route{}, false
}

// slugPath reports whether s could be a category's path: slugs joined
// by single slashes.
func slugPath(s string) bool {
	return s != "" && s[0] != '/' && s[len(s)-1] != '/' && !strings.Contains(s, "//")
}

// number parses a positive decimal number written without leading zeros.
func number(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// under reports whether path is prefix or an address below it.
func under(path, prefix string) bool {
	rest, ok := strings.CutPrefix(path, prefix)
	return ok && (rest == "" || rest[0] == '/')
}

// Canonical is the address a route is served at, or "" when the path
// asked for is already it. Page 1 of a list, a year or feed spelt
// another way, redirect there.
func (m *Map) Canonical(path string, r Route) string {
	switch r.Kind {
	case Doc, Asset, Media, Admin, Jobs:
		return ""
	}
	if u := m.URL(r); u != path {
		return u
	}
	return ""
}

// SlashTwin is the other spelling of a document's address, with or
// without its trailing slash. A document is served at the address the
// map builds for it (with a slash if the permalink pattern ends in one);
// its twin redirects there. The root has no twin ("").
func (m *Map) SlashTwin(path string) string {
	if trimmed := strings.TrimRight(path, "/"); trimmed != path {
		return trimmed
	}
	return path + "/"
}

// Reserved reports whether a post, page or alias at path would take one of
// grail's own addresses: it would hide the feature, or never be reached.
// Beside every declared address, the folders grail serves from (/tag,
// /page, /media) and the first folder of the permalink pattern (/blog)
// are kept.
func (m *Map) Reserved(path string) bool {
	path = strings.TrimSuffix(path, "/")
	if path == "" || m.Match(path).Kind != Doc {
		return true
	}
	folders := append([]string{m.category, m.tag, m.year, AssetPrefix, MediaPrefix, AdminPrefix, JobsPrefix, "/" + m.pagination}, m.reserved...)
	for _, f := range folders {
		if under(path, strings.TrimSuffix(f, "/")) {
			return true
		}
	}
	return path == m.postFolder()
}

// postFolder is the literal first folder of the permalink pattern ("/blog"
// for "/blog/:slug"), or "" when the pattern starts with a placeholder.
func (m *Map) postFolder() string {
	first, _, _ := strings.Cut(strings.TrimPrefix(m.permalink, "/"), "/")
	if strings.Contains(first, ":") {
		return ""
	}
	return "/" + first
}
