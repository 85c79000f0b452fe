package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

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
	d := &Doc{Key: p.key, Kind: kind, Body: body, BodyLine: bodyLine}
	if !p.fields(d) {
		return nil
	}
	if kind == KindPost {
		d.Lead, d.HasMore = lead(body)
	}
	return d
}

// fields copies the known front matter fields into d. Unknown fields are
// Hugo params or theme settings and are left alone.
func (p *fmParser) fields(d *Doc) bool {
	ok := true
	d.Title = p.str("title")
	d.Slug = defaultSlug(p.key)
	if s := p.str("slug"); s != "" {
		if ValidSlug(s) {
			d.Slug = s
		} else {
			p.report(p.fm.line("slug"), "slug", "%q cannot be a URL segment (use letters, digits, - _ .); using %q", s, d.Slug)
		}
	}
	if d.Slug == "" {
		p.skip(1, "slug", "the file name %q gives no usable slug; set slug in the front matter", path.Base(p.key))
		return false
	}
	if bundle := bundleDir(p.key); bundle != "" {
		d.Bundle = bundle
	}
	if d.Title == "" {
		p.report(p.fm.line("title"), "title", "missing; the slug %q is shown instead", d.Slug)
		d.Title = d.Slug
	}
	var dateOK bool
	d.Date, dateOK = p.date("date")
	if !dateOK {
		ok = false
	}
	if d.Date.IsZero() && dateOK && d.Kind == KindPost {
		p.skip(p.fm.line("date"), "date", "missing; a post needs the date it was published")
		ok = false
	}
	if d.Lastmod, dateOK = p.date("lastmod", "modified"); !dateOK {
		ok = false
	}
	if d.PublishDate, dateOK = p.date("publishdate", "pubdate", "published"); !dateOK {
		ok = false
	}
	d.Draft = p.boolean("draft")
	d.Summary = p.str("summary")
	d.Description = p.str("description")
	if d.Summary == "" {
		d.Summary = d.Description
	}
	d.Tags = dedupe(p.list("tags"))
	for _, c := range p.list("categories") {
		slug, name, good := CategoryPath(c)
		if !good {
			p.report(p.fm.line("categories"), "categories", "%q has a level with no letters or digits; ignored", c)
			continue
		}
		if !contains(d.Categories, slug) {
			d.Categories = append(d.Categories, slug)
			d.CategoryNames = append(d.CategoryNames, name)
		}
	}
	for _, a := range p.list("aliases") {
		a = "/" + strings.Trim(strings.TrimSpace(a), "/")
		if a != "/" && !contains(d.Aliases, a) {
			d.Aliases = append(d.Aliases, a)
		}
	}
	return ok
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
		return fmt.Sprint(v)
	}
	p.report(p.fm.line(key), key, "want text, not a %s", typeName(v))
	return ""
}

func (p *fmParser) boolean(key string) bool {
	v, ok := p.fm.get(key)
	if !ok {
		return false
	}
	switch v := v.(type) {
	case bool:
		return v
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b
		}
	}
	p.report(p.fm.line(key), key, "want true or false, not %v", v)
	return false
}

// list accepts a list of strings or a single string.
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
			case string:
				if s := strings.TrimSpace(e); s != "" {
					out = append(out, s)
				}
			case int64, float64:
				out = append(out, fmt.Sprint(e))
			default:
				p.report(p.fm.line(key), key, "want a list of text, found a %s in it", typeName(e))
			}
		}
	default:
		p.report(p.fm.line(key), key, "want a list of text, not a %s", typeName(v))
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
		switch v := v.(type) {
		case time.Time:
			switch v.Location().String() {
			case "datetime-local", "date-local":
				return WallClock(v, p.loc), true
			}
			return v, true
		case string:
			if strings.TrimSpace(v) == "" {
				return time.Time{}, true
			}
			t, err := ParseDate(v, p.loc)
			if err != nil {
				p.skip(p.fm.line(key), key, "%v", err)
				return time.Time{}, false
			}
			return t, true
		default:
			p.skip(p.fm.line(key), key, "want a date, not a %s", typeName(v))
			return time.Time{}, false
		}
	}
	return time.Time{}, true
}

// defaultSlug is the file name without its extension, or the folder name
// for a page bundle's index.md, made URL-safe.
func defaultSlug(key string) string {
	base := strings.TrimSuffix(path.Base(key), path.Ext(key))
	if base == "index" || base == "_index" {
		base = path.Base(path.Dir(key))
	}
	return Slugify(base)
}

// bundleDir returns the folder of a page bundle (a post written as
// <slug>/index.md with its images beside it), or "".
func bundleDir(key string) string {
	if path.Base(key) != "index.md" {
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

// frontMatter is the decoded header: values by lower-cased key, and the
// line each key is on so problems can point at it.
type frontMatter struct {
	values map[string]any
	lines  map[string]int
}

func (f frontMatter) get(key string) (any, bool) {
	v, ok := f.values[key]
	return v, ok
}

func (f frontMatter) line(key string) int {
	if l, ok := f.lines[key]; ok {
		return l
	}
	return 1
}

// lineError is a problem at a line of the file.
type lineError struct {
	line int
	msg  string
}

func (e lineError) Error() string { return e.msg }

// splitFrontMatter finds the front matter (YAML between --- lines, TOML
// between +++ lines, or a JSON object) and decodes it.
func splitFrontMatter(src []byte) (fm frontMatter, body []byte, bodyLine int, err error) {
	fm = frontMatter{values: map[string]any{}, lines: map[string]int{}}
	first, _, _ := bytes.Cut(src, []byte("\n"))
	switch string(bytes.TrimRight(first, " \t\r")) {
	case "---":
		return splitDelimited(src, "---", decodeYAML)
	case "+++":
		return splitDelimited(src, "+++", decodeTOML)
	}
	if bytes.HasPrefix(src, []byte("{")) {
		return splitJSON(src)
	}
	return fm, src, 1, nil
}

func splitDelimited(src []byte, delim string, decode func([]byte, frontMatter) error) (frontMatter, []byte, int, error) {
	fm := frontMatter{values: map[string]any{}, lines: map[string]int{}}
	start := bytes.IndexByte(src, '\n') + 1
	for off, line := start, 2; off < len(src); line++ {
		next := len(src)
		l := src[off:]
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l, next = l[:i], off+i+1
		}
		if t := string(bytes.TrimRight(l, " \t\r")); t == delim || (delim == "---" && t == "...") {
			if err := decode(src[start:off], fm); err != nil {
				return fm, nil, 0, err
			}
			return fm, src[next:], line + 1, nil
		}
		off = next
	}
	return fm, nil, 0, lineError{1, fmt.Sprintf("front matter opened with %s on line 1 is never closed", delim)}
}

func decodeYAML(h []byte, fm frontMatter) error {
	var root yaml.Node
	if err := yaml.Unmarshal(h, &root); err != nil {
		return yamlError(err)
	}
	if root.Kind == 0 { // empty header
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return lineError{m.Line + 1, "front matter must be key: value pairs"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := strings.ToLower(k.Value)
		fm.lines[key] = k.Line + 1 // +1 for the opening --- line
		fm.values[key] = yamlValue(v)
	}
	return nil
}

// yamlValue keeps scalars as text so dates are read by ParseDate in the
// site's zone rather than by YAML's own (UTC) rules.
func yamlValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!bool":
			b, _ := strconv.ParseBool(n.Value)
			if n.Value == "yes" || n.Value == "on" {
				b = true
			}
			return b
		case "!!int":
			i, _ := strconv.ParseInt(n.Value, 0, 64)
			return i
		case "!!float":
			f, _ := strconv.ParseFloat(n.Value, 64)
			return f
		case "!!null":
			return nil
		}
		return n.Value
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = yamlValue(c)
		}
		return out
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlValue(n.Content[i+1])
		}
		return m
	case yaml.AliasNode:
		return yamlValue(n.Alias)
	}
	return nil
}

// yamlError turns "yaml: line 3: did not find expected key" into a
// lineError counted from the top of the file.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		_, after, _ := strings.Cut(msg, ":")
		return lineError{line + 1, "front matter is not valid YAML:" + after}
	}
	return lineError{1, "front matter is not valid YAML: " + msg}
}

func decodeTOML(h []byte, fm frontMatter) error {
	var m map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(h)).Decode(&m); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return lineError{perr.Position.Line + 1, "front matter is not valid TOML: " + perr.Message}
		}
		return lineError{1, "front matter is not valid TOML: " + err.Error()}
	}
	for k, v := range m {
		key := strings.ToLower(k)
		fm.values[key] = normalizeList(v)
		fm.lines[key] = 1 + keyLine(h, k, "=")
	}
	return nil
}

func splitJSON(src []byte) (frontMatter, []byte, int, error) {
	fm := frontMatter{values: map[string]any{}, lines: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return fm, nil, 0, lineError{1, "front matter is not valid JSON: " + err.Error()}
	}
	end := int(dec.InputOffset())
	h := src[:end]
	for k, v := range m {
		key := strings.ToLower(k)
		if n, ok := v.(json.Number); ok {
			v, _ = n.Float64()
		}
		fm.values[key] = normalizeList(v)
		fm.lines[key] = keyLine(h, `"`+k+`"`, ":")
	}
	body := bytes.TrimLeft(src[end:], " \t\r")
	body = bytes.TrimPrefix(body, []byte("\n"))
	return fm, body, 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n")), nil
}

// normalizeList turns typed slices from the TOML and JSON decoders into []any.
func normalizeList(v any) any {
	switch v := v.(type) {
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case []map[string]any:
		return map[string]any{}
	}
	return v
}

// keyLine finds the 1-based line of h on which key is assigned with sep.
// TOML and JSON decoders do not report positions, so we look for it.
func keyLine(h []byte, key, sep string) int {
	for i, l := range strings.Split(string(h), "\n") {
		l = strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(l, key); ok && strings.HasPrefix(strings.TrimSpace(rest), sep) {
			return i + 1
		}
	}
	return 0
}
