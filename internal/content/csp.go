package content

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// CSPFindings lists the raw HTML in a body that the pages'
// Content-Security-Policy will block, one warning per tag or attribute:
// pages run no script, take no inline style and load nothing from another
// origin, so a post moved from a site that allowed these shows them
// broken. Only raw HTML is read (not code that shows HTML), and only when
// the site keeps raw HTML. origin is the site's own (https://example.org,
// or ""): absolute URLs on it are not third-party. file and bodyLine place
// the findings in the source file.
func CSPFindings(file string, bodyLine int, body []byte, md MarkdownOptions, origin string) []Problem {
	if !md.Unsafe || !bytes.Contains(body, []byte("<")) {
		return nil
	}
	doc := cspParser().Parse(text.NewReader(body))
	f := cspFinder{file: file, bodyLine: bodyLine, body: body, origin: strings.TrimRight(origin, "/")}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			f.scanLines(n.Lines())
			if n.HasClosure() {
				f.scan(n.ClosureLine)
			}
		case *ast.RawHTML:
			f.scanLines(n.Segments)
		}
		return ast.WalkContinue, nil
	})
	return f.found
}

// Findings lists what in a body will not reach readers as written: raw
// HTML the Content-Security-Policy blocks, formulas with commands that
// cannot be drawn, render hooks that fail. All are warnings. file and
// bodyLine place them in the source file; origin is the site's own; page
// is what render hooks see as .Page.
func (m *Markdown) Findings(file string, bodyLine int, body []byte, origin string, page HookPage) []Problem {
	found := CSPFindings(file, bodyLine, body, m.opts, origin)
	if !m.mayReport(body) {
		return found
	}
	_, err := m.Render(body, RenderOptions{Page: page, Report: func(p Problem) {
		if p.File == "" {
			p.File, p.Line = file, bodyLine+p.Line-1
		} else { // a render hook's own file
			p.Message += " (rendering " + file + ")"
		}
		found = append(found, p)
	}})
	if err != nil {
		found = append(found, Problem{File: file, Line: bodyLine, Message: "cannot be rendered: " + err.Error()})
	}
	return found
}

// mayReport tells whether rendering a body can report anything, so that
// the common post is not rendered for nothing.
func (m *Markdown) mayReport(body []byte) bool {
	return m.opts.Math || m.hasHooks() || mathFence.Match(body)
}

// mathFence finds a ```math or ```katex block.
var mathFence = regexp.MustCompile("(?im)^[ \t]*(```+|~~~+)[ \t]*(math|katex)[ \t]*$")

// cspParser finds raw HTML as the renderer does; which extensions are on
// changes nothing about where raw HTML is. It is made on first use: most
// programs that link this package never check a site.
var cspParser = sync.OnceValue(func() parser.Parser { return NewMarkdown(MarkdownOptions{Unsafe: true}).md.Parser() })

type cspFinder struct {
	file     string
	bodyLine int
	body     []byte
	origin   string
	found    []Problem
}

var (
	htmlTag  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+))?)*)\s*/?>`)
	htmlAttr = regexp.MustCompile(`([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>` + "`" + `]+)))?`)
)

func (f *cspFinder) scanLines(segs *text.Segments) {
	for i := range segs.Len() {
		f.scan(segs.At(i))
	}
}

func (f *cspFinder) scan(seg text.Segment) {
	src := seg.Value(f.body)
	for _, m := range htmlTag.FindAllSubmatchIndex(src, -1) {
		line := f.bodyLine + bytes.Count(f.body[:seg.Start+m[0]], []byte("\n"))
		f.tag(line, strings.ToLower(string(src[m[2]:m[3]])), src[m[4]:m[5]])
	}
}

// tag reports what in one opening tag the policy blocks.
func (f *cspFinder) tag(line int, name string, attrs []byte) {
	switch name {
	case "script":
		f.report(line, "<script> does not run: the pages' Content-Security-Policy allows no script")
	case "style":
		f.report(line, "<style> is ignored: the Content-Security-Policy allows only the theme's style sheets")
	case "iframe", "frame", "object", "embed":
		f.report(line, "<"+name+"> stays empty: the Content-Security-Policy allows no embedded frames or plugins")
	case "base":
		f.report(line, "<base> is ignored: the Content-Security-Policy allows no base URL")
	}
	for _, a := range htmlAttr.FindAllSubmatch(attrs, -1) {
		key := strings.ToLower(string(a[1]))
		val := strings.TrimSpace(string(bytes.Join(a[2:], nil)))
		switch {
		case strings.HasPrefix(key, "on"):
			f.report(line, "<"+name+" "+key+"=…> does not run: the Content-Security-Policy allows no script")
		case key == "style":
			f.report(line, "<"+name+" style=…> is ignored: the Content-Security-Policy allows no inline styles; use a class")
		case (key == "href" || key == "src" || key == "action") && strings.HasPrefix(strings.ToLower(val), "javascript:"):
			f.report(line, "<"+name+" "+key+"=\"javascript:…\"> does not run: the Content-Security-Policy allows no script")
		case name == "link" && key == "href" && f.thirdParty(val):
			f.report(line, "<link href=\""+val+"\"> is not loaded: the Content-Security-Policy allows files from this site only")
		case name == "form" && key == "action" && f.thirdParty(val):
			f.report(line, "<form action=\""+val+"\"> cannot be sent: the Content-Security-Policy allows forms to this site only")
		case (key == "src" || key == "srcset" || key == "poster") && f.thirdParty(val):
			if name == "img" || name == "video" || name == "audio" || name == "source" || name == "track" || name == "input" {
				f.report(line, "<"+name+" "+key+"=\""+val+"\"> is not loaded: the Content-Security-Policy allows files from this site only; copy it into the site")
			}
		}
	}
}

// thirdParty reports whether a URL (or any URL of a srcset) points to
// another origin.
func (f *cspFinder) thirdParty(val string) bool {
	for cand := range strings.SplitSeq(val, ",") {
		fields := strings.Fields(cand)
		if len(fields) == 0 {
			continue
		}
		u, err := url.Parse(fields[0])
		if err != nil || (u.Host == "" && u.Scheme == "") || u.Scheme == "data" {
			continue
		}
		if f.origin == "" || !strings.EqualFold(u.Scheme+"://"+u.Host, f.origin) {
			return true
		}
	}
	return false
}

func (f *cspFinder) report(line int, msg string) {
	f.found = append(f.found, Problem{File: f.file, Line: line, Message: msg, Warning: true})
}
