package content

import (
	"bytes"
)

// lead returns the Markdown to show where a post is listed: everything
// before <!--more--> (more is then true), or else the first paragraph.
// It scans the source rather than parsing it, so that loading thousands of
// posts stays cheap; the lead is rendered only when a list shows it.
//
// The lead is a copy: a loader keeps leads and drops bodies, and a slice
// of the body would keep the whole file in memory.
func lead(body []byte) (src []byte, more bool) {
	if i := moreIndex(body); i >= 0 {
		return clone(bytes.TrimSpace(body[:i])), true
	}
	return clone(firstParagraph(body)), false
}

// moreIndex finds Hugo's summary divider, <!--more--> (spaces inside the
// comment allowed). A plain search, because this runs for every post at
// load and a regular expression made it the slowest step.
func moreIndex(body []byte) int {
	start, _ := moreSpan(body)
	return start
}

// moreSpan returns where the divider starts and ends, or -1, -1.
func moreSpan(body []byte) (start, end int) {
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte("<!--"))
		if i < 0 {
			return -1, -1
		}
		start := off + i
		inside := start + 4 // the end is looked for after "<!--": in "<!-->" they overlap
		end := bytes.Index(body[inside:], []byte("-->"))
		if end < 0 {
			return -1, -1
		}
		if string(bytes.TrimSpace(body[inside:inside+end])) == "more" {
			return start, inside + end + 3
		}
		off = inside + end + 3
	}
}

// withoutMore drops the summary divider: it marks where the lead ends and
// is not part of the text (left in, it would come out as an HTML comment
// saying raw HTML was omitted).
func withoutMore(src []byte) []byte {
	start, end := moreSpan(src)
	if start < 0 {
		return src
	}
	return append(append(make([]byte, 0, len(src)), src[:start]...), src[end:]...)
}

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// firstParagraph skips headings, fenced and indented code, block quotes,
// images, tables, HTML, rules and footnotes, and returns the first plain
// paragraph.
func firstParagraph(body []byte) []byte {
	var para [][]byte
	var fence []byte // the opening fence while inside fenced code
	rest := body
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		t := bytes.TrimSpace(line)
		switch {
		case fence != nil:
			if closesFence(t, fence) {
				fence = nil
			}
		case len(para) > 0:
			if len(t) == 0 || interruptsParagraph(t) {
				return bytes.TrimSpace(bytes.Join(para, []byte("\n")))
			}
			if isSetextUnderline(t) { // the paragraph was a heading
				para = nil
				continue
			}
			para = append(para, line)
		case len(t) == 0, skippedBlock(line, t):
		case opensFence(t) != nil:
			fence = opensFence(t)
		default:
			para = append(para, line)
		}
	}
	return bytes.TrimSpace(bytes.Join(para, []byte("\n")))
}

// opensFence returns the fence (``` or ~~~, three or more) that t opens.
func opensFence(t []byte) []byte {
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return nil
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return nil
	}
	return t[:n]
}

// closesFence: a closing fence is the same character, at least as long as
// the opening one, with nothing after it.
func closesFence(t, fence []byte) bool {
	f := opensFence(t)
	return f != nil && f[0] == fence[0] && len(f) >= len(fence) && len(f) == len(t)
}

// skippedBlock reports whether a line that starts a block starts one that
// is not a paragraph of text.
func skippedBlock(line, t []byte) bool {
	if indent(line) >= 4 { // indented code
		return true
	}
	switch t[0] {
	case '#', '>', '<', '|':
		return true
	}
	return bytes.HasPrefix(t, []byte("![")) || bytes.HasPrefix(t, []byte("[![")) ||
		bytes.HasPrefix(t, []byte("[^")) || isRule(t)
}

// interruptsParagraph: lines that end a paragraph without a blank line.
func interruptsParagraph(t []byte) bool {
	return t[0] == '#' || t[0] == '>' || opensFence(t) != nil || (isRule(t) && !isSetextUnderline(t))
}

func indent(line []byte) int {
	n := 0
	for _, c := range line {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

// isRule: three or more *, - or _ and nothing else but spaces.
func isRule(t []byte) bool {
	if t[0] != '*' && t[0] != '-' && t[0] != '_' {
		return false
	}
	n := 0
	for _, c := range t {
		switch c {
		case t[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// isSetextUnderline: a line of = or - under a paragraph makes it a heading.
func isSetextUnderline(t []byte) bool {
	if t[0] != '=' && t[0] != '-' {
		return false
	}
	return len(bytes.Trim(t, string(t[:1]))) == 0
}
