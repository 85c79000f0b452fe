package admin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/grailblog/grail/internal/content"
)

// fields are what the editor edits, as the author sees and types them.
type fields struct {
	Title      string
	Slug       string
	Categories string // comma-separated; a level is written "Hardware/Keyboards"
	Tags       string // comma-separated
	Date       string // wall clock in the site's zone, as <input type="datetime-local"> has it
	Draft      bool
	Summary    string
	Body       string
}

// dateInput is the format of <input type="datetime-local">.
const dateInput = "2006-01-02T15:04"

// fieldsOf gives the editor's fields for a parsed document.
func fieldsOf(d *content.Doc, loc *time.Location) fields {
	f := fields{
		Title:      d.Title,
		Slug:       d.Slug,
		Categories: strings.Join(d.CategoryNames, ", "),
		Tags:       strings.Join(d.Tags, ", "),
		Draft:      d.Draft,
		Summary:    d.Summary,
		Body:       strings.TrimLeft(string(d.Body), "\r\n"),
	}
	if pub := d.Published(); !pub.IsZero() {
		f.Date = pub.In(loc).Format(dateInput)
	}
	return f
}

// parseDateInput reads the date field as a wall-clock time in loc.
// Browsers send 2026-03-01T14:02 (or with seconds); without script or in
// an old browser an author may type a space instead of the T.
func parseDateInput(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateInput, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return content.WallClock(t, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", s)
}

// splitList splits a comma-separated field, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.Join(strings.Fields(e), " "); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// change is one edit to apply to a file: the fields as the file had them
// (zero for a new file) and as the author left them.
type change struct {
	key  string
	was  fields
	now  fields
	date time.Time // now.Date read in the site's zone; zero for none
}

// compose writes the file for an edit: YAML front matter and the body.
// Only the fields the author changed are written, into the front matter
// the file already had, so that its other fields, their order and its
// comments stay as they were. A TOML or JSON header becomes YAML.
func compose(orig []byte, c change) ([]byte, error) {
	m, _, err := splitSource(orig)
	if err != nil {
		return nil, err
	}
	was, now := c.was, c.now
	if now.Title != was.Title {
		setKey(m, strNode(now.Title), "title")
	}
	if now.Slug != was.Slug {
		if now.Slug == fileSlug(c.key) && findKey(m, "slug") < 0 {
			// The file name says it already.
		} else {
			setKey(m, strNode(now.Slug), "slug")
		}
	}
	if now.Date != was.Date {
		setDate(m, c.date)
	}
	if now.Draft != was.Draft && (now.Draft || findKey(m, "draft") >= 0) {
		setKey(m, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(now.Draft)}, "draft")
	}
	if now.Categories != was.Categories {
		setList(m, splitList(now.Categories), "categories")
	}
	if now.Tags != was.Tags {
		setList(m, splitList(now.Tags), "tags")
	}
	if now.Summary != was.Summary {
		setSummary(m, strings.TrimSpace(now.Summary))
	}
	return join(m, now.Body)
}

// fileSlug is the slug a file gets from its name (content's default).
func fileSlug(key string) string {
	base := strings.TrimSuffix(path.Base(key), path.Ext(key))
	if base == "index" || base == "_index" {
		base = path.Base(path.Dir(key))
	}
	return content.Slugify(base)
}

// setDate writes the date, and the publish date too if the file has one,
// since that is the one that decides when readers see the post.
func setDate(m *yaml.Node, t time.Time) {
	if t.IsZero() {
		removeKey(m, "date")
		return
	}
	// No tag: written plain (not quoted), as dates usually are.
	v := t.Format(time.RFC3339)
	setKey(m, &yaml.Node{Kind: yaml.ScalarNode, Value: v}, "date")
	if findKey(m, "publishdate", "pubdate", "published") >= 0 {
		setKey(m, &yaml.Node{Kind: yaml.ScalarNode, Value: v}, "publishdate", "pubdate", "published")
	}
}

// setSummary writes the summary where the file keeps it: content reads a
// description as the summary when there is none.
func setSummary(m *yaml.Node, s string) {
	name := "summary"
	if findKey(m, "summary") < 0 && findKey(m, "description") >= 0 {
		name = "description"
	}
	if s == "" {
		removeKey(m, name)
		return
	}
	setKey(m, strNode(s), name)
}

func setList(m *yaml.Node, items []string, name string) {
	if len(items) == 0 {
		removeKey(m, name)
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, it := range items {
		seq.Content = append(seq.Content, strNode(it))
	}
	setKey(m, seq, name)
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if yaml11Bool[strings.ToLower(s)] {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// yaml11Bool are words that YAML 1.2 reads as text but YAML 1.1 readers
// (some of Hugo's tools among them) read as true or false: a title "Yes"
// must stay a title.
var yaml11Bool = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "on": true, "off": true}

// findKey is the index in m.Content of the first key with one of names,
// compared as content does (case-insensitively), or -1.
func findKey(m *yaml.Node, names ...string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		for _, n := range names {
			if strings.EqualFold(m.Content[i].Value, n) {
				return i
			}
		}
	}
	return -1
}

// setKey replaces the value of the first of names the mapping has, or adds
// names[0] at the end.
func setKey(m *yaml.Node, v *yaml.Node, names ...string) {
	if i := findKey(m, names...); i >= 0 {
		v.LineComment = m.Content[i+1].LineComment
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, strNode(names[0]), v)
}

func removeKey(m *yaml.Node, names ...string) {
	if i := findKey(m, names...); i >= 0 {
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
}

// join writes front matter and body as one file.
func join(m *yaml.Node, body string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	if len(m.Content) > 0 {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(m); err != nil {
			return nil, err
		}
		enc.Close()
	}
	buf.WriteString("---\n\n")
	body = strings.TrimLeft(body, "\n")
	buf.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// splitSource returns a file's front matter as a YAML mapping (empty for a
// new file or one without front matter) and its body.
func splitSource(src []byte) (*yaml.Node, []byte, error) {
	switch syntax := content.FrontMatterSyntax(src); syntax {
	case content.NoFrontMatter:
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, src, nil
	case content.JSONFrontMatter:
		return splitJSON(src)
	default:
		header, body, _, err := content.FrontMatterBlock(src, syntax)
		if err != nil {
			return nil, nil, err
		}
		decode := yamlMapping
		if syntax == content.TOMLFrontMatter {
			decode = tomlMapping
		}
		m, err := decode(header)
		return m, body, err
	}
}

func yamlMapping(h []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(h, &doc); err != nil {
		return nil, fmt.Errorf("the front matter is not valid YAML: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: doc.HeadComment}, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the front matter is not key: value pairs")
	}
	if m.HeadComment == "" {
		m.HeadComment = doc.HeadComment
	}
	return m, nil
}

func tomlMapping(h []byte) (*yaml.Node, error) {
	var v map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(h)).Decode(&v); err != nil {
		return nil, fmt.Errorf("the front matter is not valid TOML: %w", err)
	}
	return mappingOf(v)
}

func splitJSON(src []byte) (*yaml.Node, []byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, fmt.Errorf("the front matter is not valid JSON: %w", err)
	}
	body := bytes.TrimLeft(src[dec.InputOffset():], " \t\r")
	m, err := mappingOf(v)
	return m, bytes.TrimPrefix(body, []byte("\n")), err
}

// mappingOf turns a decoded TOML or JSON header into a YAML mapping,
// keys sorted (neither decoder keeps their order).
func mappingOf(v map[string]any) (*yaml.Node, error) {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range keys {
		var n yaml.Node
		if err := n.Encode(plainValue(v[k])); err != nil {
			return nil, err
		}
		m.Content = append(m.Content, strNode(k), &n)
	}
	return m, nil
}

// plainValue writes TOML's dates without an offset as they were written:
// encoded as times they would gain one.
func plainValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		switch v.Location().String() {
		case "datetime-local":
			return v.Format("2006-01-02T15:04:05")
		case "date-local":
			return v.Format("2006-01-02")
		case "time-local":
			return v.Format("15:04:05")
		}
		return v.Format(time.RFC3339)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = plainValue(e)
		}
		return out
	}
	return v
}
