package content

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// parses counts Parse calls: the save path is held to one parse per save
// by a test.
var parses atomic.Int64

// MaxSourceSize is the largest Markdown file grail reads; anything bigger
// is almost certainly not a blog post and would bloat every server's memory.
const MaxSourceSize = 2 << 20

// Parse reads one source file. key is its path in the store (used for the
// default slug and in problems). Dates without an offset are read in loc.
//
// It returns nil and at least one Problem marked Skipped when the file
// cannot be on the site; a non-nil Doc may still come with problems worth
// telling the author about.
func Parse(key string, kind Kind, src []byte, loc *time.Location) (*Doc, []Problem) {
	parses.Add(1)
	if loc == nil {
		loc = time.UTC
	}
	p := fmParser{key: key, loc: loc}
	doc := p.parse(kind, src)
	if doc == nil && len(p.problems) == 0 {
		p.skip(0, "", "cannot be read")
	}
	return doc, p.problems
}

type fmParser struct {
	key      string
	loc      *time.Location
	problems []Problem
	fm       frontMatter
	// jekyll is set when the file belongs to a Jekyll site (jekyll.go).
	jekyll *JekyllOptions
	// fileDate is the date a Jekyll post's file name gives.
	fileDate time.Time
}

func (p *fmParser) report(line int, field, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.key, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *fmParser) skip(line int, field, format string, args ...any) {
	p.report(line, field, format, args...)
	p.problems[len(p.problems)-1].Skipped = true
}

func (p *fmParser) parse(kind Kind, src []byte) *Doc {
	if len(src) > MaxSourceSize {
		p.skip(0, "", "file is %d bytes; the limit is %d", len(src), MaxSourceSize)
		return nil
	}
	if !utf8.Valid(src) {
		line := 1 + bytes.Count(src[:firstInvalidUTF8(src)], []byte("\n"))
		p.skip(line, "", "not UTF-8 text; save the file as UTF-8")
		return nil
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	fm, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		var le lineError
		errors.As(err, &le)
		p.skip(le.line, "", "%v", err)
		return nil
	}
	p.fm = fm
	if p.jekyll != nil {
		p.applyJekyllDefaults()
	}
	d := &Doc{Key: p.key, Kind: kind, Body: body, BodyLine: bodyLine, HTML: IsHTMLKey(p.key)}
	if d.HTML && FrontMatterSyntax(src) == NoFrontMatter {
		p.skip(1, "", "an HTML file without front matter: Hugo copies it as it is, grail does not serve it; add front matter to publish it as a page")
		p.problems[len(p.problems)-1].Warning = true
		return nil
	}
	if !p.fields(d) {
		return nil
	}
	if p.jekyll == nil && d.Kind == KindPost {
		d.Lead, d.HasMore = lead(body)
	}
	return d
}

// fields copies the known front matter fields into d. Unknown fields are
// Hugo params or theme settings and are left alone.
func (p *fmParser) fields(d *Doc) bool {
	if !p.slug(d) {
		return false
	}
	d.Bundle = bundleDir(p.key)
	d.Title = p.str("title")
	if d.Title == "" {
		// A title of the wrong type has been reported already.
		if v, present := p.fm.get("title"); p.jekyll == nil && (!present || isBlank(v)) {
			p.report(p.fm.line("title"), p.fm.name("title"), "missing; the slug %q is shown instead", d.Slug)
		}
		d.Title = d.Slug
	}
	d.Draft = p.draft()
	if p.jekyll != nil {
		p.jekyllDates(d)
	}
	ok := p.dates(d)
	d.Summary = p.str("summary")
	d.Description = p.str("description")
	if d.Summary == "" {
		d.Summary = d.Description
	}
	d.Tags = dedupe(p.list("tags"))
	p.categories(d)
	p.aliases(d)
	p.terms(d)
	if p.jekyll != nil {
		p.jekyllFields(d)
	}
	return p.hugoFields(d) && ok
}

// slug sets d.Slug from the front matter or the file name. It reports
// false when neither gives one: the file cannot have an address.
func (p *fmParser) slug(d *Doc) bool {
	d.Slug = DefaultSlug(p.key)
	if p.jekyll != nil {
		d.Slug = JekyllSlug(p.key)
		if s := p.str("slug"); s != "" && ValidSlug(JekyllSlugify(s, true, true)) {
			d.Slug = JekyllSlugify(s, true, true) // what :title makes of it
			return true
		}
	}
	if s := p.str("slug"); s != "" {
		if ValidSlug(s) {
			d.Slug = s
		} else {
			p.report(p.fm.line("slug"), p.fm.name("slug"), "%q cannot be a URL segment (use letters, digits, - _ .); using %q", s, d.Slug)
		}
	}
	if d.Slug == "" {
		p.skip(1, "slug", "the file name %q gives no usable slug; set slug in the front matter", path.Base(p.key))
		return false
	}
	return true
}

// dates reads date, lastmod and publishDate under the names Hugo accepts.
// A post without a date takes its publishDate, else its lastmod, as in Hugo.
func (p *fmParser) dates(d *Doc) bool {
	var okDate, okMod, okPub bool
	d.Date, okDate = p.date("date")
	d.Lastmod, okMod = p.date("lastmod", "modified")
	d.PublishDate, okPub = p.date("publishdate", "pubdate", "published")
	if !okDate || !okMod || !okPub {
		return false
	}
	for _, t := range []time.Time{d.PublishDate, d.Lastmod, p.fileDate} {
		if d.Date.IsZero() {
			d.Date = t
		}
	}
	if d.Kind == KindEntry { // a dated entry is a post, an undated one a page
		d.Kind = KindPost
		if d.Date.IsZero() && !d.Draft {
			d.Kind = KindPage
		}
	}
	// Hugo accepts a draft without a date: it is not shown, so no date
	// is needed yet.
	if d.Date.IsZero() && d.Kind == KindPost && !d.Draft {
		p.skip(p.fm.line("date"), p.fm.name("date"), "missing; a post needs the date it was published")
		return false
	}
	return true
}

// draft reads the draft flag. A value that is neither yes nor no keeps the
// post a draft: publishing by mistake cannot be undone, hiding can.
func (p *fmParser) draft() bool {
	v, ok := p.fm.get("draft")
	if !ok {
		return false
	}
	switch v := v.(type) {
	case bool:
		return v
	case string:
		// YAML 1.1's words for booleans, which Hugo's YAML reader accepts.
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "y", "on":
			return true
		case "false", "no", "n", "off":
			return false
		}
	}
	p.report(p.fm.line("draft"), p.fm.name("draft"), "want true or false, not %v; kept as a draft", v)
	return true
}

func (p *fmParser) categories(d *Doc) {
	for _, c := range p.list("categories") {
		slug, name, good := CategoryPath(c)
		if !good {
			p.report(p.fm.line("categories"), p.fm.name("categories"), "%q has a level with no letters or digits; ignored", c)
			continue
		}
		if !contains(d.Categories, slug) {
			d.Categories = append(d.Categories, slug)
			d.CategoryNames = append(d.CategoryNames, name)
		}
	}
}

func (p *fmParser) aliases(d *Doc) {
	for _, a := range p.list("aliases") {
		a = "/" + strings.Trim(strings.TrimSpace(a), "/")
		if a != "/" && !contains(d.Aliases, a) {
			d.Aliases = append(d.Aliases, a)
		}
	}
}

// listFields are the lists of text the front matter gives a meaning of
// their own; terms leaves them out.
var listFields = map[string]bool{"tags": true, "categories": true, "aliases": true, "keywords": true, "outputs": true, "resources": true}

// terms keeps the front matter's other lists of text, only of text, as
// the terms of taxonomies a Hugo site may declare.
func (p *fmParser) terms(d *Doc) {
	for key, v := range p.fm.values {
		l, ok := v.([]any)
		if !ok || len(l) == 0 || listFields[key] || !allText(l) {
			continue
		}
		if d.Terms == nil {
			d.Terms = map[string][]string{}
		}
		d.Terms[key] = dedupe(p.list(key))
	}
}

func allText(l []any) bool {
	for _, e := range l {
		if _, ok := e.(string); !ok {
			return false
		}
	}
	return true
}

func isBlank(v any) bool {
	s, ok := v.(string)
	return ok && strings.TrimSpace(s) == ""
}

func (p *fmParser) str(key string) string {
	v, ok := p.fm.get(key)
	if !ok {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case int64, float64, bool:
		if t, ok := p.fm.text(key); ok {
			return t
		}
		return fmt.Sprint(v)
	}
	p.report(p.fm.line(key), p.fm.name(key), "want text, not a %s", typeName(v))
	return ""
}

// list accepts a list of strings or a single string. Empty entries are
// dropped: an archetype's "tags: [ ]" or a stray "- " means nothing.
func (p *fmParser) list(key string) []string {
	v, ok := p.fm.get(key)
	if !ok {
		return nil
	}
	var out []string
	switch v := v.(type) {
	case string:
		if s := strings.TrimSpace(v); s != "" {
			out = append(out, s)
		}
	case []any:
		for _, e := range v {
			switch e := e.(type) {
			case nil:
			case string:
				if s := strings.TrimSpace(e); s != "" {
					out = append(out, s)
				}
			case int64, float64:
				out = append(out, fmt.Sprint(e))
			default:
				p.report(p.fm.line(key), p.fm.name(key), "want a list of text, found a %s in it", typeName(e))
			}
		}
	default:
		p.report(p.fm.line(key), p.fm.name(key), "want a list of text, not a %s", typeName(v))
	}
	return out
}

// date reads the first of keys that is present. ok is false when the
// value is present but is not a date: that file is skipped, because a
// wrong date would publish or hide a post at the wrong moment.
func (p *fmParser) date(keys ...string) (t time.Time, ok bool) {
	for _, key := range keys {
		v, present := p.fm.get(key)
		if !present {
			continue
		}
		line, name := p.fm.line(key), p.fm.name(key)
		switch v := v.(type) {
		case nil: // "date:" with nothing after it, which Hugo reads as no date
			continue
		case time.Time:
			switch v.Location().String() {
			case "datetime-local", "date-local": // TOML dates without an offset
				return WallClock(v, p.loc), true
			case "time-local":
				p.skip(line, name, "%s has no day; write it like 2024-03-31T09:30:00", v.Format("15:04:05"))
				return time.Time{}, false
			}
			return v, true
		case string:
			if strings.TrimSpace(v) == "" {
				return time.Time{}, true
			}
			t, err := ParseDate(v, p.loc)
			if err != nil {
				p.skip(line, name, "%v", err)
				return time.Time{}, false
			}
			return t, true
		default:
			p.skip(line, name, "want a date, not a %s", typeName(v))
			return time.Time{}, false
		}
	}
	return time.Time{}, true
}

// IsHTMLKey tells a Hugo site's HTML content file (.html, .htm) by its
// name.
func IsHTMLKey(key string) bool {
	return strings.HasSuffix(key, ".html") || strings.HasSuffix(key, ".htm")
}

// DefaultSlug is the slug a file has when its front matter names none:
// the file name without its extension, or the folder name for a page
// bundle's index.md, made URL-safe.
func DefaultSlug(key string) string {
	base := strings.TrimSuffix(path.Base(key), path.Ext(key))
	if base == "index" || base == "_index" {
		base = path.Base(path.Dir(key))
	}
	return Slugify(base)
}

// bundleDir returns the folder of a page bundle (a post written as
// <slug>/index.md with its images beside it), or "". It agrees with
// DefaultSlug, which names such a post after its folder whatever the
// Markdown extension.
func bundleDir(key string) string {
	base := path.Base(key)
	if strings.TrimSuffix(base, path.Ext(base)) != "index" {
		return ""
	}
	return path.Dir(key) + "/"
}

func typeName(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case map[string]any:
		return "table"
	case string:
		return "text"
	case bool:
		return "true/false"
	case time.Time:
		return "date"
	case nil:
		return "empty value"
	}
	return "number"
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
