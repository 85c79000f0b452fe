package urls

import (
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// jekyllStyle is the shape of a Jekyll site's addresses: its pages as
// Jekyll writes them, jekyll-paginate's /page2/, jekyll-feed's
// /feed.xml, jekyll-sitemap's /sitemap.xml. Jekyll itself has no
// category or tag lists; grail's are under /categories/ and /tags/.
var jekyllStyle = style{
	pagination: "page",
	categories: "/categories",
	category:   "/categories/",
	tags:       "/tags",
	tag:        "/tags/",
	archive:    "/archive",
	year:       "/archive/",
	feeds:      map[Format]string{Atom: "feed.xml", RSS: "rss.xml", JSONFeed: "feed.json"},
	sitemap:    "/sitemap.xml",
	robots:     "/robots.txt",
	favicon:    "/favicon.ico",
	reserved:   []string{"/feeds"},
	slash:      true,
}

// JekyllStyle reports whether a site with cfg has Jekyll's addresses: a
// Jekyll site, unless grail.toml chose a style.
func JekyllStyle(cfg config.Config) bool {
	return cfg.Jekyll != nil && cfg.URLStyle == ""
}

// withJekyll gives m Jekyll's style; paginate_path decides where the
// home page's further pages are ("/page:num/" is /page2/).
func (m *Map) withJekyll(j *config.Jekyll) {
	m.style, m.jekyll, m.permalink = jekyllStyle, j, j.Permalink
	if before, _, ok := strings.Cut(strings.TrimPrefix(j.PaginatePath, "/"), ":num"); ok && before != "" {
		m.pagination = before
	}
}

// jekyllDoc is a document's address as Jekyll makes it: its front
// matter's permalink, else its collection's pattern (posts: the site's
// permalink), or a page's path.
func (m *Map) jekyllDoc(d *content.Doc) string {
	pattern := d.URL
	if pattern == "" {
		pattern = m.jekyllPattern(d)
	}
	return JekyllURL(pattern, m.jekyllTokens(d))
}

// jekyllPattern is the pattern of a document without its own permalink.
func (m *Map) jekyllPattern(d *content.Doc) string {
	if d.Kind == content.KindPost {
		return m.jekyll.Permalink
	}
	if c, ok := m.collection(d.Key); ok {
		if c.Permalink != "" {
			return config.JekyllPermalink(c.Permalink)
		}
		return m.pageSuffix("/:collection/:path")
	}
	base := strings.TrimSuffix(path.Base(d.Key), path.Ext(d.Key))
	if base == "index" {
		return "/:path/"
	}
	return m.pageSuffix("/:path/:basename")
}

// collection is the collection a key of the site is in, if any.
func (m *Map) collection(key string) (config.JekyllCollection, bool) {
	first, _, ok := strings.Cut(key, "/")
	if !ok || !strings.HasPrefix(first, "_") {
		return config.JekyllCollection{}, false
	}
	c, ok := m.jekyll.Collections[first[1:]]
	return c, ok
}

// pageSuffix ends a page's pattern as the site's permalink style does:
// with "/" for pretty (or a pattern ending in "/"), else with ".html".
func (m *Map) pageSuffix(pattern string) string {
	switch s := m.jekyll.PermalinkStyle; {
	case s == "pretty" || strings.HasSuffix(s, "/"):
		return pattern + "/"
	case s == "date" || s == "ordinal" || s == "none" || strings.HasSuffix(s, ":output_ext"):
		return pattern + ":output_ext"
	}
	return pattern
}

// jekyllTokens gives the value of each token of a pattern for d, as
// Jekyll's URL drop does; a token is worked out only when asked for.
func (m *Map) jekyllTokens(d *content.Doc) func(string) (string, bool) {
	t := d.Date.In(m.loc)
	return func(name string) (string, bool) {
		if v, ok := jekyllDateToken(name, t); ok {
			return v, true
		}
		switch name {
		case "title":
			if s := jekyllOwnSlug(d); s != "" {
				return content.JekyllSlugify(s, true, true), true
			}
			return content.JekyllSlugify(jekyllBaseName(d.Key), true, true), true
		case "slug":
			if s := jekyllOwnSlug(d); s != "" {
				return content.JekyllSlugify(s, false, false), true
			}
			return content.JekyllSlugify(jekyllBaseName(d.Key), false, false), true
		case "name":
			return content.JekyllSlugify(jekyllBaseName(d.Key), false, false), true
		case "categories":
			return jekyllCategories(d, strings.ToLower), true
		case "slugified_categories":
			return jekyllCategories(d, func(c string) string { return content.JekyllSlugify(c, false, false) }), true
		case "output_ext":
			return ".html", true
		case "path":
			return jekyllPath(d.Key), true
		case "basename":
			return strings.TrimSuffix(path.Base(d.Key), path.Ext(d.Key)), true
		case "collection":
			first, _, _ := strings.Cut(d.Key, "/")
			return strings.TrimPrefix(first, "_"), true
		}
		return "", false
	}
}

// jekyllDateToken is a date token's value: Jekyll's strftime forms.
func jekyllDateToken(name string, t time.Time) (string, bool) {
	switch name {
	case "year":
		return strconv.Itoa(t.Year()), true
	case "short_year":
		return twoDigits(t.Year() % 100), true
	case "month":
		return twoDigits(int(t.Month())), true
	case "i_month":
		return strconv.Itoa(int(t.Month())), true
	case "short_month":
		return t.Format("Jan"), true
	case "long_month":
		return t.Format("January"), true
	case "day":
		return twoDigits(t.Day()), true
	case "i_day":
		return strconv.Itoa(t.Day()), true
	case "y_day":
		return t.Format("002"), true
	case "w_year":
		y, _ := t.ISOWeek()
		return strconv.Itoa(y), true
	case "week":
		_, w := t.ISOWeek()
		return twoDigits(w), true
	case "w_day":
		return strconv.Itoa((int(t.Weekday())+6)%7 + 1), true
	case "short_day":
		return t.Format("Mon"), true
	case "long_day":
		return t.Format("Monday"), true
	case "hour":
		return twoDigits(t.Hour()), true
	case "minute":
		return twoDigits(t.Minute()), true
	case "second":
		return twoDigits(t.Second()), true
	}
	return "", false
}

// jekyllOwnSlug is the slug d's front matter gives, or "".
func jekyllOwnSlug(d *content.Doc) string {
	if d.Key == "" || d.Slug == content.JekyllSlug(d.Key) {
		return ""
	}
	return d.Slug
}

// jekyllBaseName is a file's name without extension, and for a post
// without its date.
func jekyllBaseName(key string) string {
	if _, title, ok := content.JekyllPostName(key, time.UTC); ok {
		return strings.TrimRight(title, ".")
	}
	return strings.TrimSuffix(path.Base(key), path.Ext(key))
}

// jekyllPath is :path: a page's folder, or a collection document's path
// in its collection without the extension.
func jekyllPath(key string) string {
	if strings.HasPrefix(key, "_") {
		_, rest, _ := strings.Cut(key, "/")
		return strings.TrimSuffix(rest, path.Ext(rest))
	}
	if dir := path.Dir(key); dir != "." {
		return dir
	}
	return ""
}

// jekyllCategories joins a post's categories, each as f makes it, once.
func jekyllCategories(d *content.Doc, f func(string) string) string {
	var out []string
	for _, c := range d.CategoryNames {
		if v := f(c); v != "" && !contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, "/")
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// JekyllURL fills in a pattern's tokens with value and cleans the result
// as Jekyll does: one "/" at the start, no "//", no "..". A token that
// has no value is kept as written.
func JekyllURL(pattern string, value func(string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(pattern); {
		j := i + 1
		for j < len(pattern) && (pattern[j] >= 'a' && pattern[j] <= 'z' || pattern[j] == '_') {
			j++
		}
		if pattern[i] != ':' || j == i+1 {
			b.WriteByte(pattern[i])
			i++
			continue
		}
		name := pattern[i+1 : j]
		v, ok := value(name)
		if !ok && strings.HasSuffix(name, "_") { // "/:month_:day" is :month, "_", :day
			name = strings.TrimSuffix(name, "_")
			j--
			v, ok = value(name)
		}
		if !ok {
			v = pattern[i:j]
		}
		b.WriteString(v)
		i = j
	}
	return cleanJekyllURL(b.String())
}

func cleanJekyllURL(s string) string {
	s = strings.ReplaceAll("/"+s, "..", "/")
	s = strings.ReplaceAll(s, "./", "")
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	return s
}

// Twins are the other spellings of an address that lead to the same
// document: with or without a trailing slash and, in Jekyll's style,
// with or without .html (as Jekyll's own server and GitHub Pages answer
// /about for /about.html) or index.html.
func (m *Map) Twins(p string) []string {
	if m.jekyll == nil {
		return []string{m.SlashTwin(p)}
	}
	switch {
	case strings.HasSuffix(p, "/index.html"):
		return []string{strings.TrimSuffix(p, "index.html"), strings.TrimSuffix(p, "/index.html")}
	case strings.HasSuffix(p, ".html"):
		return []string{strings.TrimSuffix(p, ".html")}
	case strings.HasSuffix(p, "/"):
		return []string{m.SlashTwin(p)}
	}
	return []string{p + "/", p + ".html"}
}
