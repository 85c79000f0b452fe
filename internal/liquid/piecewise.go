package liquid

import (
	"bytes"
	"regexp"
)

// blockTags are the tags that have an end tag: in a body that does not
// render as a whole, each is expanded with everything up to its end.
var blockTags = map[string]bool{
	"raw": true, "highlight": true, "comment": true, "capture": true,
	"if": true, "unless": true, "for": true, "case": true, "tablerow": true,
}

var tagNameRE = regexp.MustCompile(`^\{%-?\s*(\w+)`)

// piecewise expands the tags and outputs of src one by one. One that
// fails is a problem and is dropped (a block keeps its inner text,
// expanded the same way); the text between them is kept.
func (ex *expansion) piecewise(src []byte) []byte {
	return ex.piecewiseFrom(src, ex.page.Line)
}

func (ex *expansion) piecewiseFrom(src []byte, line int) []byte {
	var out bytes.Buffer
	for len(src) > 0 {
		i := openIndex(src)
		if i < 0 {
			out.Write(src)
			break
		}
		out.Write(src[:i])
		line += bytes.Count(src[:i], []byte("\n"))
		src = src[i:]
		n := closeIndex(src)
		if n < 0 {
			ex.problem(line, "Liquid: %s is not closed", src[:2])
			src = src[2:]
			continue
		}
		whole, inner, innerLine := src[:n], []byte(nil), line
		if m := tagNameRE.FindSubmatch(whole); m != nil && blockTags[string(m[1])] {
			end := endTagRE(string(m[1])).FindIndex(src[n:])
			if end == nil {
				ex.problem(line, "Liquid: {%% %s %%} has no {%% end%s %%}", m[1], m[1])
				line += bytes.Count(whole, []byte("\n"))
				src = src[n:]
				continue
			}
			inner, innerLine = src[n:n+end[0]], line+bytes.Count(whole, []byte("\n"))
			whole = src[:n+end[1]]
		}
		if rendered, err := ex.render(whole, line); err != nil {
			ex.sourceProblem(err, line)
			if inner != nil {
				out.Write(ex.piecewiseFrom(inner, innerLine))
			}
		} else {
			out.Write(rendered)
		}
		line += bytes.Count(whole, []byte("\n"))
		src = src[len(whole):]
	}
	return out.Bytes()
}

// openIndex is where the first tag or output of src starts, or -1.
func openIndex(src []byte) int {
	a, b := bytes.Index(src, []byte("{%")), bytes.Index(src, []byte("{{"))
	if a < 0 || b >= 0 && b < a {
		return b
	}
	return a
}

// closeIndex is the end of the tag or output src starts with, or -1.
func closeIndex(src []byte) int {
	closer := []byte("%}")
	if src[1] == '{' {
		closer = []byte("}}")
	}
	i := bytes.Index(src[2:], closer)
	if i < 0 {
		return -1
	}
	return i + 4
}

var endTagREs = map[string]*regexp.Regexp{}

func init() {
	for name := range blockTags {
		endTagREs[name] = regexp.MustCompile(`\{%-?\s*end` + name + `\s*-?%\}`)
	}
}

func endTagRE(name string) *regexp.Regexp { return endTagREs[name] }
