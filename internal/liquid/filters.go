package liquid

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/osteele/liquid"

	"github.com/grailblog/grail/internal/content"
)

// addFilters adds the filters Jekyll has beyond Liquid's own.
func addFilters(e *liquid.Engine, s *Site) {
	e.RegisterFilter("relative_url", func(v any) string { return s.relativeURL(text(v)) })
	e.RegisterFilter("absolute_url", func(v any) string { return s.absoluteURL(text(v)) })
	e.RegisterFilter("date_to_xmlschema", func(t time.Time) string { return t.In(s.location()).Format(time.RFC3339) })
	e.RegisterFilter("date_to_rfc822", func(t time.Time) string { return t.In(s.location()).Format(time.RFC1123Z) })
	e.RegisterFilter("date_to_string", func(t time.Time) string { return t.In(s.location()).Format("02 Jan 2006") })
	e.RegisterFilter("date_to_long_string", func(t time.Time) string { return t.In(s.location()).Format("02 January 2006") })
	e.RegisterFilter("xml_escape", func(v any) string { return html.EscapeString(text(v)) })
	e.RegisterFilter("cgi_escape", func(v any) string { return url.QueryEscape(text(v)) })
	e.RegisterFilter("uri_escape", func(v any) string { return (&url.URL{Path: text(v)}).EscapedPath() })
	e.RegisterFilter("number_of_words", func(v any) int { return len(strings.Fields(text(v))) })
	e.RegisterFilter("slugify", func(v any) string { return content.JekyllSlugify(text(v), false, false) })
	e.RegisterFilter("jsonify", func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	})
}

func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
