package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// frontMatter is the decoded header: values by lower-cased key, the key
// as the author wrote it, and the line it is on, so that problems point
// at what the author sees.
type frontMatter struct {
	values map[string]any
	names  map[string]string
	lines  map[string]int
	// texts holds numbers and booleans as written, when the format keeps
	// that: "title: 1.10" is the title "1.10", not 1.1.
	texts map[string]string
}

func newFrontMatter() frontMatter {
	return frontMatter{values: map[string]any{}, names: map[string]string{}, lines: map[string]int{}, texts: map[string]string{}}
}

func (f frontMatter) set(key string, line int, v any) {
	k := strings.ToLower(key)
	f.values[k], f.names[k], f.lines[k] = v, key, line
	delete(f.texts, k)
}

// setText records how a number or boolean value of key was written.
func (f frontMatter) setText(key, text string) {
	f.texts[strings.ToLower(key)] = text
}

// text is key's value as written, for numbers and booleans.
func (f frontMatter) text(key string) (string, bool) {
	t, ok := f.texts[key]
	return t, ok
}

// get returns the value of key. An empty value ("tags:" in YAML, null in
// JSON) counts as absent, as in Hugo.
func (f frontMatter) get(key string) (any, bool) {
	v, ok := f.values[key]
	return v, ok && v != nil
}

// line is the line of key, or 1 (where the front matter starts) for a key
// that is absent or could not be found.
func (f frontMatter) line(key string) int {
	if l := f.lines[key]; l > 0 {
		return l
	}
	return 1
}

// name is key as the author spelled it ("publishDate"), or key itself.
func (f frontMatter) name(key string) string {
	if n, ok := f.names[key]; ok {
		return n
	}
	return key
}

// lineError is a problem at a line of the file.
type lineError struct {
	line int
	msg  string
}

func (e lineError) Error() string { return e.msg }

// Front matter syntaxes, as FrontMatterSyntax names them.
const (
	NoFrontMatter   = ""
	YAMLFrontMatter = "yaml" // between --- lines
	TOMLFrontMatter = "toml" // between +++ lines
	JSONFrontMatter = "json" // an object at the very start
)

// FrontMatterSyntax tells which front matter src opens with.
func FrontMatterSyntax(src []byte) string {
	first, _, _ := bytes.Cut(src, []byte("\n"))
	switch string(bytes.TrimRight(first, " \t\r")) {
	case "---":
		return YAMLFrontMatter
	case "+++":
		return TOMLFrontMatter
	}
	if bytes.HasPrefix(src, []byte("{")) {
		return JSONFrontMatter
	}
	return NoFrontMatter
}

// FrontMatterBlock splits YAML or TOML front matter from the body: header
// is what stands between the delimiter lines (YAML may also close with
// "..."), and bodyLine the line the body starts on. It fails when the
// front matter is never closed.
func FrontMatterBlock(src []byte, syntax string) (header, body []byte, bodyLine int, err error) {
	delim := "---"
	if syntax == TOMLFrontMatter {
		delim = "+++"
	}
	start := bytes.IndexByte(src, '\n') + 1
	if start == 0 { // the opening line is all there is
		start = len(src)
	}
	for off, line := start, 2; off < len(src); line++ {
		next := len(src)
		l := src[off:]
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l, next = l[:i], off+i+1
		}
		if t := string(bytes.TrimRight(l, " \t\r")); t == delim || (delim == "---" && t == "...") {
			return src[start:off], src[next:], line + 1, nil
		}
		off = next
	}
	return nil, nil, 0, lineError{1, fmt.Sprintf("front matter opened with %s on line 1 is never closed", delim)}
}

// splitFrontMatter finds the front matter and decodes it.
func splitFrontMatter(src []byte) (fm frontMatter, body []byte, bodyLine int, err error) {
	syntax := FrontMatterSyntax(src)
	switch syntax {
	case NoFrontMatter:
		return newFrontMatter(), src, 1, nil
	case JSONFrontMatter:
		return splitJSON(src)
	}
	fm = newFrontMatter()
	header, body, bodyLine, err := FrontMatterBlock(src, syntax)
	if err != nil {
		return fm, nil, 0, err
	}
	decode := decodeYAML
	if syntax == TOMLFrontMatter {
		decode = decodeTOML
	}
	if err := decode(header, fm); err != nil {
		return fm, nil, 0, err
	}
	return fm, body, bodyLine, nil
}

// The header handed to the decoders starts on line 2, after the opening
// --- or +++.
const headerLine = 2

func decodeYAML(h []byte, fm frontMatter) error {
	var root yaml.Node
	if err := yaml.Unmarshal(h, &root); err != nil {
		return yamlError(h, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 { // empty header, or only comments
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return lineError{fileLine(h, m.Line), "front matter must be key: value pairs"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		fm.set(k.Value, fileLine(h, k.Line), yamlValue(v, 0))
		if v.Kind == yaml.ScalarNode {
			fm.setText(k.Value, v.Value)
		}
	}
	return nil
}

// yamlDepth is as deep as yamlValue converts: grail reads top-level
// scalars and lists of them, and needs no more than the type of anything
// deeper. The limit also keeps aliases from expanding without end: an
// alias may point at a node that contains it, and nine aliases of nine
// aliases of... stand for billions of values.
const yamlDepth = 2

// yamlValue keeps scalars as text so dates are read by ParseDate in the
// site's zone rather than by YAML's own (UTC) rules.
func yamlValue(n *yaml.Node, depth int) any {
	switch n.Kind {
	case yaml.ScalarNode:
		return yamlScalar(n)
	case yaml.SequenceNode:
		if depth >= yamlDepth {
			return []any{}
		}
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			out[i] = yamlValue(c, depth+1)
			// Lists are lists of text (tags, aliases): keep "1.10" and
			// "yes" as written.
			if c.Kind == yaml.ScalarNode && out[i] != nil {
				out[i] = c.Value
			}
		}
		return out
	case yaml.MappingNode:
		m := map[string]any{}
		if depth >= yamlDepth {
			return m
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlValue(n.Content[i+1], depth+1)
		}
		return m
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil
		}
		return yamlValue(n.Alias, depth+1)
	}
	return nil
}

func yamlScalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!bool":
		b, err := strconv.ParseBool(n.Value)
		if err != nil { // yes, on... tagged !!bool explicitly
			return n.Value
		}
		return b
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
		return n.Value
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
		return n.Value
	case "!!null":
		return nil
	}
	return n.Value
}

// fileLine turns the line the YAML parser names in header h into the
// line of the file. The parser also ends a line at a lone CR (and at
// NEL, LS and PS); grail, like git, grep and the editor's line numbers
// for such a file, counts LFs only. A line past the end of h is the
// closing delimiter's.
func fileLine(h []byte, yamlLine int) int {
	line, lfs := 1, 0
	for i := 0; i < len(h) && line < yamlLine; {
		n := yamlBreak(h[i:])
		if n == 0 {
			i++
			continue
		}
		if h[i+n-1] == '\n' {
			lfs++
		}
		line++
		i += n
	}
	return lfs + headerLine
}

// yamlBreak is the length of the line break b starts with, as the YAML
// parser reads them, or 0.
func yamlBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case b[0] == '\r' || b[0] == '\n':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns "yaml: line 3: did not find expected key" into a
// lineError counted from the top of the file.
func yamlError(h []byte, err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return lineError{fileLine(h, line), "front matter is not valid YAML: " + m[2]}
	}
	return lineError{1, "front matter is not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func decodeTOML(h []byte, fm frontMatter) error {
	var m map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(h)).Decode(&m); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return lineError{perr.Position.Line + headerLine - 1, "front matter is not valid TOML: " + perr.Message}
		}
		return lineError{1, "front matter is not valid TOML: " + err.Error()}
	}
	lines := tomlKeyLines(h)
	for k, v := range m {
		fm.set(k, lines[k]+headerLine-1, normalizeList(v))
	}
	return nil
}

// tomlTableRE matches a [table] or [[array]] header, after which keys
// belong to that table and not to the front matter itself.
var tomlTableRE = regexp.MustCompile(`^\[\[?\s*[\w\-."' ]+\s*\]\]?\s*(#.*)?$`)

var tomlKeyRE = regexp.MustCompile(`^(?:"([^"]*)"|'([^']*)'|([\w\-]+))\s*[.=]`)

// tomlKeyLines finds the 1-based line of each top-level key in h: the
// TOML decoder does not report positions.
func tomlKeyLines(h []byte) map[string]int {
	lines := map[string]int{}
	for i, l := range strings.Split(string(h), "\n") {
		l = strings.TrimSpace(l)
		if tomlTableRE.MatchString(l) {
			if name := strings.Trim(l, "[] \t"); name != "" {
				first, _, _ := strings.Cut(name, ".")
				if _, seen := lines[first]; !seen {
					lines[first] = i + 1
				}
			}
			break
		}
		m := tomlKeyRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		key := m[1] + m[2] + m[3]
		if _, seen := lines[key]; !seen {
			lines[key] = i + 1
		}
	}
	return lines
}

// splitJSON reads a JSON object at the start of src, token by token so
// that each key's line is known.
func splitJSON(src []byte) (frontMatter, []byte, int, error) {
	fm := newFrontMatter()
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	lineAt := func(off int64) int { return 1 + bytes.Count(src[:min(int(off), len(src))], []byte("\n")) }
	fail := func(err error) (frontMatter, []byte, int, error) {
		off := dec.InputOffset()
		var serr *json.SyntaxError
		if errors.As(err, &serr) {
			off = serr.Offset
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			off = int64(len(src))
		}
		return fm, nil, 0, lineError{lineAt(off), "front matter is not valid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); err != nil { // the opening {
		return fail(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		line := lineAt(dec.InputOffset())
		var v any
		if err := dec.Decode(&v); err != nil {
			return fail(err)
		}
		fm.set(key, line, jsonValue(v))
		if n, ok := v.(json.Number); ok {
			fm.setText(key, n.String())
		}
	}
	if _, err := dec.Token(); err != nil { // the closing }
		return fail(err)
	}
	end := int(dec.InputOffset())
	body := bytes.TrimLeft(src[end:], " \t\r")
	body = bytes.TrimPrefix(body, []byte("\n"))
	return fm, body, lineAt(int64(len(src) - len(body))), nil
}

// jsonValue turns the decoder's json.Numbers into the int64 and float64
// that the TOML and YAML readers produce.
func jsonValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case []any:
		for i, e := range v {
			v[i] = jsonValue(e)
		}
	}
	return v
}

// normalizeList turns typed slices from the TOML decoder into []any.
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
