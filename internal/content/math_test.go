package content

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// mathMLCore is the element list of MathML Core, what Chromium draws.
var mathMLCore = map[string]bool{
	"annotation": true, "annotation-xml": true, "maction": true, "math": true, "merror": true,
	"mfrac": true, "mi": true, "mmultiscripts": true, "mn": true, "mo": true, "mover": true,
	"mpadded": true, "mphantom": true, "mprescripts": true, "mroot": true, "mrow": true, "ms": true,
	"mspace": true, "msqrt": true, "mstyle": true, "msub": true, "msubsup": true, "msup": true,
	"mtable": true, "mtd": true, "mtext": true, "mtr": true, "munder": true, "munderover": true,
	"semantics": true,
}

// checkMathML parses out as XML and returns the MathML elements it holds
// that MathML Core lacks; a malformed document fails the test.
func checkMathML(t *testing.T, out string) (names []string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, out)
		}
		if s, ok := tok.(xml.StartElement); ok {
			names = append(names, s.Name.Local)
			if !mathMLCore[s.Name.Local] {
				t.Errorf("<%s> is not MathML Core:\n%s", s.Name.Local, out)
			}
		}
	}
}

func TestLatexToMathML(t *testing.T) {
	tests := []struct {
		tex  string
		want []string // in the output, in order
	}{
		{`x^2 + y_1`, []string{"<msup><mi>x</mi><mn>2</mn></msup>", "<mo>+</mo>", "<msub><mi>y</mi><mn>1</mn></msub>"}},
		{`3.14`, []string{"<mn>3.14</mn>"}},
		{`\frac{a}{b}`, []string{"<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>"}},
		{`\sqrt[3]{x}`, []string{"<mroot><mrow><mi>x</mi></mrow><mrow><mn>3</mn></mrow></mroot>"}},
		{`\Gamma(\alpha)`, []string{`<mi mathvariant="normal">Γ</mi>`, "<mi>α</mi>"}},
		{`\lim_{x \to 0}`, []string{"<munder><mi>lim</mi><mrow><mi>x</mi><mo>→</mo><mn>0</mn></mrow></munder>"}},
		{`\prod_{k=1}^{n} k`, []string{"<munderover><mo>∏</mo>"}},
		{`a \cdot b \times c \leq d \geq e \neq f \approx g \equiv h`, []string{"⋅", "×", "≤", "≥", "≠", "≈", "≡"}},
		{`\Rightarrow \leftarrow`, []string{"<mo>⇒</mo>", "<mo>←</mo>"}},
		{`\left( \frac{1}{2} \right]`, []string{"<mrow><mo>(</mo><mfrac>", "</mfrac><mo>]</mo></mrow>"}},
		{`\mathbb{R} \mathrm{d}x \text{if } x`, []string{"ℝ", `<mi mathvariant="normal">d</mi>`, "<mtext>if </mtext>"}},
		{`\mathbf{v}`, []string{"\U0001D42F"}},
		{`\begin{pmatrix} a & b \\ c & d \end{pmatrix}`, []string{"<mo>(</mo><mtable", "<mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr>", "<mo>)</mo>"}},
		{`\begin{bmatrix} 1 \end{bmatrix}`, []string{"<mo>[</mo>", "<mo>]</mo>"}},
		{`\begin{matrix} 1 & 2 \end{matrix}`, []string{"<mtable"}},
		{`\begin{aligned} a &= b \\ &= c \end{aligned}`, []string{`class="math-aligned"`, "<mtd><mi>a</mi></mtd><mtd><mo>=</mo><mi>b</mi></mtd>"}},
		{`\hat{x} \bar{y} \vec{v} \tilde{n}`, []string{`<mover accent="true"><mrow><mi>x</mi></mrow><mo>^</mo></mover>`, "¯", "→", "~"}},
		{`1, \dots, n`, []string{"<mo>…</mo>"}},
		{`\infty`, []string{"<mi>∞</mi>"}},
		{`a < b & c`, []string{"<mo>&lt;</mo>", "<mo>&amp;</mo>"}},
	}
	for _, tt := range tests {
		out, unknown := latexToMathML(tt.tex, false)
		checkMathML(t, out)
		if len(unknown) > 0 {
			t.Errorf("%s: unknown %v", tt.tex, unknown)
		}
		rest := out
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("%s: %q missing (or out of order) in\n%s", tt.tex, w, out)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

// Whatever the source, the output is well-formed MathML Core: a broken
// formula must not break the page around it.
func TestLatexToMathMLMalformed(t *testing.T) {
	for _, tex := range []string{`}`, `{`, `x^`, `\frac{1}`, `\sqrt[`, `\left(`, `\begin{pmatrix} a &`, `\end{x}`, `\`, `a_{b`, `\text{`, `\begin{weird} a \end{weird}`} {
		out, _ := latexToMathML(tex, true)
		checkMathML(t, out)
	}
}

func TestMathUnknownReported(t *testing.T) {
	var got []Problem
	md := NewMarkdown(MarkdownOptions{Math: true})
	out, err := md.Render([]byte("Text.\n\nThen $\\foo + \\bar{x}$ and\n\n```math\n\\baz\n```\n"), RenderOptions{Report: func(p Problem) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `<merror><mtext>\foo</mtext></merror>`) {
		t.Errorf("unknown command not kept: %s", out)
	}
	if len(got) != 2 || got[0].Line != 3 || !strings.Contains(got[0].Message, `\foo`) || got[1].Line != 6 || !strings.Contains(got[1].Message, `\baz`) {
		t.Errorf("problems %+v", got)
	}
}

// Without Math, dollars and \( are text, as in Hugo without passthrough.
func TestMathOff(t *testing.T) {
	out, err := NewMarkdown(MarkdownOptions{}).Render([]byte(`$x^2$ costs \(1\)`), RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "<math") {
		t.Errorf("math drawn without Math: %s", out)
	}
}

// The formulas of the golden file are well-formed MathML Core too.
func TestGoldenMathIsCore(t *testing.T) {
	page := string(readFixture(t, "markdown/math.html"))
	n := 0
	for {
		start := strings.Index(page, "<math")
		if start < 0 {
			break
		}
		end := strings.Index(page[start:], "</math>") + start + len("</math>")
		checkMathML(t, page[start:end])
		page = page[end:]
		n++
	}
	if n != 6 {
		t.Errorf("%d formulas, want 6", n)
	}
}

// FuzzLatexToMathML: no formula, however broken, yields anything but
// well-formed MathML Core.
func FuzzLatexToMathML(f *testing.F) {
	for _, s := range []string{`\frac{a}{b}`, `\begin{pmatrix} a & b \\ c \end{pmatrix}`, `\left( x \right`, `x_{i}^{2}'`, `\sqrt[n]{\mathbb{R}}`, `\text{a}<b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tex string) {
		out, _ := latexToMathML(tex, true)
		if !utf8.ValidString(tex) {
			return // XML cannot hold it either way
		}
		checkMathML(t, out)
	})
}

// A formula nested beyond reason is cut short, in time linear in its
// length, and reported.
func TestLatexToMathMLDeep(t *testing.T) {
	for _, tex := range []string{strings.Repeat("{", 200000), strings.Repeat(`\frac`, 100000), strings.Repeat(`\sqrt[`, 100000)} {
		start := time.Now()
		out, unknown := latexToMathML(tex, false)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%.10s…: %v", tex, took)
		}
		if len(unknown) == 0 || !strings.Contains(out, "<merror>") {
			t.Errorf("%.10s…: not reported", tex)
		}
	}
}
