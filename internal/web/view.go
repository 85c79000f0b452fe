package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
)

// view is the theme bound to one site snapshot: its templates' functions
// know the snapshot's addresses, categories and time zone.
type view struct {
	gen       cacheGen // the snapshot and theme this view renders
	site      *site.Site
	loader    *site.Loader
	theme     *Theme
	md        *content.Markdown
	templates map[string]*template.Template
	bodies    bodyRenderer // expands shortcodes in bodies and leads
	missing   missing      // what makes a 404 cheap (missing.go)
}

func newView(gen cacheGen, s *site.Site, l *site.Loader, t *Theme, md *content.Markdown) (*view, error) {
	v := &view{gen: gen, site: s, loader: l, theme: t, md: md, templates: map[string]*template.Template{}}
	funcs := templateFuncs(v, t)
	for name, tmpl := range t.templates {
		c, err := tmpl.Clone()
		if err != nil {
			return nil, err
		}
		v.templates[name] = c.Funcs(funcs)
	}
	return v, nil
}

// render executes a page template inside base.html.
func (v *view) render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(16 << 10)
	if err := v.templates[name].ExecuteTemplate(&b, "base", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// templateFuncs are the functions themes can call. v is nil while the
// templates are parsed (only the names matter then).
func templateFuncs(v *view, t *Theme) template.FuncMap {
	loc := time.UTC
	if v != nil {
		loc = v.site.Config.Location
	}
	return template.FuncMap{
		"url":       func(d *content.Doc) string { return v.site.URL(d) },
		"caturl":    func(c *site.Category) string { return v.site.URLs.Category(c.Path, 1) },
		"tagurl":    func(name string) string { return v.site.URLs.Tag(v.site.URLs.TagSlug(name), 1) },
		"category":  func(path string) *site.Category { return v.site.Category(path) },
		"lead":      func(d *content.Doc) (template.HTML, error) { return v.lead(d) },
		"asset":     t.AssetURL,
		"datetime":  func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		"longdate":  func(t time.Time) string { return t.In(loc).Format("2 January 2006, 15:04 MST") },
		"shortdate": func(t time.Time) string { return t.In(loc).Format("2 January 2006") },
		"daymonth":  func(t time.Time) string { return t.In(loc).Format("2 Jan") },
		"monthname": func(m time.Month) string { return m.String() },
	}
}

// lead is what a list shows of a post: the author's summary if the front
// matter has one, else the Markdown before <!--more--> or the first paragraph.
func (v *view) lead(d *content.Doc) (template.HTML, error) {
	if d.Summary != "" {
		return template.HTML("<p>" + template.HTMLEscapeString(d.Summary) + "</p>"), nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	src, err := v.loader.Lead(ctx, d)
	if err != nil || len(src) == 0 {
		return "", err
	}
	out, err := v.renderBody(ctx, d, src, content.RenderOptions{
		IDPrefix:  "lead-" + d.Slug + "-",
		NoAnchors: true,
		LinkBase:  bundleBase(v.site, d),
	})
	if err != nil {
		return "", fmt.Errorf("render lead of %s: %w", d.Key, err)
	}
	return template.HTML(out), nil
}

// bundleBase is the URL folder of a bundle's files ("/blog/qmk/"), or "".
func bundleBase(s *site.Site, d *content.Doc) string {
	if d.Bundle == "" {
		return ""
	}
	return strings.TrimSuffix(s.URL(d), "/") + "/"
}

// linkBase is what relative links in d resolve against: a bundle's folder,
// or else the folder of d's address, as a browser on d's page would.
// Feeds need it: their readers have no page to resolve against.
func linkBase(s *site.Site, d *content.Doc) string {
	if b := bundleBase(s, d); b != "" {
		return b
	}
	u := s.URL(d)
	return u[:strings.LastIndexByte(u, '/')+1]
}

// layout is what base.html needs on every page.
type layout struct {
	Site        *site.Site
	Title       string
	Description string
	Canonical   string
	Path        string
	Section     string
	Feeds       []feedLink
	Year        int
}

type feedLink struct{ Title, URL string }

type entry struct {
	Doc  *content.Doc
	HTML template.HTML
	More bool
}

type pager struct {
	Number, Total int
	Newer, Older  string
	at            func(n int) string // the address of page n of this list
}

type homeData struct {
	layout
	Entries []entry
	Pager   pager
}

type docData struct {
	layout
	Doc          *content.Doc
	HTML         template.HTML
	Older, Newer *content.Doc
}

type crumb struct{ Name, URL string }

type listData struct {
	layout
	Heading  string
	Intro    template.HTML // a Hugo section's _index.md body
	Crumbs   []crumb
	Count    int
	FeedURL  string
	Children []*site.Category
	Docs     []*content.Doc
	Pager    pager
}

// termsData is the index of a Hugo site's own taxonomy.
type termsData struct {
	layout
	Heading string
	Terms   []termLink
}

type termLink struct {
	Name, URL string
	Count     int
}

type archiveData struct {
	layout
	Heading string
	Years   []*site.Year
}

type notFoundData struct {
	layout
	Suggestions []*content.Doc
	Recent      []*content.Doc
}

type errorData struct {
	layout
	Heading string
	Message string
}
