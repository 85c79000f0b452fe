package content

import (
	"strings"
)

// hugoFields reads the front matter fields with which Hugo decides
// whether, where and in which order a page is published and listed: url,
// expiryDate, headless, _build.render, _build.list and weight. It
// reports false when a date cannot be read.
func (p *fmParser) hugoFields(d *Doc) bool {
	if u := p.str("url"); u != "" {
		d.URL = "/" + strings.TrimLeft(u, "/")
	}
	var ok bool
	if d.ExpiryDate, ok = p.date("expirydate", "unpublishdate"); !ok {
		return false
	}
	d.Unpublished = p.flag("headless") || buildNever(p.fm.values["_build"])
	d.List = buildList(p.fm.values["_build"])
	d.Weight = p.weight()
	return true
}

// weight is the page's weight, 0 when it has none or it is not a whole
// number.
func (p *fmParser) weight() int {
	v, _ := p.fm.get("weight")
	switch n := v.(type) {
	case int64:
		return int(n)
	case int:
		return n
	case uint64:
		return int(n)
	case float64:
		if n == float64(int(n)) {
			return int(n)
		}
	}
	if v != nil {
		p.report(p.fm.line("weight"), p.fm.name("weight"), "want a whole number, not %v", v)
	}
	return 0
}

// buildList is _build.list: "never" (or false, its older spelling) keeps
// the page out of every list, "local" out of the site-wide ones.
func buildList(v any) ListMode {
	m, _ := v.(map[string]any)
	for k, l := range m {
		if !strings.EqualFold(k, "list") {
			continue
		}
		switch l {
		case "never", false:
			return ListNever
		case "local":
			return ListLocal
		}
	}
	return ListAlways
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
