// Package svgsafe makes an uploaded SVG drawing safe to serve from the
// blog's own origin. It parses the file as XML and writes back only what
// an allowlist knows to be inert: drawing elements, presentation
// attributes, links within the document and images in data URLs. Scripts,
// event handlers, embedded HTML, links out, style sheets that load
// anything and animations that would set any of those are removed.
//
// A blocklist cannot do this: XML has too many ways of spelling the same
// thing (namespace prefixes, character references, CSS escapes).
// Everything here is checked after the XML decoder has resolved them.
package svgsafe

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// maxDepth bounds how deeply elements may nest; drawings from real tools
// stay far below it.
const maxDepth = 256

// Sanitize parses src as an SVG drawing and returns it with everything
// not on the allowlist removed, and a description of each kind of thing
// removed (none when the drawing was already clean): first what could
// have run or loaded something, then what is merely unknown (a drawing
// tool's own elements and attributes), each in the order first met. It
// fails, with a message meant for the author, when src is not well-formed
// XML, declares entities of its own, or is not an SVG drawing.
func Sanitize(src []byte) (clean []byte, removed []string, err error) {
	s := &sanitizer{seen: map[string]bool{}}
	if err := s.run(src); err != nil {
		return nil, nil, err
	}
	return s.out.Bytes(), append(s.removed, s.unknown...), nil
}

type sanitizer struct {
	out     bytes.Buffer
	removed []string // what could have run or loaded something
	unknown []string // what was only not on the allowlist
	seen    map[string]bool

	stack   []string // the elements open in the output; "" for an unwrapped one
	skip    int      // depth inside an element being dropped with its content
	pending bool     // a start tag is written but not its '>': an empty element ends "/>"
	root    bool     // the <svg> root has been met
	done    bool     // ... and closed: the rest of the file is ignored
	style   *strings.Builder
}

func (s *sanitizer) run(src []byte) error {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.CharsetReader = charsetReader
	for !s.done {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("it is not well-formed XML (%v)", strings.TrimPrefix(err.Error(), "XML syntax error "))
		}
		if err := s.token(tok); err != nil {
			return err
		}
	}
	if !s.root {
		return errNotSVG
	}
	return nil
}

var errNotSVG = errors.New("it is not an SVG drawing (its root element is not <svg>)")

func (s *sanitizer) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return s.start(t)
	case xml.EndElement:
		s.end()
	case xml.CharData:
		s.text(t)
	case xml.ProcInst:
		// The XML declaration is implied: the output is UTF-8. Any other
		// instruction (xml-stylesheet) is the file asking for more.
		if t.Target != "xml" {
			s.remove("<?" + t.Target + "?>")
		}
	case xml.Directive:
		// A DOCTYPE naming the SVG DTD is harmless and dropped; one with an
		// internal subset could define entities, and is refused whole.
		if bytes.ContainsAny(t, "[<") {
			return errors.New("it declares a DTD or entities of its own, which grail does not read")
		}
	}
	// Comments are dropped: nothing reads them, and they are a place to hide
	// markup from a checker that looks at text.
	return nil
}

func (s *sanitizer) start(t xml.StartElement) error {
	if s.skip > 0 {
		s.skip++
		return nil
	}
	if !s.root {
		if !isSVG(t.Name) || t.Name.Local != "svg" {
			return errNotSVG
		}
		s.root = true
	}
	if len(s.stack) >= maxDepth {
		return fmt.Errorf("its elements nest more than %d deep", maxDepth)
	}
	if s.style != nil { // a style sheet is text; markup inside it is not drawn
		s.skip = 1
		return nil
	}
	local := t.Name.Local
	switch {
	case !isSVG(t.Name) || !elements[local] && !unwrapped[local]:
		s.removeElement(t.Name)
		s.skip = 1
		return nil
	case unwrapped[local]:
		s.remove("<" + local + "> links")
		s.stack = append(s.stack, "")
		return nil
	case animations[local]:
		if target, ok := animationTarget(t); !ok {
			s.remove("<" + local + "> changing " + target)
			s.skip = 1
			return nil
		}
	}
	s.closePending()
	s.out.WriteString("<" + local)
	if len(s.stack) == 0 {
		s.out.WriteString(` xmlns="` + svgNS + `" xmlns:xlink="` + xlinkNS + `"`)
	}
	s.attributes(local, t.Attr)
	s.pending = true
	s.stack = append(s.stack, local)
	if local == "style" {
		s.style = &strings.Builder{}
	}
	return nil
}

func (s *sanitizer) end() {
	if s.skip > 0 {
		s.skip--
		return
	}
	name := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if name == "style" {
		s.styleSheet()
	}
	switch {
	case name == "":
	case s.pending:
		s.out.WriteString("/>")
		s.pending = false
	default:
		s.out.WriteString("</" + name + ">")
	}
	s.done = len(s.stack) == 0
}

func (s *sanitizer) text(t xml.CharData) {
	switch {
	case s.skip > 0 || len(s.stack) == 0:
	case s.style != nil:
		s.style.Write(t)
	default:
		s.closePending()
		writeEscaped(&s.out, string(t), false)
	}
}

// styleSheet writes the sanitised text of the <style> element just closed.
func (s *sanitizer) styleSheet() {
	css, removed := sanitizeSheet(s.style.String())
	s.style = nil
	s.removeAll(removed)
	if css != "" {
		s.closePending()
		writeEscaped(&s.out, css, false)
	}
}

func (s *sanitizer) closePending() {
	if s.pending {
		s.out.WriteByte('>')
		s.pending = false
	}
}

// attributes writes the attributes of element elem that the allowlist
// keeps, each once.
func (s *sanitizer) attributes(elem string, attrs []xml.Attr) {
	written := map[string]bool{}
	for _, a := range attrs {
		name, value, ok := s.attribute(elem, a)
		if !ok || written[name] {
			continue
		}
		written[name] = true
		s.out.WriteString(" " + name + `="`)
		writeEscaped(&s.out, value, true)
		s.out.WriteByte('"')
	}
}

// attribute decides on one attribute: the name and value to write, or
// false when it is dropped.
func (s *sanitizer) attribute(elem string, a xml.Attr) (name, value string, ok bool) {
	n := a.Name
	switch {
	case n.Space == "xmlns" || n.Space == "" && n.Local == "xmlns":
		return "", "", false // namespaces are declared afresh on the root
	case n.Space == "" || n.Space == xlinkNS && n.Local == "href":
		name = n.Local
		if n.Space == xlinkNS {
			name = "xlink:href"
		}
	case n.Space == xmlNS && (n.Local == "space" || n.Local == "lang"):
		return "xml:" + n.Local, a.Value, true
	default:
		s.removeUnknown(qualified(n) + " attributes")
		return "", "", false
	}
	switch {
	case n.Local == "href":
		if v, ok := hrefOK(elem, a.Value); ok {
			return name, v, true
		}
		s.remove("links to " + abbreviate(a.Value))
		return "", "", false
	case strings.HasPrefix(strings.ToLower(n.Local), "on"):
		s.remove("event handlers (" + n.Local + ")")
		return "", "", false
	case !attributes[n.Local]:
		s.removeUnknown(n.Local + " attributes")
		return "", "", false
	case n.Local == "style":
		css, removed := sanitizeDeclarations(a.Value)
		s.removeAll(removed)
		return name, css, css != ""
	case n.Local == "attributeName" && !targetOK(a.Value):
		s.remove("animations of " + abbreviate(a.Value))
		return "", "", false
	case !valueOK(a.Value):
		s.remove(n.Local + `="` + abbreviate(a.Value) + `"`)
		return "", "", false
	}
	return name, a.Value, true
}

// animationTarget tells which attribute an animation element changes and
// whether it may: an animation of href or of an event handler would add
// what the attribute filter removed.
func animationTarget(t xml.StartElement) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Space == "" && a.Name.Local == "attributeName" {
			return strings.Map(dropSpace, a.Value), targetOK(a.Value)
		}
	}
	return "", true // animateMotion moves; an animation without a target changes nothing
}

// targetOK tells whether an animation may change the attribute named.
func targetOK(name string) bool {
	name = strings.Map(dropSpace, name)
	return !strings.Contains(name, ":") && animationTargetOK(name)
}

// dataImage is an image in a data URL, in a format that runs nothing.
var dataImage = regexp.MustCompile(`^data:image/(?:png|jpeg|gif|webp)(?:;base64)?,`)

// hrefOK allows references within the document, and images in data URLs
// on the elements that draw images. Browsers ignore spaces and control
// characters in URLs, so they are removed before deciding.
func hrefOK(elem, v string) (string, bool) {
	v = strings.Map(dropSpace, v)
	if len(v) > 1 && v[0] == '#' {
		return v, true
	}
	if (elem == "image" || elem == "feImage") && dataImage.MatchString(strings.ToLower(v)) {
		return v, true
	}
	return "", false
}

// dropSpace removes the characters browsers skip inside URLs and scheme
// names: spaces and ASCII control characters.
func dropSpace(r rune) rune {
	if r <= ' ' || r == 0x7f {
		return -1
	}
	return r
}

func isSVG(n xml.Name) bool { return n.Space == svgNS || n.Space == "" }

// qualified names an element or attribute the way its tool wrote it,
// where the namespace is a well-known one.
func qualified(n xml.Name) string {
	if n.Space == "" || n.Space == svgNS {
		return n.Local
	}
	if p, ok := prefixes[n.Space]; ok {
		return p + ":" + n.Local
	}
	return n.Local + " (from " + abbreviate(n.Space) + ")"
}

func (s *sanitizer) remove(what string) {
	if !s.seen[what] {
		s.seen[what] = true
		s.removed = append(s.removed, what)
	}
}

// removeUnknown notes the removal of something merely not known.
func (s *sanitizer) removeUnknown(what string) {
	if !s.seen[what] {
		s.seen[what] = true
		s.unknown = append(s.unknown, what)
	}
}

// removeElement notes an element removed; only those that run or embed
// something are worth the author's attention first.
func (s *sanitizer) removeElement(n xml.Name) {
	what := "<" + qualified(n) + ">"
	if activeElements[n.Local] || !isSVG(n) && prefixes[n.Space] == "html" {
		s.remove(what)
	} else {
		s.removeUnknown(what)
	}
}

// activeElements are elements removed because they run or embed content.
var activeElements = set("script", "foreignObject", "iframe", "object", "embed", "handler", "listener", "style")

func (s *sanitizer) removeAll(what []string) {
	for _, w := range what {
		s.remove(w)
	}
}

// abbreviate keeps what the author is told short.
func abbreviate(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if r := []rune(v); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return v
}

// writeEscaped writes text or an attribute value so that the XML decoder
// gives it back unchanged: line breaks and tabs in attributes would be
// normalised to spaces, and a CR anywhere to a LF, unless escaped.
func writeEscaped(b *bytes.Buffer, s string, attr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r' || attr && (r == '\n' || r == '\t'):
			fmt.Fprintf(b, "&#x%X;", r)
		default:
			b.WriteRune(r)
		}
	}
}

// charsetReader reads the encodings besides UTF-8 that drawing tools
// declare; the output is UTF-8.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "us-ascii", "ascii":
		return r, nil
	case "iso-8859-1", "latin1", "latin-1":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		runes := make([]rune, len(b))
		for i, c := range b {
			runes[i] = rune(c)
		}
		return strings.NewReader(string(runes)), nil
	}
	return nil, fmt.Errorf("its encoding %s is not supported: save it as UTF-8", charset)
}
