package svgsafe

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// violation re-reads a sanitised drawing independently of the sanitiser's
// own bookkeeping and names the first thing in it the allowlist does not
// allow, or returns "" when there is none.
func violation(out []byte) string {
	d := xml.NewDecoder(bytes.NewReader(out))
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			return "output does not parse: " + err.Error()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if v := elementViolation(t); v != "" {
				return v
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == "style" {
				if v := sheetViolation(string(t)); v != "" {
					return v
				}
			}
		case xml.ProcInst, xml.Directive, xml.Comment:
			return fmt.Sprintf("output holds %T %q", t, t)
		}
	}
}

func elementViolation(t xml.StartElement) string {
	if t.Name.Space != svgNS || !elements[t.Name.Local] {
		return fmt.Sprintf("element %v", t.Name)
	}
	for _, a := range t.Attr {
		n, v := a.Name, a.Value
		lower := strings.ToLower(strings.Map(dropSpace, v))
		switch {
		case n.Space == "xmlns" || n.Space == "" && n.Local == "xmlns":
		case n.Local == "href" && (n.Space == "" || n.Space == xlinkNS):
			if !strings.HasPrefix(lower, "#") && !dataImage.MatchString(lower) {
				return fmt.Sprintf("<%s %s=%q>", t.Name.Local, n.Local, v)
			}
		case n.Space == xmlNS:
		case n.Space != "" || !attributes[n.Local] || strings.HasPrefix(strings.ToLower(n.Local), "on"):
			return fmt.Sprintf("attribute %v on <%s>", n, t.Name.Local)
		case strings.Contains(lower, "javascript:") || strings.Contains(lower, "url(") && !strings.Contains(lower, "url(#") && !strings.Contains(lower, "url('#") && !strings.Contains(lower, `url("#`):
			return fmt.Sprintf("%s=%q", n.Local, v)
		case n.Local == "attributeName" && (!animationTargetOK(strings.Map(dropSpace, v)) || strings.Contains(v, ":")):
			return fmt.Sprintf("animation of %q", v)
		}
	}
	return ""
}

func sheetViolation(css string) string {
	lower := strings.ToLower(css)
	for _, bad := range []string{"@", `\`, "expression", "javascript:"} {
		if strings.Contains(lower, bad) {
			return fmt.Sprintf("style sheet %q holds %q", css, bad)
		}
	}
	return ""
}
