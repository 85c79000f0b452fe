package shortcode

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// node is a piece of a document: text, or a shortcode call with its inner
// nodes.
type node struct {
	text    []byte // text as written, when call and comment are nil
	comment []byte // the literal a {{</* … */>}} comment stands for
	call    *call
}

// call is one use of a shortcode.
type call struct {
	name     string
	markdown bool // {{% %}}: the output is Markdown
	params   params
	inner    []node
	rawInner []byte // the source between the tags of a paired call
	paired   bool   // a closing tag was found
	line     int    // line of the opening tag in the body (1-based)
	col      int
}

// params are a call's arguments: named or positional, never both (as in
// Hugo).
type params struct {
	named      map[string]string
	positional []string
}

// tag is one lexed shortcode delimiter pair.
type tag struct {
	start, end int // byte range of the whole tag in the source
	name       string
	markdown   bool
	closing    bool // {{< /name >}}
	selfClose  bool // {{< name />}}
	params     params
	comment    []byte // set for {{</* … */>}}
	line, col  int
}

// parseError is a tag the lexer could not read.
type parseError struct {
	line int
	name string // the shortcode's, when it was read
	msg  string
}

// parse splits src into text and shortcode calls, pairing opening and
// closing tags. A tag that cannot be read becomes a parseError and is
// dropped up to its closing delimiter, or else just its opening one, so
// that no "{{<" reaches a page.
func parse(src []byte) ([]node, []parseError) {
	var (
		errs  []parseError
		b     = builder{src: src}
		pos   int
		lines = lineCounter{src: src}
	)
	for {
		i := nextDelim(src, pos)
		if i < 0 {
			b.text(pos, len(src))
			break
		}
		b.text(pos, i)
		line, col := lines.at(i)
		t, err := lexTag(src, i)
		if err != "" {
			errs = append(errs, parseError{line: line, name: t.name, msg: err})
			pos = skipBroken(src, i)
			continue
		}
		t.line, t.col = line, col
		if msg := b.tag(t); msg != "" {
			errs = append(errs, parseError{line: line, name: t.name, msg: msg})
		}
		pos = t.end
	}
	return b.finish(), errs
}

// skipBroken is where text resumes after the unreadable tag at src[i]:
// after its closing delimiter if one comes before the next tag, else after
// its opening delimiter.
func skipBroken(src []byte, i int) int {
	closer := []byte(">}}")
	if src[i+2] == '%' {
		closer = []byte("%}}")
	}
	rest := src[i+3:]
	end := bytes.Index(rest, closer)
	if next := nextDelim(rest, 0); end < 0 || (next >= 0 && next < end) {
		return i + 3
	}
	return i + 3 + end + 3
}

// nextDelim finds the next "{{<" or "{{%" at or after from.
func nextDelim(src []byte, from int) int {
	for {
		i := bytes.Index(src[from:], []byte("{{"))
		if i < 0 {
			return -1
		}
		i += from
		if i+2 < len(src) && (src[i+2] == '<' || src[i+2] == '%') {
			return i
		}
		from = i + 1
	}
}

// lexTag reads the tag starting at src[i] ("{{<" or "{{%").
func lexTag(src []byte, i int) (tag, string) {
	t := tag{start: i, markdown: src[i+2] == '%'}
	closer := ">}}"
	if t.markdown {
		closer = "%}}"
	}
	p := skipSpace(src, i+3)
	if bytes.HasPrefix(src[p:], []byte("/*")) {
		end := bytes.Index(src[p+2:], []byte("*/"))
		if end < 0 {
			return t, "unterminated shortcode comment"
		}
		end += p + 2
		after := skipSpace(src, end+2)
		if !bytes.HasPrefix(src[after:], []byte(closer)) {
			return t, "shortcode comment not closed with " + closer
		}
		open := string(src[i : i+3])
		t.comment = []byte(open + string(src[p+2:end]) + closer)
		t.end = after + 3
		return t, ""
	}
	if p < len(src) && src[p] == '/' {
		t.closing = true
		p = skipSpace(src, p+1)
	}
	name, p := lexName(src, p, closer)
	if name == "" {
		return t, "shortcode without a name"
	}
	t.name = name
	for {
		p = skipSpace(src, p)
		switch {
		case bytes.HasPrefix(src[p:], []byte(closer)):
			t.end = p + 3
			return t, ""
		case bytes.HasPrefix(src[p:], []byte("/"+closer)) && !t.closing:
			t.selfClose, t.end = true, p+4
			return t, ""
		case p >= len(src) || bytes.HasPrefix(src[p:], []byte("{{")):
			return t, "not closed with " + closer
		case t.closing:
			return t, "closing tag with parameters"
		}
		var err string
		p, err = lexParam(src, p, closer, &t.params)
		if err != "" {
			return t, err
		}
	}
}

func skipSpace(src []byte, p int) int {
	for p < len(src) && (src[p] == ' ' || src[p] == '\t' || src[p] == '\n' || src[p] == '\r') {
		p++
	}
	return p
}

// lexName reads a shortcode name: letters, digits, "_", "-", "." and "/"
// (a shortcode in a subfolder), but not the "/" of "/>}}".
func lexName(src []byte, p int, closer string) (string, int) {
	start := p
	for p < len(src) {
		r, size := utf8.DecodeRune(src[p:])
		if r == '/' && bytes.HasPrefix(src[skipSpace(src, p+1):], []byte(closer)) {
			break
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-./", r) {
			break
		}
		p += size
	}
	return string(src[start:p]), p
}

// lexParam reads one parameter, named (key=value) or positional.
func lexParam(src []byte, p int, closer string, ps *params) (int, string) {
	if p < len(src) && (src[p] == '"' || src[p] == '`') {
		v, next, err := lexQuoted(src, p)
		if err != "" {
			return p, err
		}
		return next, ps.add("", v)
	}
	word, next := lexWord(src, p, closer)
	if word == "" {
		return p, fmt.Sprintf("unexpected %q", src[p])
	}
	q := skipSpace(src, next)
	if q < len(src) && src[q] == '=' {
		q = skipSpace(src, q+1)
		if q < len(src) && (src[q] == '"' || src[q] == '`') {
			v, after, err := lexQuoted(src, q)
			if err != "" {
				return p, err
			}
			return after, ps.add(word, v)
		}
		v, after := lexWord(src, q, closer)
		return after, ps.add(word, v)
	}
	return next, ps.add("", word)
}

// lexWord reads an unquoted value: up to a space, "=" or the closer.
func lexWord(src []byte, p int, closer string) (string, int) {
	start := p
	for p < len(src) {
		c := src[p]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '=' || c == '"' || c == '`' ||
			bytes.HasPrefix(src[p:], []byte(closer)) || bytes.HasPrefix(src[p:], []byte("/"+closer)) {
			break
		}
		p++
	}
	return string(src[start:p]), p
}

// lexQuoted reads "a \"quoted\" string" or a `raw string`.
func lexQuoted(src []byte, p int) (string, int, string) {
	q := src[p]
	var b strings.Builder
	for i := p + 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == q:
			return b.String(), i + 1, ""
		case c == '\\' && q == '"' && i+1 < len(src) && src[i+1] == '"':
			b.WriteByte('"')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return "", p, "unterminated quoted parameter"
}

func (ps *params) add(key, value string) string {
	if key == "" {
		if ps.named != nil {
			return "named and positional parameters mixed"
		}
		ps.positional = append(ps.positional, value)
		return ""
	}
	if ps.positional != nil {
		return "named and positional parameters mixed"
	}
	if ps.named == nil {
		ps.named = map[string]string{}
	}
	ps.named[key] = value
	return ""
}

// builder pairs tags into a tree with a stack of open calls. A call whose
// closing tag never comes is a call without inner content: what followed
// it is lifted back to its parent.
type builder struct {
	src   []byte
	root  []node
	stack []*frame
}

type frame struct {
	call       *call
	innerStart int
	nodes      []node
}

func (b *builder) out() *[]node {
	if len(b.stack) == 0 {
		return &b.root
	}
	return &b.stack[len(b.stack)-1].nodes
}

func (b *builder) text(from, to int) {
	if to > from {
		*b.out() = append(*b.out(), node{text: b.src[from:to]})
	}
}

func (b *builder) tag(t tag) string {
	switch {
	case t.comment != nil:
		*b.out() = append(*b.out(), node{comment: t.comment})
	case t.closing:
		return b.close(t)
	default:
		c := &call{name: t.name, markdown: t.markdown, params: t.params, line: t.line, col: t.col}
		if t.selfClose {
			*b.out() = append(*b.out(), node{call: c})
		} else {
			b.stack = append(b.stack, &frame{call: c, innerStart: t.end})
		}
	}
	return ""
}

func (b *builder) close(t tag) string {
	i := len(b.stack) - 1
	for i >= 0 && b.stack[i].call.name != t.name {
		i--
	}
	if i < 0 {
		return "closing tag without an opening tag"
	}
	for len(b.stack) > i+1 {
		b.unwind()
	}
	f := b.stack[i]
	b.stack = b.stack[:i]
	f.call.inner, f.call.paired = f.nodes, true
	f.call.rawInner = b.src[f.innerStart:t.start]
	*b.out() = append(*b.out(), node{call: f.call})
	return ""
}

// unwind pops the innermost open call as one without inner content.
func (b *builder) unwind() {
	f := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	*b.out() = append(*b.out(), node{call: f.call})
	*b.out() = append(*b.out(), f.nodes...)
}

func (b *builder) finish() []node {
	for len(b.stack) > 0 {
		b.unwind()
	}
	return b.root
}

// lineCounter turns byte offsets, asked in increasing order, into lines
// and columns without rescanning the source.
type lineCounter struct {
	src       []byte
	pos, line int
	lineStart int
}

func (l *lineCounter) at(off int) (line, col int) {
	if l.line == 0 {
		l.line = 1
	}
	for ; l.pos < off; l.pos++ {
		if l.src[l.pos] == '\n' {
			l.line++
			l.lineStart = l.pos + 1
		}
	}
	return l.line, off - l.lineStart + 1
}
