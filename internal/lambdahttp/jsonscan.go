package lambdahttp

import (
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads JSON from data[i:]. Its methods return false on anything
// they do not accept, after which the scanner is not to be used again.
type scanner struct {
	data  []byte
	i     int
	depth int
}

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

func (d *scanner) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *scanner) peek() byte {
	d.space()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

func (d *scanner) literal(lit string) bool {
	if d.peek() != lit[0] || len(d.data)-d.i < len(lit) || string(d.data[d.i:d.i+len(lit)]) != lit {
		return false
	}
	d.i += len(lit)
	return true
}

func (d *scanner) null() bool { return d.literal("null") }

// object reads an object, calling member for each key with the scanner at
// the value, which member must consume. Keys with escapes are refused.
func (d *scanner) object(member func(key []byte) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	if d.depth++; d.depth > maxDepth {
		return false
	}
	defer func() { d.depth-- }()
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		key, ok := d.plainKey()
		if !ok || d.peek() != ':' {
			return false
		}
		d.i++
		if !member(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// plainKey reads a key that needs no unescaping and is valid UTF-8: the
// raw bytes are then the key.
func (d *scanner) plainKey() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.i = i + 1
			return d.data[start:i], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

func (d *scanner) stringOrNull(dst *string) bool {
	if d.null() {
		return true // encoding/json leaves the field alone
	}
	s, ok := d.str()
	*dst = s
	return ok
}

func (d *scanner) boolOrNull(dst *bool) bool {
	switch {
	case d.null():
	case d.literal("true"):
		*dst = true
	case d.literal("false"):
		*dst = false
	default:
		return false
	}
	return true
}

// stringArray reads an array of strings, or null as a nil slice.
func (d *scanner) stringArray(dst *[]string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if d.peek() != '[' {
		return false
	}
	d.i++
	out := []string{}
	if d.peek() == ']' {
		d.i++
		*dst = out
		return true
	}
	for {
		s, ok := d.str() // a null element would be "": not worth the trouble
		if !ok {
			return false
		}
		out = append(out, s)
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			*dst = out
			return true
		default:
			return false
		}
	}
}

// str reads a string, unescaping it as encoding/json does: invalid
// UTF-8 and unpaired surrogates become U+FFFD.
func (d *scanner) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.i + 1
	for i := start; i < len(d.data); {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(d.data[start:i]), true
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				return d.unescape(start)
			}
			i += size
		}
	}
	return "", false
}

// unescape decodes the string starting at data[start] the slow way.
func (d *scanner) unescape(start int) (string, bool) {
	buf := make([]byte, 0, 64)
	for i := start; i < len(d.data); {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c == '\\':
			n, ok := d.escape(&buf, i)
			if !ok {
				return "", false
			}
			i += n
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			buf = utf8.AppendRune(buf, r) // RuneError for an invalid byte
			i += size
		}
	}
	return "", false
}

// escape appends the escape sequence at data[i] to buf and returns its length.
func (d *scanner) escape(buf *[]byte, i int) (int, bool) {
	if i+1 >= len(d.data) {
		return 0, false
	}
	switch c := d.data[i+1]; c {
	case '"', '\\', '/':
		*buf = append(*buf, c)
	case 'b':
		*buf = append(*buf, '\b')
	case 'f':
		*buf = append(*buf, '\f')
	case 'n':
		*buf = append(*buf, '\n')
	case 'r':
		*buf = append(*buf, '\r')
	case 't':
		*buf = append(*buf, '\t')
	case 'u':
		r := hex4(d.data[i+2:])
		if r < 0 {
			return 0, false
		}
		if utf16.IsSurrogate(r) {
			// A pair takes both escapes; anything else is U+FFFD and
			// leaves the next escape to be read on its own.
			if i+7 < len(d.data) && d.data[i+6] == '\\' && d.data[i+7] == 'u' {
				if dec := utf16.DecodeRune(r, hex4(d.data[i+8:])); dec != utf8.RuneError {
					*buf = utf8.AppendRune(*buf, dec)
					return 12, true
				}
			}
			r = utf8.RuneError
		}
		*buf = utf8.AppendRune(*buf, r)
		return 6, true
	default:
		return 0, false
	}
	return 2, true
}

// escapeLen returns the length of the escape sequence at the start of b,
// or 0 if it is not one.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if hex4(b[2:]) >= 0 {
			return 6
		}
	}
	return 0
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skip consumes any JSON value, checking its syntax.
func (d *scanner) skip() bool {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) bool { return d.skip() })
	case c == '[':
		return d.skipArray()
	case c == '"':
		return d.skipString()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.null()
	case c == '-' || '0' <= c && c <= '9':
		return d.skipNumber()
	}
	return false
}

func (d *scanner) skipArray() bool {
	d.i++ // '['
	if d.depth++; d.depth > maxDepth {
		return false
	}
	defer func() { d.depth-- }()
	if d.peek() == ']' {
		d.i++
		return true
	}
	for {
		if !d.skip() {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// skipString consumes a string, checking escapes and control characters
// but not decoding it.
func (d *scanner) skipString() bool {
	for i := d.i + 1; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			n := escapeLen(d.data[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		}
	}
	return false
}

// skipNumber consumes a number of JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *scanner) skipNumber() bool {
	b, i := d.data, d.i
	digits := func() bool {
		n := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	d.i = i
	return true
}
