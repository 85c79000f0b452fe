package content

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Field is one front matter field to write with SetFields.
//
// Names are compared as Parse compares them, without regard to case: the
// first of Names (in their order) that the front matter has is replaced
// where it stands; when it has none, Names[0] is added at the end.
type Field struct {
	Names []string
	// Value is a string, bool, time.Time, []string, or nil to remove the
	// field. A time is written with its offset (RFC 3339).
	Value any
	// IfPresent writes the field only when the front matter has it
	// already (a publish date follows the date only where there is one).
	IfPresent bool
}

// SetFields writes fields into the front matter of src in the syntax src
// already uses — YAML, TOML or JSON — and returns the new file. Every
// other field stays as it was, in its place; comments stay where the
// syntax's own rules let them; the body is kept byte for byte. A file
// without front matter gets a YAML one.
//
// This is the only place where grail writes front matter: the admin's
// editor and grail new both go through it, so that a file reads back
// exactly as Parse will see it.
func SetFields(src []byte, fields ...Field) ([]byte, error) {
	for _, f := range fields {
		if len(f.Names) == 0 {
			return nil, fmt.Errorf("a front matter field needs a name")
		}
		if err := checkValue(f.Value); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Names[0], err)
		}
	}
	switch FrontMatterSyntax(src) {
	case TOMLFrontMatter:
		return setTOMLFields(src, fields)
	case JSONFrontMatter:
		return setJSONFields(src, fields)
	}
	return setYAMLFields(src, fields)
}

func checkValue(v any) error {
	switch v.(type) {
	case nil, string, bool, time.Time, []string:
		return nil
	}
	return fmt.Errorf("cannot write a %T", v)
}

// SetBody replaces the body of src, keeping its front matter byte for
// byte. The body starts after one blank line and ends with a newline.
func SetBody(src []byte, body string) ([]byte, error) {
	end, err := frontMatterEnd(src)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(end + len(body) + 2)
	buf.Write(src[:end])
	body = strings.TrimLeft(body, "\r\n")
	if end > 0 {
		buf.WriteByte('\n')
	}
	buf.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// frontMatterEnd is the offset in src where the body starts.
func frontMatterEnd(src []byte) (int, error) {
	switch syntax := FrontMatterSyntax(src); syntax {
	case NoFrontMatter:
		return 0, nil
	case JSONFrontMatter:
		_, body, _, err := splitJSON(src)
		if err != nil {
			return 0, err
		}
		return len(src) - len(body), nil
	default:
		_, body, _, err := FrontMatterBlock(src, syntax)
		if err != nil {
			return 0, err
		}
		return len(src) - len(body), nil
	}
}

// hasName reports whether key is one of names, compared as Parse does.
func hasName(key string, names []string) bool {
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return true
		}
	}
	return false
}

// firstPresent is the index in keys of the first of names (in the order
// of names) that keys hold, or -1.
func firstPresent(keys []string, names []string) int {
	for _, n := range names {
		for i, k := range keys {
			if strings.EqualFold(k, n) {
				return i
			}
		}
	}
	return -1
}

// setYAMLFields edits the YAML header as a node tree, which keeps the
// other keys, their order and comments; it is written back with a
// two-space indent.
func setYAMLFields(src []byte, fields []Field) ([]byte, error) {
	header, body := []byte(nil), src
	if FrontMatterSyntax(src) == YAMLFrontMatter {
		var err error
		if header, body, _, err = FrontMatterBlock(src, YAMLFrontMatter); err != nil {
			return nil, err
		}
	}
	m, err := yamlMapping(header)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		setYAMLField(m, f)
	}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	if len(m.Content) > 0 || m.HeadComment != "" {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(m); err != nil {
			return nil, err
		}
		enc.Close()
	}
	buf.WriteString("---\n")
	buf.Write(body)
	return buf.Bytes(), nil
}

// yamlMapping decodes a YAML header into its top-level mapping (empty for
// an empty header).
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

func yamlKeys(m *yaml.Node) []string {
	keys := make([]string, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	return keys
}

func setYAMLField(m *yaml.Node, f Field) {
	i := firstPresent(yamlKeys(m), f.Names)
	switch {
	case f.Value == nil:
		if i >= 0 {
			m.Content = append(m.Content[:2*i], m.Content[2*i+2:]...)
		}
	case i >= 0:
		v := yamlNode(f.Value)
		v.LineComment = m.Content[2*i+1].LineComment
		m.Content[2*i+1] = v
	case !f.IfPresent:
		m.Content = append(m.Content, yamlString(f.Names[0]), yamlNode(f.Value))
	}
}

func yamlNode(v any) *yaml.Node {
	switch v := v.(type) {
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}
	case time.Time:
		// No tag: written plain (not quoted), as dates usually are.
		return &yaml.Node{Kind: yaml.ScalarNode, Value: v.Format(time.RFC3339)}
	case []string:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, s := range v {
			seq.Content = append(seq.Content, yamlString(s))
		}
		return seq
	}
	return yamlString(v.(string))
}

func yamlString(s string) *yaml.Node {
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
