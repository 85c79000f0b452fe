package web

import (
	"slices"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// renderSection is a list of a Hugo site's section (/posts/).
func (s *Server) renderSection(v *view, name string, n int) (*response, error) {
	all := v.site.Section(name)
	if all == nil {
		return nil, errNotFound
	}
	title := name
	if t := v.site.Config.Hugo.SectionTitles[name]; t != "" {
		title = t // from the section's _index.md
	}
	return s.renderHugoList(v, urls.Route{Kind: urls.Section, Name: name, Page: n}, title, all)
}

// renderTerm is the list of one term of a Hugo site's own taxonomy
// (/series/intro/).
func (s *Server) renderTerm(v *view, taxonomy, slug string, n int) (*response, error) {
	t := v.site.Term(taxonomy, slug)
	if t == nil {
		return nil, errNotFound
	}
	return s.renderHugoList(v, urls.Route{Kind: urls.Term, Taxonomy: taxonomy, Name: slug, Page: n}, t.Name, t.Posts)
}

// renderHugoList is page list.Page of a list of posts that only a Hugo
// site has, with its RSS feed as Hugo offers it.
func (s *Server) renderHugoList(v *view, list urls.Route, heading string, all []*content.Doc) (*response, error) {
	m := v.site.URLs
	posts, pg, ok := paginate(all, v.site.Config.PerPage, m, list)
	if !ok {
		return nil, errNotFound
	}
	data := listData{
		layout:  s.layout(v, pg.at(list.Page), heading, "", ""),
		Heading: heading,
		Count:   len(all),
		FeedURL: m.Feed(list, urls.RSS),
		Docs:    posts,
		Pager:   pg,
	}
	data.Feeds = []feedLink{{Title: v.site.Config.Title + ": " + heading, URL: data.FeedURL}}
	return s.page(v, "list", data)
}

// renderTerms is the index of a Hugo site's own taxonomy (/series/).
func (s *Server) renderTerms(v *view, taxonomy string) (*response, error) {
	st := v.site
	if _, ok := st.TaxonomyTerms[taxonomy]; !ok && !slices.Contains(st.TaxonomyNames, taxonomy) {
		return nil, errNotFound
	}
	data := termsData{layout: s.layout(v, st.URLs.URL(urls.Route{Kind: urls.Terms, Taxonomy: taxonomy}), taxonomy, "", ""), Heading: taxonomy}
	for _, t := range st.TaxonomyTerms[taxonomy] {
		data.Terms = append(data.Terms, termLink{Name: t.Name, URL: st.URLs.Term(taxonomy, t.Slug, 1), Count: len(t.Posts)})
	}
	return s.page(v, "terms", data)
}
