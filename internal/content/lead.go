package content

import (
	"bytes"
	"regexp"
)

// moreRE is Hugo's summary divider.
var moreRE = regexp.MustCompile(`(?m)^[ \t]*<!--\s*more\s*-->[ \t]*\r?$`)

// lead returns the Markdown to show where a post is listed: everything
// before <!--more--> (more is then true), or else the first paragraph.
// It scans the source rather than parsing it, so that loading thousands of
// posts stays cheap; the lead is rendered only when a list shows it.
func lead(body []byte) (src []byte, more bool) {
	if loc := moreRE.FindIndex(body); loc != nil {
		return bytes.TrimSpace(body[:loc[0]]), true
	}
	return firstParagraph(body), false
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
