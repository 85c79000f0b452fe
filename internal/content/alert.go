package content

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// GitHub-style alerts: a blockquote whose first line is [!NOTE], [!TIP],
// [!IMPORTANT], [!WARNING] or [!CAUTION] (any case), optionally followed
// by a title of its own, as Hugo 0.134 and later read them. Such a
// blockquote is drawn as a box with a title; the theme's CSS colours it.

// alertMarker matches the first line of an alert.
var alertMarker = regexp.MustCompile(`(?i)^\[!(note|tip|important|warning|caution)\][ \t]*`)

// alertAttr marks a blockquote as an alert of the type it holds.
const alertAttr = "grail-alert"

// alert turns a blockquote that starts with an alert marker into an
// alert: the marker is taken out and the rest of its line, or the type's
// name, becomes a title paragraph.
func (d *decorator) alert(q *ast.Blockquote) {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return
	}
	line := p.Lines().At(0)
	m := alertMarker.FindSubmatch(line.Value(d.src))
	if m == nil {
		return
	}
	kind := strings.ToLower(string(m[1]))
	q.SetAttributeString(alertAttr, []byte(kind))
	title := ast.NewParagraph()
	title.SetAttributeString("class", []byte("alert-title"))
	markerEnd := line.Start + len(m[0])
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		endsLine := lastOfLine(c)
		p.RemoveChild(p, c)
		if t, ok := c.(*ast.Text); !ok || t.Segment.Stop > markerEnd {
			if ok && t.Segment.Start < markerEnd {
				t.Segment.Start = markerEnd
			}
			title.AppendChild(title, c)
		}
		if endsLine {
			if t, ok := c.(*ast.Text); ok {
				t.SetSoftLineBreak(false)
				t.SetHardLineBreak(false)
			}
			break
		}
		c = next
	}
	if !title.HasChildren() {
		title.AppendChild(title, ast.NewString([]byte(strings.ToUpper(kind[:1])+kind[1:])))
	}
	if !p.HasChildren() {
		q.RemoveChild(q, p)
	}
	q.InsertBefore(q, q.FirstChild(), title)
}

// lastOfLine reports whether an inline node ends its line.
func lastOfLine(n ast.Node) bool {
	t, ok := n.(*ast.Text)
	return ok && (t.SoftLineBreak() || t.HardLineBreak())
}

// blockquoteRenderer draws alerts as a titled note and other blockquotes
// as goldmark does.
type blockquoteRenderer struct{}

func (blockquoteRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindBlockquote, renderBlockquote)
}

func renderBlockquote(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	kind, isAlert := n.AttributeString(alertAttr)
	if !isAlert {
		if entering {
			_, _ = w.WriteString("<blockquote")
			if n.Attributes() != nil {
				ghtml.RenderAttributes(w, n, ghtml.BlockquoteAttributeFilter)
			}
			_, _ = w.WriteString(">\n")
		} else {
			_, _ = w.WriteString("</blockquote>\n")
		}
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	// role=note: assistive technology announces the box as an aside.
	_, _ = w.WriteString(`<div class="alert alert-` + string(kind.([]byte)))
	if class, ok := n.AttributeString("class"); ok {
		_ = w.WriteByte(' ')
		_, _ = w.Write(util.EscapeHTML(bytes.TrimSpace(attrBytes(class))))
	}
	_, _ = w.WriteString(`" role="note">` + "\n")
	return ast.WalkContinue, nil
}

// attrBytes is an attribute value as bytes, whichever form the parser
// left it in.
func attrBytes(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}
