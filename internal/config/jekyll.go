package config

import (
	"path"
	"strings"
)

// JekyllConfigNames are the files a Jekyll site keeps its settings in,
// in the order Jekyll reads them: the first found is used.
var JekyllConfigNames = []string{"_config.yml", "_config.yaml", "_config.toml"}

// Jekyll holds what a Jekyll site's _config.yml says beyond grail's own
// settings; nil for other sites.
type Jekyll struct {
	// Permalink is the posts' pattern, a named style already expanded
	// ("/:categories/:year/:month/:day/:title:output_ext" for "date").
	Permalink string
	// PermalinkStyle is the permalink setting as written ("pretty"),
	// which decides whether pages end in "/" or ".html".
	PermalinkStyle string
	// BaseURL is the path the site is published under ("/blog"), or "".
	BaseURL string
	// Collections are the site's collections other than posts, by name.
	Collections map[string]JekyllCollection
	// ExcerptSeparator ends a post's excerpt ("\n\n" by default: the
	// first paragraph).
	ExcerptSeparator string
	// Paginate is how many posts a page of the home list shows (0: the
	// site has no pagination); PaginatePath the address of page :num.
	Paginate     int
	PaginatePath string
	// Defaults are front matter values by path and type.
	Defaults []JekyllDefault
	// Exclude and Include adjust which files are read.
	Exclude, Include []string
}

// JekyllCollection is one entry of collections: in _config.yml.
type JekyllCollection struct {
	Output bool
	// Permalink is the pattern of its documents' addresses; "" is
	// Jekyll's default, /:collection/:path with the pages' ending.
	Permalink string
}

// JekyllDefault is one entry of defaults: in _config.yml: values for
// the documents under Path (any, if empty) of Type (any, if empty).
type JekyllDefault struct {
	Path   string
	Type   string
	Values map[string]any
}

// jekyllStyles are the permalink styles Jekyll names, as patterns.
var jekyllStyles = map[string]string{
	"date":     "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":   "/:categories/:year/:month/:day/:title/",
	"ordinal":  "/:categories/:year/:y_day/:title:output_ext",
	"weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
	"none":     "/:categories/:title:output_ext",
}

// JekyllPermalink is a permalink setting as a pattern: a named style
// expanded, a pattern as it is.
func JekyllPermalink(p string) string {
	if s, ok := jekyllStyles[p]; ok {
		return s
	}
	if p == "" {
		return jekyllStyles["date"]
	}
	return p
}

// ParseJekyll reads a Jekyll site's _config.yml (or .toml); name is the
// file's, for messages. What grail cannot read is a problem in the
// result's Problems: the site is served without it.
func ParseJekyll(name string, data []byte) Config {
	c := Default()
	j := &Jekyll{Permalink: JekyllPermalink(""), ExcerptSeparator: "\n\n", PaginatePath: "/page:num/"}
	c.Jekyll = j
	// kramdown, Jekyll's Markdown, keeps raw HTML and makes quotes
	// typographic.
	c.Markup = Markup{Unsafe: true, Typographer: true}
	m, err := decodeAny(name, data)
	if err != nil {
		c.Problems = append(c.Problems, err)
		return c
	}
	c.applyJekyll(m)
	return c
}

func (c *Config) applyJekyll(m map[string]any) {
	j := c.Jekyll
	if s := str(m["title"]); s != "" {
		c.Title = s
	}
	c.Description = str(m["description"])
	c.Author = hugoAuthor(m["author"])
	if s := str(m["lang"]); s != "" {
		c.Language = s
	}
	if s := str(m["timezone"]); s != "" {
		old := c.TimeZone
		c.TimeZone = s
		if err := c.normalizeZone(); err != nil {
			c.Problems = append(c.Problems, err)
			c.TimeZone = old
		}
	}
	j.BaseURL = strings.TrimRight(str(m["baseurl"]), "/")
	if u := strings.TrimRight(str(m["url"]), "/"); absoluteHTTP(u) {
		c.BaseURL = u + j.BaseURL
	}
	j.PermalinkStyle = str(m["permalink"])
	if j.PermalinkStyle == "" {
		j.PermalinkStyle = "date"
	}
	j.Permalink = JekyllPermalink(j.PermalinkStyle)
	if s, ok := m["excerpt_separator"].(string); ok && s != "" {
		j.ExcerptSeparator = s
	}
	if n := integer(m["paginate"]); n > 0 {
		j.Paginate = n
		c.HomePosts, c.PerPage = n, n
	}
	if s := str(m["paginate_path"]); s != "" {
		j.PaginatePath = s
	}
	j.Exclude, j.Include = strings_(m["exclude"]), strings_(m["include"])
	j.Collections = jekyllCollections(m["collections"])
	j.Defaults = jekyllDefaults(m["defaults"])
}

// jekyllCollections reads collections:, a list of names or a table of
// each collection's settings.
func jekyllCollections(v any) map[string]JekyllCollection {
	out := map[string]JekyllCollection{}
	switch t := v.(type) {
	case []any:
		for _, n := range t {
			if s := str(n); s != "" {
				out[s] = JekyllCollection{}
			}
		}
	case map[string]any:
		for name, settings := range t {
			s, _ := settings.(map[string]any)
			out[name] = JekyllCollection{Output: s["output"] == true, Permalink: str(s["permalink"])}
		}
	}
	delete(out, "posts")
	return out
}

// jekyllDefaults reads defaults:, a list of scope and values.
func jekyllDefaults(v any) []JekyllDefault {
	list, _ := v.([]any)
	var out []JekyllDefault
	for _, e := range list {
		t, _ := e.(map[string]any)
		scope := table(t, "scope")
		values := table(t, "values")
		if values == nil {
			continue
		}
		out = append(out, JekyllDefault{Path: path.Clean("/" + str(scope["path"]))[1:], Type: str(scope["type"]), Values: values})
	}
	return out
}

// DefaultsFor are the front matter defaults of the document at key
// of type kind ("posts", "pages", or a collection's name), later
// entries over earlier ones.
func (j *Jekyll) DefaultsFor(key, kind string) map[string]any {
	out := map[string]any{}
	for _, d := range j.Defaults {
		if d.Type != "" && d.Type != kind {
			continue
		}
		if d.Path != "" && key != d.Path && !strings.HasPrefix(key, d.Path+"/") {
			continue
		}
		for k, v := range d.Values {
			out[k] = v
		}
	}
	return out
}
