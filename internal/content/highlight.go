package content

import (
	"bytes"
	"html"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
)

// HighlightOptions are the options of Hugo's highlight shortcode that
// change the markup (colours come from the theme's CSS).
type HighlightOptions struct {
	LineNumbers      bool
	LineNumbersTable bool     // numbers in a table column, so that copying skips them
	LineNumberStart  int      // 0 means 1
	HighlightLines   [][2]int // ranges of lines, from 1, marked for the reader
}

// Highlight renders code as a fenced code block in lang would be: the same
// classes and focusable <pre>, with line numbers and marked lines when the
// options ask for them. Code in a language chroma does not know is escaped.
func Highlight(code, lang string, o HighlightOptions) ([]byte, error) {
	lexer := lexers.Get(lang)
	if lang == "" || lexer == nil {
		var b bytes.Buffer
		b.WriteString(`<pre tabindex="0"><code`)
		if lang != "" {
			b.WriteString(` class="language-` + html.EscapeString(strings.ToLower(lang)) + `"`)
		}
		b.WriteString(">" + html.EscapeString(code) + "</code></pre>\n")
		return b.Bytes(), nil
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	f := codeFormatter
	if o.LineNumbers || len(o.HighlightLines) > 0 {
		f = chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix("hl-"), chromahtml.WithPreWrapper(focusablePre{}),
			chromahtml.WithLineNumbers(o.LineNumbers), chromahtml.LineNumbersInTable(o.LineNumbersTable),
			chromahtml.BaseLineNumber(max(o.LineNumberStart, 1)), chromahtml.HighlightLines(o.HighlightLines))
	}
	var b bytes.Buffer
	if err := f.Format(&b, codeStyle, it); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
