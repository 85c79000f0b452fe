package web

import (
	"bytes"
	"context"
	"html/template"
	"slices"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// renderSection is a list of a Hugo site's section (/posts/), below the
// body of the section's _index.md.
func (s *Server) renderSection(ctx context.Context, v *view, name string, n int) (*response, error) {
	all := v.site.Section(name)
	if all == nil {
		return nil, errNotFound
	}
	intro, err := s.sectionIntro(ctx, v, name)
	if err != nil {
		return nil, err
	}
	list := urls.Route{Kind: urls.Section, Name: name, Page: n}
	return s.renderHugoList(v, list, v.site.SectionTitle(name), all, intro)
}

// sectionIntro is the body of a section's _index.md as HTML; empty when
// it has none. Its relative links resolve against the section's list.
func (s *Server) sectionIntro(ctx context.Context, v *view, name string) (template.HTML, error) {
	d := v.site.SectionDoc(name)
	if d == nil {
		return "", nil
	}
	body, err := s.loader.Body(ctx, d)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return "", err
	}
	out, err := v.renderBody(ctx, d, body, content.RenderOptions{LinkBase: v.site.URL(d)})
	return template.HTML(out), err //nolint:gosec // drawn by the Markdown renderer
}

// renderTerm is the list of one term of a Hugo site's own taxonomy
// (/series/intro/).
func (s *Server) renderTerm(v *view, taxonomy, slug string, n int) (*response, error) {
	t := v.site.Term(taxonomy, slug)
	if t == nil {
		return nil, errNotFound
	}
	return s.renderHugoList(v, urls.Route{Kind: urls.Term, Taxonomy: taxonomy, Name: slug, Page: n}, t.Name, t.Posts, "")
}

// renderHugoList is page list.Page of a list of posts that only a Hugo
// site has, with its RSS feed as Hugo offers it, below intro.
func (s *Server) renderHugoList(v *view, list urls.Route, heading string, all []*content.Doc, intro template.HTML) (*response, error) {
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
		Intro:   intro,
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
