package urls

import (
	"path"
	"strconv"
	"strings"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// hugoDefaultPermalink is where Hugo puts a page its permalinks do not
// name: under the folders of its section.
const hugoDefaultPermalink = "/:sections/:slugorfilename/"

// WithSections is the map with the lists of a Hugo site's sections
// (/posts/, /posts/page/2/): the sections are known only once the site's
// files are read. Other styles have no section lists.
func (m *Map) WithSections(names []string) *Map {
	if (m.hugo == nil && m.hugoTwin == nil) || len(names) == 0 {
		return m
	}
	c := *m
	if m.hugoTwin != nil {
		c.hugoTwin = m.hugoTwin.WithSections(names)
	}
	if m.hugo == nil {
		return &c
	}
	c.sections = make(map[string]bool, len(names))
	for _, n := range names {
		c.sections[n] = true
	}
	return &c
}

// HugoDoc is where Hugo would publish a document of a Hugo site that
// chose grail's style ("" for other sites): that address redirects to
// the document's.
func (m *Map) HugoDoc(d *content.Doc) string {
	if m.hugoTwin == nil {
		return ""
	}
	return m.hugoTwin.Doc(d)
}

// FromHugo is where a list, an index or a feed at one of Hugo's addresses
// lives in a Hugo site that chose grail's style: /tags/go/ is /tag/go,
// /index.xml is /rss.xml, a section's list is the home page. It reports
// false for any other path.
func (m *Map) FromHugo(path string) (string, bool) {
	if m.hugoTwin == nil {
		return "", false
	}
	r := m.hugoTwin.Match(path)
	switch r.Kind {
	case Doc, Asset, Media, Admin, Jobs, HealthCheck:
		return "", false
	case Section, Terms, Term:
		r = Route{Kind: Home, Page: 1}
	case Feed:
		if r.Of != Category && r.Of != Tag { // lists only Hugo's style has
			r.Of, r.Name, r.Taxonomy = Home, "", ""
		}
	}
	if to := m.URL(r); to != path {
		return to, true
	}
	return "", false
}

// OwnTaxonomies are the taxonomies of a Hugo site other than tags and
// categories (which are grail's own), by plural name.
func OwnTaxonomies(h *config.Hugo) map[string]bool {
	out := map[string]bool{}
	for _, plural := range h.Taxonomies {
		if plural != "tags" && plural != "categories" {
			out[plural] = true
		}
	}
	return out
}

// Term is page n of a term of a Hugo site's own taxonomy.
func (m *Map) Term(taxonomy, slug string, n int) string {
	return m.URL(Route{Kind: Term, Taxonomy: taxonomy, Name: slug, Page: n})
}

// Section is page n of a section's list.
func (m *Map) Section(name string, n int) string {
	return m.URL(Route{Kind: Section, Name: name, Page: n})
}

// SectionOf is the section folders of a document of a Hugo site:
// "posts/2024" for content/posts/2024/x.md or content/posts/2024/x/index.md,
// "" for a page at the top of content/.
func SectionOf(d *content.Doc) string {
	key := strings.TrimPrefix(d.Key, "content/")
	if d.Bundle != "" {
		key = strings.TrimSuffix(strings.TrimPrefix(d.Bundle, "content/"), "/")
	}
	dir := path.Dir(key)
	if dir == "." {
		return ""
	}
	return dir
}

// hugoDoc is a document's address as Hugo makes it: its section's
// permalink pattern, or the section's folders and its slug.
func (m *Map) hugoDoc(d *content.Doc) string {
	if d.URL != "" { // the front matter's url wins over every pattern
		return d.URL
	}
	sections := SectionOf(d)
	if sections == "" {
		return m.hugoPath(strings.Replace(m.page, ":slug", hugoSlug(d), 1))
	}
	first, _, _ := strings.Cut(sections, "/")
	pattern, ok := m.hugo.Permalinks[first]
	if !ok {
		pattern = hugoDefaultPermalink
	}
	return m.hugoPath(m.expandHugo(pattern, d, sections))
}

// fileBase is a document's file name without its extension, or its
// bundle's folder name.
func fileBase(d *content.Doc) string {
	if d.Bundle != "" {
		return path.Base(strings.TrimSuffix(d.Bundle, "/"))
	}
	if d.Key == "" {
		return d.Slug
	}
	return strings.TrimSuffix(path.Base(d.Key), path.Ext(d.Key))
}

// hugoPath ends a page's address as the site's settings ask: with a
// slash, or with .html when the site has uglyURLs.
func (m *Map) hugoPath(p string) string {
	if m.hugo.UglyURLs && strings.HasSuffix(p, "/") && p != "/" {
		return strings.TrimSuffix(p, "/") + ".html"
	}
	return p
}

// expandHugo fills in the tokens of a Hugo permalink pattern. It runs
// for every post whenever a snapshot is built: each token is worked out
// only if the pattern has it.
func (m *Map) expandHugo(pattern string, d *content.Doc, sections string) string {
	var b strings.Builder
	b.Grow(len(pattern) + len(d.Slug) + len(sections))
	for i := 0; i < len(pattern); {
		j := i + 1
		for j < len(pattern) && pattern[j] >= 'a' && pattern[j] <= 'z' {
			j++
		}
		if pattern[i] != ':' || j == i+1 {
			b.WriteByte(pattern[i])
			i++
			continue
		}
		v, known := m.hugoToken(pattern[i+1:j], d, sections)
		if !known {
			b.WriteString(pattern[i:j])
			i = j
			continue
		}
		if j < len(pattern) && pattern[j] == '[' { // :sections[last], :sections[1:]
			if end := strings.IndexByte(pattern[j:], ']'); end > 0 {
				v = sliceSections(v, pattern[j+1:j+end])
				j += end + 1
			}
		}
		b.WriteString(v)
		i = j
	}
	return b.String()
}

// hugoToken is the value of one permalink token for d, as Hugo gives it.
func (m *Map) hugoToken(name string, d *content.Doc, sections string) (string, bool) {
	t := d.Date.In(m.loc)
	switch name {
	case "year":
		return strconv.Itoa(t.Year()), true
	case "month":
		return twoDigits(int(t.Month())), true
	case "monthname":
		return strings.ToLower(t.Month().String()), true
	case "day":
		return twoDigits(t.Day()), true
	case "weekday":
		return strconv.Itoa(int(t.Weekday())), true
	case "weekdayname":
		return strings.ToLower(t.Weekday().String()), true
	case "yearday":
		return strconv.Itoa(t.YearDay()), true
	case "section":
		first, _, _ := strings.Cut(sections, "/")
		return first, true
	case "sections":
		return sections, true
	case "title":
		return Urlize(d.Title), true
	case "slug": // the front matter's slug, else the title
		if s := frontMatterSlug(d); s != "" {
			return s, true
		}
		return Urlize(d.Title), true
	case "slugorfilename", "slugorcontentbasename":
		return hugoSlug(d), true
	case "filename", "contentbasename":
		return Urlize(fileBase(d)), true
	}
	return "", false
}

// sliceSections picks sections as Hugo's :sections[…] does: an index,
// "last", or a slice "from:to".
func sliceSections(sections, sel string) string {
	parts := strings.Split(sections, "/")
	index := func(s string, def int) int {
		if s == "last" {
			return len(parts) - 1
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return def
		}
		return min(max(n, 0), len(parts))
	}
	from, to, isSlice := strings.Cut(sel, ":")
	if !isSlice {
		i := index(from, 0)
		if i >= len(parts) {
			return ""
		}
		return parts[i]
	}
	lo, hi := index(from, 0), index(to, len(parts))
	if lo >= hi {
		return ""
	}
	return strings.Join(parts[lo:hi], "/")
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
