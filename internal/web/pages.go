package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/urls"
)

const htmlType = "text/html; charset=utf-8"

func (s *Server) layout(v *view, path, title, description, section string) layout {
	cfg := v.site.Config
	l := layout{
		Site:        v.site,
		Title:       title,
		Description: description,
		Path:        path,
		Section:     section,
		Year:        v.site.Built.In(cfg.Location).Year(),
	}
	if l.Description == "" {
		l.Description = cfg.Description
	}
	if cfg.BaseURL != "" {
		l.Canonical = cfg.BaseURL + path
	}
	return l
}

func (s *Server) page(v *view, name string, data any) (*response, error) {
	body, err := v.render(name, data)
	if err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK, htmlType, s.pageCacheControl(v.site), body, v.site.Built), nil
}

// renderHome shows the newest posts (of a Hugo site's main sections) in full; a post the author split with
// <!--more--> or gave a summary shows its lead and a "read more" link.
func (s *Server) renderHome(ctx context.Context, v *view, n int) (*response, error) {
	per := v.site.Config.HomePosts
	posts, pg, ok := paginate(v.site.MainPosts, per, v.site.URLs, urls.Route{Kind: urls.Home, Page: n})
	if !ok {
		return nil, errNotFound
	}
	data := homeData{Pager: pg}
	data.layout = s.layout(v, pg.at(n), "", "", "home")
	if n > 1 {
		data.Title = "Page " + itoa(n)
	}
	for _, p := range posts {
		e, err := s.homeEntry(ctx, v, p)
		if err != nil {
			return nil, err
		}
		data.Entries = append(data.Entries, e)
	}
	return s.page(v, "home", data)
}

func (s *Server) homeEntry(ctx context.Context, v *view, p *content.Doc) (entry, error) {
	if p.HasMore || p.Summary != "" {
		html, err := v.lead(p)
		return entry{Doc: p, HTML: html, More: true}, err
	}
	body, err := s.loader.Body(ctx, p)
	if err != nil {
		return entry{}, err
	}
	out, err := v.renderBody(ctx, p, body, content.RenderOptions{IDPrefix: p.Slug + "-", LinkBase: bundleBase(v.site, p)})
	return entry{Doc: p, HTML: template.HTML(out)}, err
}

func (s *Server) renderDoc(ctx context.Context, v *view, d *content.Doc) (*response, error) {
	body, err := s.loader.Body(ctx, d)
	if err != nil {
		return nil, err
	}
	out, err := v.renderBody(ctx, d, body, content.RenderOptions{LinkBase: bundleBase(v.site, d)})
	if err != nil {
		return nil, err
	}
	desc := d.Description
	if desc == "" {
		desc = d.Summary
	}
	data := docData{layout: s.layout(v, v.site.URL(d), d.Title, desc, d.Kind.String()), Doc: d, HTML: template.HTML(out)}
	name := "page"
	if d.Kind == content.KindPost {
		name = "post"
		data.Older, data.Newer = v.site.Neighbours(d)
		data.Feeds = docFeeds(v.site, d)
	}
	return s.page(v, name, data)
}

// docFeeds are the feeds of a post's categories, offered beside the site's.
func docFeeds(st *site.Site, d *content.Doc) []feedLink {
	var out []feedLink
	for _, p := range d.Categories {
		if c := st.Category(p); c != nil {
			out = append(out, feedLink{Title: st.Config.Title + ": " + strings.Join(c.Names(), " › "), URL: st.URLs.Feed(urls.Route{Kind: urls.Category, Name: c.Path}, urls.Atom)})
		}
	}
	return out
}

func (s *Server) renderCategories(v *view) (*response, error) {
	return s.page(v, "categories", s.layout(v, v.site.URLs.Categories(), "Categories", "", "categories"))
}

func (s *Server) renderTags(v *view) (*response, error) {
	return s.page(v, "tags", s.layout(v, v.site.URLs.Tags(), "Tags", "", "tags"))
}

func (s *Server) renderCategory(v *view, path string, n int) (*response, error) {
	c := v.site.Category(path)
	if c == nil {
		return nil, errNotFound
	}
	m, list := v.site.URLs, urls.Route{Kind: urls.Category, Name: c.Path, Page: n}
	posts, pg, ok := paginate(c.Posts, v.site.Config.PerPage, m, list)
	if !ok {
		return nil, errNotFound
	}
	data := listData{
		layout:   s.layout(v, pg.at(n), strings.Join(c.Names(), " › "), "", "categories"),
		Heading:  c.Name,
		Count:    len(c.Posts),
		FeedURL:  m.Feed(list, urls.Atom),
		Children: c.Children,
		Docs:     posts,
		Pager:    pg,
	}
	data.Crumbs = append(data.Crumbs, crumb{"Categories", m.Categories()})
	for _, a := range c.Ancestors()[:len(c.Ancestors())-1] {
		data.Crumbs = append(data.Crumbs, crumb{a.Name, m.Category(a.Path, 1)})
	}
	data.Feeds = []feedLink{{Title: v.site.Config.Title + ": " + strings.Join(c.Names(), " › "), URL: data.FeedURL}}
	return s.page(v, "list", data)
}

func (s *Server) renderTag(v *view, slug string, n int) (*response, error) {
	t := v.site.Tag(slug)
	if t == nil {
		return nil, errNotFound
	}
	m, list := v.site.URLs, urls.Route{Kind: urls.Tag, Name: t.Slug, Page: n}
	posts, pg, ok := paginate(t.Posts, v.site.Config.PerPage, m, list)
	if !ok {
		return nil, errNotFound
	}
	data := listData{
		layout:  s.layout(v, pg.at(n), "#"+t.Name, "", "tags"),
		Heading: "#" + t.Name,
		Crumbs:  []crumb{{"Tags", m.Tags()}},
		Count:   len(t.Posts),
		FeedURL: m.Feed(list, urls.Atom),
		Docs:    posts,
		Pager:   pg,
	}
	data.Feeds = []feedLink{{Title: v.site.Config.Title + ": #" + t.Name, URL: data.FeedURL}}
	return s.page(v, "list", data)
}

func (s *Server) renderArchive(v *view, y *site.Year) (*response, error) {
	data := archiveData{layout: s.layout(v, v.site.URLs.Archive(), "Archive", "", "archive"), Heading: "Archive", Years: v.site.Years}
	if y != nil {
		data.layout = s.layout(v, v.site.URLs.Year(y.Year), "Archive "+itoa(y.Year), "", "archive")
		data.Heading = "Archive " + itoa(y.Year)
		data.Years = []*site.Year{y}
	}
	return s.page(v, "archive", data)
}

// paginate returns page list.Page (from 1) of docs, the posts of list.
// ok is false for a page past the end.
func paginate(docs []*content.Doc, per int, m *urls.Map, list urls.Route) ([]*content.Doc, pager, bool) {
	n, total := list.Page, urls.PageCount(len(docs), per)
	at := func(n int) string {
		list.Page = n
		return m.URL(list)
	}
	if n < 1 || n > total {
		return nil, pager{}, false
	}
	pg := pager{Number: n, Total: total, at: at}
	if n > 1 {
		pg.Newer = at(n - 1)
	}
	if n < total {
		pg.Older = at(n + 1)
	}
	lo := (n - 1) * per
	return docs[lo:min(lo+per, len(docs))], pg, true
}

func (s *Server) renderRobots(v *view) (*response, error) {
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: " + urls.AdminPrefix + "\n")
	if base := v.site.Config.BaseURL; base != "" {
		b.WriteString("\nSitemap: " + base + v.site.URLs.Sitemap() + "\n")
	}
	return newResponse(http.StatusOK, "text/plain; charset=utf-8", s.pageCacheControl(v.site), []byte(b.String()), v.site.Built), nil
}

func itoa(n int) string { return strconv.Itoa(n) }

var zeroTime time.Time
