package content

import (
	"strings"
)

// hugoFields reads the front matter fields with which Hugo decides
// whether and where a page is published: url, expiryDate, headless and
// _build.render. It reports false when a date cannot be read.
func (p *fmParser) hugoFields(d *Doc) bool {
	if u := p.str("url"); u != "" {
		d.URL = "/" + strings.TrimLeft(u, "/")
	}
	var ok bool
	if d.ExpiryDate, ok = p.date("expirydate", "unpublishdate"); !ok {
		return false
	}
	d.Unpublished = p.flag("headless") || buildNever(p.fm.values["_build"])
	return true
}

// flag is a boolean field; anything but true is false.
func (p *fmParser) flag(key string) bool {
	v, _ := p.fm.get(key)
	b, _ := v.(bool)
	return b
}

// buildNever: _build.render is "never" (or false, its older spelling),
// so Hugo writes no page for the file.
func buildNever(v any) bool {
	m, _ := v.(map[string]any)
	for k, r := range m {
		if strings.EqualFold(k, "render") {
			return r == "never" || r == false
		}
	}
	return false
}
