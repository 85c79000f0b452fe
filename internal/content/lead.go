package content

import (
	"bytes"
)

// lead returns the Markdown to show where a post is listed: everything
// before <!--more--> (more is then true), or else the first paragraph.
// It scans the source rather than parsing it, so that loading thousands of
// posts stays cheap; the lead is rendered only when a list shows it.
func lead(body []byte) (src []byte, more bool) {
	if i := moreIndex(body); i >= 0 {
		return bytes.TrimSpace(body[:i]), true
	}
	return firstParagraph(body), false
}

// moreIndex finds Hugo's summary divider, <!--more--> (spaces inside the
// comment allowed). A plain search, because this runs for every post at
// load and a regular expression made it the slowest step.
func moreIndex(body []byte) int {
	for off := 0; ; {
		i := bytes.Index(body[off:], []byte("<!--"))
		if i < 0 {
			return -1
		}
		start := off + i
		end := bytes.Index(body[start:], []byte("-->"))
		if end < 0 {
			return -1
		}
		if string(bytes.TrimSpace(body[start+4:start+end])) == "more" {
			return start
		}
		off = start + end + 3
	}
}

// firstParagraph skips headings, fenced code, block quotes, lists of
// links, HTML and rules, and returns the first plain paragraph.
func firstParagraph(body []byte) []byte {
	var para [][]byte
	fence := ""
	rest := body
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		t := bytes.TrimSpace(line)
		if fence != "" {
			if bytes.HasPrefix(t, []byte(fence)) {
				fence = ""
			}
			continue
		}
		if len(para) > 0 {
			if len(t) == 0 {
				break
			}
			para = append(para, line)
			continue
		}
		switch {
		case len(t) == 0:
		case bytes.HasPrefix(t, []byte("```")), bytes.HasPrefix(t, []byte("~~~")):
			fence = string(t[:3])
		case t[0] == '#', t[0] == '>', t[0] == '<', t[0] == '|', t[0] == '!',
			bytes.HasPrefix(t, []byte("---")), bytes.HasPrefix(t, []byte("***")),
			bytes.HasPrefix(t, []byte("[^")):
		default:
			para = append(para, line)
		}
	}
	return bytes.TrimSpace(bytes.Join(para, []byte("\n")))
}
