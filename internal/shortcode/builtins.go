package shortcode

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"
	"strings"

	"rsc.io/qr"

	"github.com/grailblog/grail/internal/content"
)

//go:embed builtin/*.html
var builtinFS embed.FS

// builtinTemplates are Hugo's built-in shortcodes that are templates:
// figure, details, and link cards for embeds (youtube, vimeo, gist, x,
// tweet, instagram), which make no request to a third party. A site's
// file of the same name replaces one.
var builtinTemplates = func() map[string]string {
	files, _ := fs.Glob(builtinFS, "builtin/*.html")
	out := map[string]string{}
	for _, f := range files {
		b, _ := builtinFS.ReadFile(f)
		out[strings.TrimSuffix(strings.TrimPrefix(f, "builtin/"), ".html")] = string(b)
	}
	return out
}()

// builtinFuncs are the built-in shortcodes written in Go.
var builtinFuncs = map[string]func(*Context) ([]byte, error){
	"highlight": highlight,
	"ref":       func(c *Context) ([]byte, error) { return ref(c, true) },
	"relref":    func(c *Context) ([]byte, error) { return ref(c, false) },
	"param":     param,
	"qr":        qrCode,
}

// contentInline renders Markdown given to shortcodes: no "#" anchors,
// which belong to the page's own headings.
var contentInline = content.RenderOptions{NoAnchors: true}

// highlight renders {{< highlight go "linenos=table,hl_lines=2 4-5" >}}.
func highlight(c *Context) ([]byte, error) {
	lang := c.Get(0)
	o, err := highlightOptions(c.Get(1))
	if err != nil {
		return nil, err
	}
	code := strings.TrimPrefix(string(c.Inner), "\n")
	return content.Highlight(code, lang, o)
}

// highlightOptions reads Hugo's "linenos=table,hl_lines=2 4-5,linenostart=10".
func highlightOptions(s string) (content.HighlightOptions, error) {
	var o content.HighlightOptions
	for opt := range strings.SplitSeq(s, ",") {
		key, val, _ := strings.Cut(strings.TrimSpace(opt), "=")
		switch strings.ToLower(key) {
		case "":
		case "linenos":
			o.LineNumbers = val != "false"
			o.LineNumbersTable = val == "table"
		case "linenostart":
			n, err := strconv.Atoi(val)
			if err != nil {
				return o, fmt.Errorf("linenostart %q is not a number", val)
			}
			o.LineNumberStart = n
		case "hl_lines":
			lines, err := lineRanges(val)
			if err != nil {
				return o, err
			}
			o.HighlightLines = lines
		case "style", "noclasses", "anchorlinenos", "lineanchors", "hl_inline", "guesssyntax", "tabwidth", "codefences", "linenumbersintable":
			// Colours come from the theme; the rest changes nothing here.
		default:
			return o, fmt.Errorf("unknown option %q", key)
		}
	}
	return o, nil
}

// lineRanges reads "2 4-5" or "[2,4]".
func lineRanges(s string) ([][2]int, error) {
	var out [][2]int
	for f := range strings.FieldsFuncSeq(strings.Trim(s, "[]"), func(r rune) bool { return r == ' ' || r == ',' }) {
		from, to, isRange := strings.Cut(f, "-")
		a, err := strconv.Atoi(from)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(to)
		}
		if err != nil {
			return nil, fmt.Errorf("hl_lines %q is not a list of lines", s)
		}
		out = append(out, [2]int{a, b})
	}
	return out, nil
}

// ref renders the URL of another document, absolute for ref. A target
// that names no document is a problem.
func ref(c *Context, absolute bool) ([]byte, error) {
	target := c.Get("path")
	if target == "" {
		target = c.Get(0)
	}
	if target == "" {
		return nil, errors.New("no path given")
	}
	path, anchor, _ := strings.Cut(target, "#")
	var perma, rel string
	if path != "" {
		ok := false
		if c.Page.Refs != nil {
			perma, rel, ok = c.Page.Refs.Ref(path)
		}
		if !ok {
			return nil, fmt.Errorf("no document %q", path)
		}
	}
	u := rel
	if absolute {
		u = perma
	}
	if anchor != "" {
		u += "#" + anchor
	}
	// Markdown escapes it (see urlOutput).
	return []byte(u), nil
}

// param renders a parameter of the page's front matter, else of the
// site's ("a.b" goes down into tables).
func param(c *Context) ([]byte, error) {
	key := c.Get(0)
	if key == "" {
		return nil, errors.New("no parameter named")
	}
	v := field(c.Page.Params(), key)
	if v == nil {
		v = field(c.Site.Params, key)
	}
	if v == nil {
		return nil, fmt.Errorf("no page or site parameter %q", key)
	}
	return []byte(template.HTMLEscapeString(toString(v))), nil
}

// qrCode renders {{< qr text="…" >}} (or the inner text) as an inline SVG,
// so that the page needs no image from elsewhere.
func qrCode(c *Context) ([]byte, error) {
	text := c.Get("text")
	if text == "" {
		text = strings.TrimSpace(string(c.Inner))
	}
	if text == "" {
		return nil, errors.New("no text to encode")
	}
	level := map[string]qr.Level{"low": qr.L, "medium": qr.M, "quartile": qr.Q, "high": qr.H}[c.Get("level")]
	if c.Get("level") == "" {
		level = qr.M
	}
	code, err := qr.Encode(text, level)
	if err != nil {
		return nil, err
	}
	alt := c.Get("alt")
	if alt == "" {
		alt = "QR code of " + text
	}
	return qrSVG(code, alt, c.Get("class")), nil
}

// qrSVG draws the code's dark modules as one path, with the quiet zone
// of four modules that scanners need.
func qrSVG(code *qr.Code, alt, class string) []byte {
	const quiet = 4
	n := code.Size + 2*quiet
	var d strings.Builder
	for y := range code.Size {
		for x := range code.Size {
			if code.Black(x, y) {
				fmt.Fprintf(&d, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	cls := "qr"
	if class != "" {
		cls += " " + class
	}
	return fmt.Appendf(nil, `<svg class="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		template.HTMLEscapeString(cls), n, n, template.HTMLEscapeString(alt), n, n, d.String())
}
