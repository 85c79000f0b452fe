package site

import (
	"time"

	"github.com/grailblog/grail/internal/urls"
)

// AllURLs enumerates every address this snapshot answers with a page of
// its own: the home page and every page of it, posts, pages, the indexes,
// every category, tag and year with their pages, every feed, the sitemap
// and robots.txt. The sitemap lists the pages among them; a static copy
// of the site is exactly these. Theme files, uploads and bundle files are
// files rather than addresses of the snapshot, and are not listed.
func (s *Site) AllURLs() []urls.Entry {
	m := s.URLs
	var out []urls.Entry
	add := func(r urls.Route, mod time.Time) {
		out = append(out, urls.Entry{Path: m.URL(r), Route: r, Modified: mod})
	}
	addList := func(list urls.Route, posts, per int, mod time.Time) {
		for n := 1; n <= urls.PageCount(posts, per); n++ {
			list.Page = n
			add(list, mod)
			mod = time.Time{}
		}
	}
	addList(urls.Route{Kind: urls.Home}, len(s.MainPosts), s.Config.HomePosts, s.Updated())
	for _, d := range append(s.Posts[:len(s.Posts):len(s.Posts)], s.Pages...) {
		out = append(out, urls.Entry{Path: s.URL(d), Route: urls.Route{Kind: urls.Doc}, Modified: d.Updated()})
	}
	for _, k := range []urls.Kind{urls.Archive, urls.Categories, urls.Tags} {
		add(urls.Route{Kind: k}, time.Time{})
	}
	var lists []urls.Route
	for _, c := range s.allCategories() {
		list := urls.Route{Kind: urls.Category, Name: c.Path}
		addList(list, len(c.Posts), s.Config.PerPage, time.Time{})
		lists = append(lists, list)
	}
	for _, t := range s.Tags {
		list := urls.Route{Kind: urls.Tag, Name: t.Slug}
		addList(list, len(t.Posts), s.Config.PerPage, time.Time{})
		lists = append(lists, list)
	}
	for _, name := range s.SectionNames {
		list := urls.Route{Kind: urls.Section, Name: name}
		addList(list, len(s.sections[name]), s.Config.PerPage, time.Time{})
		lists = append(lists, list)
	}
	for _, tax := range s.TaxonomyNames {
		add(urls.Route{Kind: urls.Terms, Taxonomy: tax}, time.Time{})
		for _, t := range s.TaxonomyTerms[tax] {
			list := urls.Route{Kind: urls.Term, Taxonomy: tax, Name: t.Slug}
			addList(list, len(t.Posts), s.Config.PerPage, time.Time{})
			lists = append(lists, list)
		}
	}
	for _, y := range s.Years {
		add(urls.Route{Kind: urls.Year, Year: y.Year}, time.Time{})
	}
	feeds := append([]urls.Route{{Kind: urls.Home}}, lists...)
	if urls.HugoStyle(s.Config) { // Hugo gives every taxonomy's index a feed
		feeds = append(feeds, urls.Route{Kind: urls.Tags}, urls.Route{Kind: urls.Categories})
		for _, tax := range s.TaxonomyNames {
			feeds = append(feeds, urls.Route{Kind: urls.Terms, Taxonomy: tax})
		}
	}
	for _, list := range feeds {
		for _, f := range urls.Formats {
			add(urls.Route{Kind: urls.Feed, Feed: f, Of: list.Kind, Name: list.Name, Taxonomy: list.Taxonomy}, time.Time{})
		}
	}
	add(urls.Route{Kind: urls.Sitemap}, time.Time{})
	add(urls.Route{Kind: urls.Robots}, time.Time{})
	return out
}

// allCategories is every node of the category tree, each before its
// children, in the tree's order.
func (s *Site) allCategories() []*Category {
	var out []*Category
	var walk func(*Category)
	walk = func(c *Category) {
		for _, ch := range c.Children {
			out = append(out, ch)
			walk(ch)
		}
	}
	walk(s.Categories)
	return out
}
