package content

import (
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// latexToMathML converts the LaTeX that blogs write into MathML Core,
// which browsers draw without any script. It is written here because no
// Go library for it can be had, and the subset posts use (fractions,
// roots, scripts, Greek, big operators, matrices, cases, aligned
// equations, fonts, accents) is small. A command it does not know is kept
// as its source inside <merror> and named in unknown, so that grail check
// can report it.
func latexToMathML(src string, display bool) (out string, unknown []string) {
	src = strings.Map(dropControl, src)
	c := &latexConv{src: src}
	var b strings.Builder
	if display {
		b.WriteString(`<math display="block">`)
	} else {
		b.WriteString(`<math>`)
	}
	b.WriteString(`<semantics><mrow>`)
	for {
		b.WriteString(c.list(""))
		if c.next() != "}" {
			break
		}
		c.unknown = append(c.unknown, "}")
		b.WriteString("<merror><mtext>}</mtext></merror>") // one too many
	}
	b.WriteString(`</mrow><annotation encoding="application/x-tex">`)
	b.WriteString(html.EscapeString(strings.TrimSpace(src)))
	b.WriteString(`</annotation></semantics></math>`)
	return b.String(), c.unknown
}

// dropControl leaves out the characters a page may not hold.
func dropControl(r rune) rune {
	if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
		return -1
	}
	return r
}

type latexConv struct {
	src     string
	pos     int
	depth   int // of atoms within atoms
	unknown []string
}

// maxMathDepth is deeper than any formula a person writes.
const maxMathDepth = 50

// token kinds: a command (\frac, \,), or one character.
func (c *latexConv) peek() string {
	c.skipSpace()
	if c.pos >= len(c.src) {
		return ""
	}
	if c.src[c.pos] != '\\' {
		_, n := utf8.DecodeRuneInString(c.src[c.pos:])
		return c.src[c.pos : c.pos+n]
	}
	end := c.pos + 1
	for end < len(c.src) && isASCIILetter(c.src[end]) {
		end++
	}
	if end == c.pos+1 && end < len(c.src) {
		_, n := utf8.DecodeRuneInString(c.src[end:])
		end += n // \, \{ \\ and the like
	}
	return c.src[c.pos:end]
}

func (c *latexConv) next() string {
	t := c.peek()
	c.pos += len(t)
	return t
}

func (c *latexConv) skipSpace() {
	for c.pos < len(c.src) && (c.src[c.pos] == ' ' || c.src[c.pos] == '\t' || c.src[c.pos] == '\n' || c.src[c.pos] == '\r') {
		c.pos++
	}
}

func isASCIILetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// list converts atoms until the end, a closing brace, or one of the
// tokens in stop (separated by spaces), which it leaves unread.
func (c *latexConv) list(stop string) string {
	var b strings.Builder
	for {
		t := c.peek()
		if t == "" || t == "}" || (stop != "" && strings.Contains(" "+stop+" ", " "+t+" ")) {
			return b.String()
		}
		b.WriteString(c.scripted())
	}
}

// scripted is one atom with its sub- and superscripts.
func (c *latexConv) scripted() string {
	t := c.peek()
	limits := bigOps[t] != "" && t != `\int` && t != `\iint` && t != `\iiint` && t != `\oint` || limitFuncs[t]
	base := c.atom()
	var sub string
	var sups []string
	for {
		switch c.peek() {
		case "_":
			c.next()
			sub = c.arg()
			continue
		case "^":
			c.next()
			sups = append(sups, c.arg())
			continue
		case "'":
			c.next()
			sups = append(sups, "<mo>′</mo>")
			continue
		}
		break
	}
	sup := strings.Join(sups, "")
	if len(sups) > 1 {
		sup = "<mrow>" + sup + "</mrow>"
	}
	switch {
	case sub == "" && sup == "":
		return base
	case limits && sup == "":
		return "<munder>" + base + sub + "</munder>"
	case limits && sub == "":
		return "<mover>" + base + sup + "</mover>"
	case limits:
		return "<munderover>" + base + sub + sup + "</munderover>"
	case sup == "":
		return "<msub>" + base + sub + "</msub>"
	case sub == "":
		return "<msup>" + base + sup + "</msup>"
	}
	return "<msubsup>" + base + sub + sup + "</msubsup>"
}

// arg is a command's argument or a script: a {group} or one atom, as one
// MathML element.
func (c *latexConv) arg() string {
	if c.peek() == "{" {
		c.next()
		inner := c.list("")
		c.next() // }
		return "<mrow>" + inner + "</mrow>"
	}
	if t := c.peek(); t == "" || t == "}" {
		return "<mrow></mrow>"
	}
	return c.atom()
}

// rawArg is a {group}'s source, unconverted (for \text, \begin).
func (c *latexConv) rawArg() string {
	if c.peek() != "{" {
		return c.next()
	}
	c.next()
	start, depth := c.pos, 0
	for ; c.pos < len(c.src); c.pos++ {
		switch c.src[c.pos] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				s := c.src[start:c.pos]
				c.pos++
				return s
			}
			depth--
		case '\\':
			c.pos++
		}
	}
	return c.src[start:]
}

// optArg is an optional [argument], or "".
func (c *latexConv) optArg() string {
	if c.peek() != "[" {
		return ""
	}
	c.next()
	inner := c.list("]")
	c.next()
	return "<mrow>" + inner + "</mrow>"
}

func (c *latexConv) atom() string {
	// Each level copies what it holds: a bound keeps a hostile formula
	// from costing time quadratic in its length.
	if c.depth >= maxMathDepth {
		c.pos = len(c.src)
		c.unknown = append(c.unknown, "nesting deeper than "+strconv.Itoa(maxMathDepth)+" levels")
		return "<merror><mtext>…</mtext></merror>"
	}
	c.depth++
	defer func() { c.depth-- }()
	t := c.next()
	switch {
	case t == "{":
		inner := c.list("")
		c.next()
		return "<mrow>" + inner + "</mrow>"
	case t[0] >= '0' && t[0] <= '9':
		num := t
		for p := c.src[c.pos:]; len(p) > 0 && (p[0] >= '0' && p[0] <= '9' || p[0] == '.' && len(p) > 1 && p[1] >= '0' && p[1] <= '9'); p = p[1:] {
			num += p[:1]
			c.pos++
		}
		return "<mn>" + num + "</mn>"
	case t[0] != '\\':
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsLetter(r) {
			return "<mi>" + html.EscapeString(t) + "</mi>"
		}
		if t == "-" {
			t = "−"
		}
		return "<mo>" + html.EscapeString(t) + "</mo>"
	}
	return c.command(t)
}

func (c *latexConv) command(t string) string {
	if s, ok := greek[t]; ok {
		if unicode.IsUpper([]rune(s)[0]) {
			return `<mi mathvariant="normal">` + s + "</mi>"
		}
		return "<mi>" + s + "</mi>"
	}
	if s, ok := symbols[t]; ok {
		return "<mo>" + s + "</mo>"
	}
	if s, ok := ordinals[t]; ok {
		return "<mi>" + s + "</mi>"
	}
	if s, ok := bigOps[t]; ok {
		return "<mo>" + s + "</mo>"
	}
	if funcNames[t] || limitFuncs[t] {
		return "<mi>" + t[1:] + "</mi>"
	}
	if s, ok := spaces[t]; ok {
		return `<mspace width="` + s + `"></mspace>`
	}
	if a, ok := accents[t]; ok {
		base := c.arg()
		if t == `\underline` {
			return `<munder accentunder="true">` + base + "<mo>" + a + "</mo></munder>"
		}
		return `<mover accent="true">` + base + "<mo>" + a + "</mo></mover>"
	}
	if f, ok := fonts[t]; ok {
		return f(c.rawArg())
	}
	switch t {
	case `\frac`, `\dfrac`, `\tfrac`, `\cfrac`:
		num, den := c.arg(), c.arg()
		switch t {
		case `\dfrac`, `\cfrac`:
			return `<mfrac displaystyle="true">` + num + den + "</mfrac>"
		case `\tfrac`:
			return `<mfrac displaystyle="false">` + num + den + "</mfrac>"
		}
		return "<mfrac>" + num + den + "</mfrac>"
	case `\binom`:
		n, k := c.arg(), c.arg()
		return `<mrow><mo>(</mo><mfrac linethickness="0">` + n + k + "</mfrac><mo>)</mo></mrow>"
	case `\sqrt`:
		if index := c.optArg(); index != "" {
			return "<mroot>" + c.arg() + index + "</mroot>"
		}
		return "<msqrt>" + c.arg() + "</msqrt>"
	case `\text`, `\textrm`, `\mbox`, `\textit`, `\textbf`, `\mathtt`:
		return "<mtext>" + html.EscapeString(c.rawArg()) + "</mtext>"
	case `\left`, `\right`, `\big`, `\Big`, `\bigg`, `\Bigg`, `\bigl`, `\bigr`, `\Bigl`, `\Bigr`, `\biggl`, `\biggr`, `\middle`:
		return c.delimited(t)
	case `\begin`:
		return c.environment(c.rawArg())
	case `\\`:
		return "" // a line break outside an environment: MathML wraps itself
	case `\displaystyle`, `\textstyle`, `\limits`, `\nolimits`:
		return ""
	}
	c.unknown = append(c.unknown, t)
	return "<merror><mtext>" + html.EscapeString(t) + "</mtext></merror>"
}

// delimited handles \left( … \right) as a row between stretchy fences,
// and the fixed sizes (\big…) as a plain fence.
func (c *latexConv) delimited(t string) string {
	fence := func() string {
		d := c.next()
		if d == "." {
			return ""
		}
		if s, ok := symbols[d]; ok {
			d = s
		}
		return "<mo>" + html.EscapeString(d) + "</mo>"
	}
	if t != `\left` {
		return fence()
	}
	open := fence()
	inner := c.list(`\right`)
	c.next()
	return "<mrow>" + open + inner + fence() + "</mrow>"
}

// environment converts \begin{name} … \end{name}: rows split by \\,
// cells by &.
func (c *latexConv) environment(name string) string {
	if name == "array" || name == "alignedat" {
		c.rawArg() // column spec
	}
	var rows strings.Builder
	for {
		rows.WriteString("<mtr>")
		for {
			rows.WriteString("<mtd>" + c.list(`& \\ \end`) + "</mtd>")
			if c.peek() != "&" {
				break
			}
			c.next()
		}
		rows.WriteString("</mtr>")
		if c.peek() != `\\` {
			break
		}
		c.next()
		if c.peek() == `\end` {
			break
		}
	}
	if c.next() == `\end` {
		c.rawArg()
	}
	table := func(class string) string {
		return `<mtable class="` + class + `">` + rows.String() + "</mtable>"
	}
	fenced := func(open, close string) string {
		return "<mrow><mo>" + open + "</mo>" + table("math-matrix") + "<mo>" + close + "</mo></mrow>"
	}
	switch strings.TrimSuffix(name, "*") {
	case "pmatrix":
		return fenced("(", ")")
	case "bmatrix":
		return fenced("[", "]")
	case "Bmatrix":
		return fenced("{", "}")
	case "vmatrix":
		return fenced("|", "|")
	case "Vmatrix":
		return fenced("‖", "‖")
	case "cases":
		return "<mrow><mo>{</mo>" + table("math-cases") + "</mrow>"
	case "aligned", "align", "alignedat", "split", "eqnarray":
		return table("math-aligned")
	case "matrix", "smallmatrix", "array", "gathered", "gather":
		return table("math-matrix")
	}
	c.unknown = append(c.unknown, `\begin{`+name+`}`)
	return "<merror>" + table("math-matrix") + "</merror>"
}
