package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// TOML and JSON decoders keep neither the order of keys nor comments, so
// their headers are edited as text: the lines (or bytes) of one field are
// replaced, removed or added, and everything else is left as written.

// setTOMLFields edits the top-level keys of a TOML header, those before
// its first [table].
func setTOMLFields(src []byte, fields []Field) ([]byte, error) {
	header, body, _, err := FrontMatterBlock(src, TOMLFrontMatter)
	if err != nil {
		return nil, err
	}
	if _, err := toml.Decode(string(header), new(map[string]any)); err != nil {
		return nil, fmt.Errorf("the front matter is not valid TOML: %w", err)
	}
	lines := strings.SplitAfter(string(header), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, f := range fields {
		if lines, err = setTOMLField(lines, f); err != nil {
			return nil, err
		}
	}
	out := strings.Join(lines, "")
	if _, err := toml.Decode(out, new(map[string]any)); err != nil {
		return nil, fmt.Errorf("the edited front matter is not valid TOML: %w", err)
	}
	open, _, _ := bytes.Cut(src, []byte("\n"))
	var buf bytes.Buffer
	buf.Write(open)
	buf.WriteString("\n")
	buf.WriteString(out)
	buf.WriteString("+++\n")
	buf.Write(body)
	return buf.Bytes(), nil
}

// tomlEntry is a top-level key and the lines [start, end) its value takes.
type tomlEntry struct {
	key        string
	start, end int
}

// tomlEntries lists the top-level keys of lines and where the tables
// start (len(lines) when there are none).
func tomlEntries(lines []string) (entries []tomlEntry, tables int) {
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if tomlTableRE.MatchString(l) {
			return entries, i
		}
		m := tomlKeyRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		end := tomlValueEnd(lines, i)
		entries = append(entries, tomlEntry{key: m[1] + m[2] + m[3], start: i, end: end})
		i = end - 1
	}
	return entries, len(lines)
}

// tomlValueEnd finds where the key on line i ends: the first line after
// which it reads as TOML on its own (a list or a string may span lines).
func tomlValueEnd(lines []string, i int) int {
	for j := i + 1; j <= len(lines); j++ {
		if _, err := toml.Decode(strings.Join(lines[i:j], ""), new(map[string]any)); err == nil {
			return j
		}
	}
	return i + 1
}

func setTOMLField(lines []string, f Field) ([]string, error) {
	entries, tables := tomlEntries(lines)
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	i := firstPresent(keys, f.Names)
	if f.Value == nil {
		if i >= 0 {
			lines = append(lines[:entries[i].start], lines[entries[i].end:]...)
		}
		return lines, nil
	}
	if i < 0 && f.IfPresent {
		return lines, nil
	}
	v, err := tomlValue(f.Value)
	if err != nil {
		return nil, err
	}
	if i >= 0 {
		e := entries[i]
		indent := lines[e.start][:len(lines[e.start])-len(strings.TrimLeft(lines[e.start], " \t"))]
		name, _, _ := strings.Cut(strings.TrimLeft(lines[e.start], " \t"), "=")
		line := indent + strings.TrimRight(name, " \t") + " = " + v + "\n"
		return append(lines[:e.start], append([]string{line}, lines[e.end:]...)...), nil
	}
	// New keys go after the last top-level key, before any table.
	at := tables
	if len(entries) > 0 {
		at = entries[len(entries)-1].end
	}
	line := tomlKey(f.Names[0]) + " = " + v + "\n"
	return append(lines[:at], append([]string{line}, lines[at:]...)...), nil
}

func tomlKey(name string) string {
	if tomlKeyRE.MatchString(name + "=") {
		return name
	}
	q, _ := jsonText(name)
	return q
}

// tomlValue writes v as TOML. JSON's string escapes are all valid in a
// TOML basic string.
func tomlValue(v any) (string, error) {
	switch v := v.(type) {
	case bool:
		return fmt.Sprint(v), nil
	case time.Time:
		return v.Format(time.RFC3339), nil
	}
	return jsonText(v)
}

// setJSONFields edits the top-level keys of a JSON header.
func setJSONFields(src []byte, fields []Field) ([]byte, error) {
	for _, f := range fields {
		obj, err := jsonObjectAt(src)
		if err != nil {
			return nil, err
		}
		if src, err = setJSONField(src, obj, f); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// jsonObject is where the parts of the header's object are in the file.
type jsonObject struct {
	open, close int // offsets of { and }
	entries     []jsonEntry
}

type jsonEntry struct {
	key                        string
	keyStart, valStart, valEnd int
}

// jsonObjectAt finds the keys and values of the object src starts with.
func jsonObjectAt(src []byte) (jsonObject, error) {
	obj := jsonObject{open: 0}
	dec := json.NewDecoder(bytes.NewReader(src))
	fail := func(err error) (jsonObject, error) {
		return obj, fmt.Errorf("the front matter is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	for dec.More() {
		from := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		keyEnd := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(err)
		}
		valEnd := int(dec.InputOffset())
		obj.entries = append(obj.entries, jsonEntry{
			key:      key,
			keyStart: from + bytes.IndexByte(src[from:keyEnd], '"'),
			valStart: valEnd - len(raw),
			valEnd:   valEnd,
		})
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	obj.close = int(dec.InputOffset()) - 1
	return obj, nil
}

func setJSONField(src []byte, obj jsonObject, f Field) ([]byte, error) {
	keys := make([]string, len(obj.entries))
	for i, e := range obj.entries {
		keys[i] = e.key
	}
	i := firstPresent(keys, f.Names)
	splice := func(from, to int, with string) []byte {
		out := make([]byte, 0, len(src)+len(with))
		out = append(out, src[:from]...)
		out = append(out, with...)
		return append(out, src[to:]...)
	}
	if f.Value == nil {
		switch {
		case i < 0:
			return src, nil
		case i+1 < len(obj.entries): // up to the next key, comma included
			return splice(obj.entries[i].keyStart, obj.entries[i+1].keyStart, ""), nil
		case i > 0: // the last: from the end of the one before
			return splice(obj.entries[i-1].valEnd, obj.entries[i].valEnd, ""), nil
		default:
			return splice(obj.entries[i].keyStart, obj.entries[i].valEnd, ""), nil
		}
	}
	if i < 0 && f.IfPresent {
		return src, nil
	}
	v, err := jsonText(jsonPlain(f.Value))
	if err != nil {
		return nil, err
	}
	if i >= 0 {
		return splice(obj.entries[i].valStart, obj.entries[i].valEnd, v), nil
	}
	name, _ := jsonText(f.Names[0])
	if len(obj.entries) == 0 {
		return splice(obj.open+1, obj.close, "\n  "+name+": "+v+"\n"), nil
	}
	first, last := obj.entries[0], obj.entries[len(obj.entries)-1]
	lineStart := bytes.LastIndexByte(src[:first.keyStart], '\n') + 1
	indent := src[lineStart:first.keyStart]
	if lineStart == 0 || len(bytes.TrimSpace(indent)) > 0 {
		return splice(last.valEnd, last.valEnd, ", "+name+": "+v), nil // all on one line
	}
	return splice(last.valEnd, last.valEnd, ",\n"+string(indent)+name+": "+v), nil
}

func jsonPlain(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.Format(time.RFC3339)
	}
	return v
}

// jsonText is v as compact JSON, without escaping <, > and &.
func jsonText(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}
