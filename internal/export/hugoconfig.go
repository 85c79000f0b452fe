package export

import (
	"fmt"
	"strings"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// hugoConfig is hugo.toml for a grail site's settings. The permalinks
// are grail's own pattern (Hugo knows the same :year, :month, :day and
// :slug), so the posts' old links keep working.
func hugoConfig(c config.Config) string {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, tomlString(v)) }
	base := c.BaseURL
	if base == "" {
		base = "/"
	}
	line("baseURL", base)
	line("title", c.Title)
	line("languageCode", c.Language)
	line("timeZone", c.TimeZone)
	fmt.Fprintf(&b, "paginate = %d\n", max(c.PerPage, 1))
	b.WriteString("\n[params]\n")
	line("description", c.Description)
	line("author", c.Author)
	b.WriteString("\n[permalinks]\n")
	line("posts", c.Permalink)
	b.WriteString("\n[taxonomies]\n")
	line("tag", "tags")
	line("category", "categories")
	return b.String()
}

// tomlString quotes s as a TOML basic string (Go's %q writes escapes,
// \x00 among them, that TOML does not have).
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// convert gives a doc's front matter what Hugo needs to place and date it
// as grail did, through content's writer so every other key is kept: the
// slug (Hugo would make one from the title), the date as an exact instant
// in the site's zone (a date without a time is midnight there), and for a
// page its address.
func (h *hugoSite) convert(d *content.Doc, src []byte) ([]byte, error) {
	fields := []content.Field{
		{Names: []string{"title"}, Value: d.Title},
		{Names: []string{"slug"}, Value: d.Slug},
	}
	if !d.Date.IsZero() {
		fields = append(fields, content.Field{Names: []string{"date"}, Value: d.Date.In(h.site.Config.Location)})
	}
	if d.Kind == content.KindPage && d.URL == "" {
		fields = append(fields, content.Field{Names: []string{"url"}, Value: h.site.URLs.Doc(d)})
	}
	return content.SetFields(src, fields...)
}
