package content

import (
	"bytes"
	"html"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// codeRenderer renders code blocks: fenced code in a language chroma
// knows is highlighted with CSS classes (the theme carries the colours);
// other code is escaped as it is. Every block is a <pre> that keyboard
// users can focus, because a long line makes it scroll sideways.
//
// goldmark-highlighting does the first half of this, but it builds a new
// formatter for every block (recomputing a style sheet each time, a tenth
// of the work of rendering a post), needs chroma's style registry (parsed
// at start-up), and writes code without a language differently.
type codeRenderer struct{}

var (
	codeFormatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix("hl-"), chromahtml.WithPreWrapper(focusablePre{}))
	// codeStyle is never shown (classes carry the colours), but the
	// formatter needs one.
	codeStyle = chroma.MustNewStyle("grail", chroma.StyleEntries{chroma.Background: ""})
)

func (codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderCode)
	reg.Register(ast.KindCodeBlock, renderCode)
}

func renderCode(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	var lang string
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		lang = string(f.Language(source))
	}
	var code bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	if isMathLanguage(lang) {
		writeMath(w, n, source, firstLineStart(n), code.String(), true)
		_ = w.WriteByte('\n')
		return ast.WalkSkipChildren, nil
	}
	if lexer := lexers.Get(lang); lang != "" && lexer != nil {
		it, err := chroma.Coalesce(lexer).Tokenise(nil, code.String())
		if err == nil {
			return ast.WalkSkipChildren, codeFormatter.Format(w, codeStyle, it)
		}
	}
	w.WriteString(`<pre tabindex="0"><code`)
	if lang != "" {
		w.WriteString(` class="language-` + html.EscapeString(strings.ToLower(lang)) + `"`)
	}
	w.WriteString(">")
	w.WriteString(html.EscapeString(code.String()))
	w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// isMathLanguage reports whether a fenced block holds a formula, as
// GitHub and KaTeX users mark them.
func isMathLanguage(lang string) bool {
	return len(lang) > 0 && (strings.EqualFold(lang, "math") || strings.EqualFold(lang, "katex"))
}

// focusablePre wraps highlighted code in a <pre> that keyboard users can
// reach: a region that scrolls must be focusable to be scrolled without
// a mouse.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return `<pre tabindex="0"` + styleAttr + `><code>`
	}
	return `<pre tabindex="0"` + styleAttr + `>`
}

func (focusablePre) End(code bool) string {
	if code {
		return `</code></pre>`
	}
	return `</pre>`
}
