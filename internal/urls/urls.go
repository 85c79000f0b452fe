// Package urls is the map of a site's addresses: every URL grail answers
// is declared here, once, from the site's configuration. The router asks
// it what a path is (Match), templates, feeds and the sitemap ask it for
// addresses (the builders), the site asks it which addresses documents
// may not take (Reserved), and the CDN is told what a change touches
// (Invalidation). A new shape of URL is taught to this package alone.
//
// It knows nothing of HTTP or of a site's snapshot: what a snapshot holds
// is enumerated by the site package with these builders.
package urls

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// Format is a feed format.
type Format string

// The feed formats, each offered for the site and for every category and tag.
const (
	Atom     Format = "atom"
	RSS      Format = "rss"
	JSONFeed Format = "json"
)

// Formats lists the feed formats in the order pages offer them.
var Formats = []Format{Atom, RSS, JSONFeed}

// style is the shape of every address other than a post's, which the
// permalink pattern decides: grail's, Hugo's (hugoStyle) or Jekyll's
// (jekyllStyle, jekyll.go).
type style struct {
	page       string            // a standalone page, "/:slug"
	pagination string            // page N of a list is its folder + pagination + N
	categories string            // the category index
	category   string            // prefix of a category's address, before its slug path
	tags       string            // the tag index
	tag        string            // prefix of a tag's address, before its slug
	archive    string            // the archive index
	year       string            // prefix of a year of the archive
	feeds      map[Format]string // a feed's file name in its list's folder
	sitemap    string
	robots     string
	favicon    string
	// reserved are names kept for grail's own use that serve nothing yet.
	reserved []string
	// slash ends the address of every list and index with "/", as
	// Hugo's do.
	slash bool
}

var grailStyle = style{
	page:       "/:slug",
	pagination: "page/",
	categories: "/categories",
	category:   "/category/",
	tags:       "/tags",
	tag:        "/tag/",
	archive:    "/archive",
	year:       "/archive/",
	feeds:      map[Format]string{Atom: "feed.atom", RSS: "rss.xml", JSONFeed: "feed.json"},
	sitemap:    "/sitemap.xml",
	robots:     "/robots.txt",
	favicon:    "/favicon.ico",
	reserved:   []string{"/feeds"}, // a future page of every feed
}

// The addresses of grail's machinery, the same in every style.
const (
	Healthz     = "/healthz" // the load balancer's probe
	AssetPrefix = "/assets/" // the theme's files, under content-hashed names
	MediaPrefix = "/media/"  // uploads
	AdminPrefix = "/admin"   // the writer's pages, and everything under them
	JobsPrefix  = "/jobs"    // long-running work, and everything under it
)

// hugoStyle is the shape of a Hugo site's addresses: /tags/<t>/,
// /categories/<c>/, /page/2/, an index.xml feed in every list's folder.
var hugoStyle = style{
	page:       "/:slug/",
	pagination: "page/",
	categories: "/categories",
	category:   "/categories/",
	tags:       "/tags",
	tag:        "/tags/",
	archive:    "/archive",
	year:       "/archive/",
	feeds:      map[Format]string{Atom: "feed.atom", RSS: "index.xml", JSONFeed: "feed.json"},
	sitemap:    "/sitemap.xml",
	robots:     "/robots.txt",
	favicon:    "/favicon.ico",
	reserved:   []string{"/feeds"},
	slash:      true,
}

// Map is the address map of one configuration. It is immutable.
type Map struct {
	style
	permalink string // the post pattern, "/blog/:slug"
	// hugo holds a Hugo site's permalinks by section, when the map has
	// Hugo's style; a post's section is the first folder of its key.
	hugo     *config.Hugo
	sections map[string]bool // the sections that have a list of their own
	// taxonomies are a Hugo site's own taxonomies beside tags and
	// categories, by plural name: /series/, /series/<term>/.
	taxonomies map[string]bool
	// hugoTwin is the map of the same Hugo site in Hugo's style, when
	// the site chose grail's: Hugo's addresses redirect to grail's.
	hugoTwin *Map
	// jekyll holds a Jekyll site's settings, when the map has Jekyll's
	// style (jekyll.go).
	jekyll *config.Jekyll
	loc    *time.Location
	fixed  map[string]Route // addresses that are exactly one route
}

// New declares the addresses of a site with this configuration.
func New(cfg config.Config) *Map {
	m := &Map{style: grailStyle, permalink: cfg.Permalink, loc: cfg.Location}
	if HugoStyle(cfg) {
		m.style, m.hugo, m.permalink = hugoStyle, cfg.Hugo, hugoDefaultPermalink
		m.taxonomies = OwnTaxonomies(cfg.Hugo)
	} else if JekyllStyle(cfg) {
		m.withJekyll(cfg.Jekyll)
	} else if cfg.Hugo != nil {
		hugoCfg := cfg
		hugoCfg.URLStyle = config.StyleHugo
		m.hugoTwin = New(hugoCfg)
	}
	if m.permalink == "" {
		m.permalink = config.Default().Permalink
	}
	if m.loc == nil {
		m.loc = time.UTC
	}
	m.fixed = map[string]Route{
		"/":          {Kind: Home, Page: 1},
		m.categories: {Kind: Categories},
		m.tags:       {Kind: Tags},
		m.archive:    {Kind: Archive},
		m.sitemap:    {Kind: Sitemap},
		m.robots:     {Kind: Robots},
		m.favicon:    {Kind: Favicon},
		Healthz:      {Kind: HealthCheck},
	}
	for _, f := range Formats {
		m.fixed[m.SiteFeed(f)] = Route{Kind: Feed, Feed: f, Of: Home}
	}
	return m
}

// HugoStyle reports whether a site with cfg has Hugo's addresses: a Hugo
// site, unless grail.toml chose grail's style.
func HugoStyle(cfg config.Config) bool {
	return cfg.Hugo != nil && cfg.URLStyle != config.StyleGrail
}

// Doc is the address of a post (the permalink pattern) or of a page.
func (m *Map) Doc(d *content.Doc) string {
	if m.hugo != nil {
		return m.hugoDoc(d)
	}
	if m.jekyll != nil {
		return m.jekyllDoc(d)
	}
	if d.Kind == content.KindPage {
		return strings.Replace(m.page, ":slug", d.Slug, 1)
	}
	return m.post(d)
}

func (m *Map) post(d *content.Doc) string {
	if m.permalink == "/blog/:slug" { // the default, and the hot path
		return "/blog/" + d.Slug
	}
	local := d.Date.In(m.loc)
	r := strings.NewReplacer(
		":slug", d.Slug,
		":year", strconv.Itoa(local.Year()),
		":month", fmt.Sprintf("%02d", int(local.Month())),
		":day", fmt.Sprintf("%02d", local.Day()),
	)
	return r.Replace(m.permalink)
}

// Home is page n of the home page's list of posts.
func (m *Map) Home(n int) string { return m.URL(Route{Kind: Home, Page: n}) }

// Categories is the index of every category.
func (m *Map) Categories() string { return m.list(m.categories) }

// Category is page n of a category, by its slug path ("hardware/keyboards").
func (m *Map) Category(path string, n int) string {
	return m.URL(Route{Kind: Category, Name: path, Page: n})
}

// Tags is the index of every tag.
func (m *Map) Tags() string { return m.list(m.tags) }

// Tag is page n of a tag, by its slug.
func (m *Map) Tag(slug string, n int) string { return m.URL(Route{Kind: Tag, Name: slug, Page: n}) }

// Archive is the index of every year.
func (m *Map) Archive() string { return m.list(m.archive) }

// Year is the archive of one year.
func (m *Map) Year(y int) string { return m.list(m.year + strconv.Itoa(y)) }

// list is the address of a list or an index in the map's style: with a
// trailing slash in Hugo's.
func (m *Map) list(path string) string {
	if m.slash {
		return folder(path)
	}
	return path
}

// SiteFeed is the feed of every post in format f.
func (m *Map) SiteFeed(f Format) string { return m.Feed(Route{Kind: Home}, f) }

// Feed is the feed in format f of a list: the home page, a category or a tag.
func (m *Map) Feed(list Route, f Format) string {
	return m.URL(Route{Kind: Feed, Feed: f, Of: list.Kind, Name: list.Name, Taxonomy: list.Taxonomy})
}

// Sitemap is the sitemap's address.
func (m *Map) Sitemap() string { return m.sitemap }

// URL builds the address of a route; Match(URL(r)) is r. A list's first
// page is its page 1 (Page 0 means the same).
func (m *Map) URL(r Route) string {
	switch r.Kind {
	case Home, Category, Tag, Section, Term:
		first := m.listFirst(r.Kind, r.Taxonomy, r.Name)
		if r.Page <= 1 {
			return m.list(first)
		}
		return m.list(folder(first) + m.pagination + strconv.Itoa(r.Page))
	case Feed:
		return folder(m.listFirst(r.Of, r.Taxonomy, r.Name)) + m.feeds[r.Feed]
	case Terms:
		return m.list("/" + r.Taxonomy)
	case Year:
		return m.Year(r.Year)
	case Asset:
		return AssetPrefix + r.Name
	case Media:
		return MediaPrefix + r.Name
	case Categories:
		return m.Categories()
	case Tags:
		return m.Tags()
	case Archive:
		return m.Archive()
	case Sitemap:
		return m.sitemap
	case Robots:
		return m.robots
	case Favicon:
		return m.favicon
	case HealthCheck:
		return Healthz
	case Admin:
		return AdminPrefix
	case Jobs:
		return JobsPrefix
	}
	return ""
}

// listFirst is the first page of a list of posts.
func (m *Map) listFirst(k Kind, taxonomy, name string) string {
	switch k {
	case Category:
		return m.category + name
	case Tag:
		return m.tag + name
	case Section:
		return "/" + name
	case Term:
		return "/" + taxonomy + "/" + name
	case Terms:
		return "/" + taxonomy
	case Tags:
		return m.tags
	case Categories:
		return m.categories
	}
	return "/"
}

// folder is an address as the folder of the addresses under it.
func folder(path string) string { return strings.TrimSuffix(path, "/") + "/" }

// PageCount is how many pages a list of n posts takes at per posts a page
// (always at least one: an empty list still has its page).
func PageCount(n, per int) int { return max(1, (n+per-1)/per) }
