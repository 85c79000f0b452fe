package content

import (
	"bytes"
	"html"
	"strings"

	"github.com/gohugoio/hugo-goldmark-extensions/passthrough"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Mathematics is drawn as MathML on the server: pages run no script and
// load nothing from another origin, so KaTeX or MathJax cannot run there.

// mathDelimiters are those Hugo's documentation sets up for mathematics:
// \( \) and $ $ inline, \[ \] and $$ $$ on a line of their own.
var mathDelimiters = passthrough.Config{
	InlineDelimiters: []passthrough.Delimiters{{Open: `\(`, Close: `\)`}, {Open: "$", Close: "$"}},
	BlockDelimiters:  []passthrough.Delimiters{{Open: `\[`, Close: `\]`}, {Open: "$$", Close: "$$"}},
}

// mathExtension finds the delimiters (Hugo's own passthrough extension,
// so that what counts as mathematics is what Hugo sees) and draws what
// they hold as MathML.
func mathExtension() goldmark.Extender { return mathExt{} }

type mathExt struct{}

func (mathExt) Extend(m goldmark.Markdown) {
	passthrough.New(mathDelimiters).Extend(m)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mathRenderer{}, 50)))
}

type mathRenderer struct{}

func (mathRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(passthrough.KindPassthroughInline, renderInlineMath)
	reg.Register(passthrough.KindPassthroughBlock, renderBlockMath)
}

func renderInlineMath(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	m := n.(*passthrough.PassthroughInline)
	raw := m.Segment.Value(src)
	tex := raw[len(m.Delimiters.Open) : len(raw)-len(m.Delimiters.Close)]
	// "$5 or $10" is money, not mathematics: as in Pandoc, $ must hug
	// what it holds.
	if len(tex) == 0 || m.Delimiters.Open == "$" && (isSpace(tex[0]) || isSpace(tex[len(tex)-1])) {
		_, _ = w.WriteString(html.EscapeString(string(raw)))
		return ast.WalkContinue, nil
	}
	writeMath(w, n, src, m.Segment.Start, string(tex), m.Delimiters.Open == "$$" || m.Delimiters.Open == `\[`)
	return ast.WalkContinue, nil
}

func renderBlockMath(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	m := n.(*passthrough.PassthroughBlock)
	var raw []byte
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		raw = append(raw, seg.Value(src)...)
	}
	raw = bytes.TrimSpace(raw)
	tex := bytes.TrimSuffix(bytes.TrimPrefix(raw, []byte(m.Delimiters.Open)), []byte(m.Delimiters.Close))
	writeMath(w, n, src, firstLineStart(n), string(tex), true)
	_ = w.WriteByte('\n')
	return ast.WalkSkipChildren, nil
}

// firstLineStart is where a block's text starts in the source.
func firstLineStart(n ast.Node) int {
	if n.Lines().Len() == 0 {
		return 0
	}
	return n.Lines().At(0).Start
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// writeMath writes one formula and reports the commands it did not know.
func writeMath(w util.BufWriter, n ast.Node, src []byte, offset int, tex string, display bool) {
	out, unknown := latexToMathML(tex, display)
	_, _ = w.WriteString(out)
	if len(unknown) > 0 {
		report(n, src, offset, "the formula uses "+strings.Join(unknown, ", ")+
			", which grail cannot draw yet; it is shown as written")
	}
}

// renderState is what renderer functions need of the Render call they
// serve; it travels in the document's metadata.
type renderState struct {
	report func(Problem)
	page   HookPage
}

const renderStateMeta = "grail-render-state"

// report tells the caller of Render about a problem at byte offset of
// the body, if it asked to hear of them.
func report(n ast.Node, src []byte, offset int, msg string) {
	st := stateOf(n)
	if st == nil || st.report == nil {
		return
	}
	offset = min(max(offset, 0), len(src))
	st.report(Problem{Line: 1 + bytes.Count(src[:offset], []byte("\n")), Message: msg, Warning: true})
}
