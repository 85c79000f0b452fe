package content

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Block attributes, as Hugo's markup.goldmark.parser.attribute.block: a
// line holding only {.class #id key=value} right below a block gives that
// block those attributes.

// kindBlockAttributes is the node a {...} line parses to until it is
// applied to the block above it.
var kindBlockAttributes = ast.NewNodeKind("BlockAttributes")

type blockAttributes struct {
	ast.BaseBlock
}

func (*blockAttributes) Kind() ast.NodeKind { return kindBlockAttributes }

func (n *blockAttributes) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// attributeLineParser reads a {...} line; any other line starting with {
// is left to the paragraph parser.
type attributeLineParser struct{}

func (attributeLineParser) Trigger() []byte { return []byte{'{'} }

func (attributeLineParser) Open(_ ast.Node, reader text.Reader, _ parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	if line == nil {
		return nil, parser.NoChildren
	}
	// Parsed on a reader of its own, so that a line that turns out not to
	// be attributes leaves the real reader where it was.
	sub := text.NewReader(line)
	attrs, ok := parser.ParseAttributes(sub)
	if !ok {
		return nil, parser.NoChildren
	}
	if rest, _ := sub.PeekLine(); len(util.TrimRightSpace(rest)) > 0 {
		return nil, parser.NoChildren
	}
	n := &blockAttributes{}
	for _, a := range attrs {
		n.SetAttribute(a.Name, a.Value)
	}
	reader.Advance(seg.Len() - 1)
	return n, parser.NoChildren
}

func (attributeLineParser) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}

func (attributeLineParser) Close(ast.Node, text.Reader, parser.Context) {}
func (attributeLineParser) CanInterruptParagraph() bool                 { return true }
func (attributeLineParser) CanAcceptIndentedLine() bool                 { return false }

// attributeApplier moves each {...} line's attributes onto the block
// above it; a {...} line with no block above it is dropped.
type attributeApplier struct{}

func (attributeApplier) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var found []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Kind() == kindBlockAttributes {
			found = append(found, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range found {
		if prev := n.PreviousSibling(); prev != nil {
			for _, a := range n.Attributes() {
				if a.Name != nil && !bytes.Equal(a.Name, []byte("class")) {
					prev.SetAttribute(a.Name, a.Value)
					continue
				}
				prev.SetAttribute(a.Name, joinClass(prev, a.Value))
			}
		}
		n.Parent().RemoveChild(n.Parent(), n)
	}
}

// joinClass adds classes to those a block has already (an alert's, a
// table cell's alignment).
func joinClass(n ast.Node, v any) any {
	old, ok := n.AttributeString("class")
	if !ok {
		return v
	}
	return append(append(append([]byte{}, attrBytes(old)...), ' '), attrBytes(v)...)
}

// safeAttributes drops the attributes the pages' Content-Security-Policy
// would block anyway (event handlers, inline styles), so that an author
// sees at once, in the preview too, that they do nothing.
func safeAttributes(n ast.Node) {
	attrs := n.Attributes()
	keep := attrs[:0:0]
	for _, a := range attrs {
		name := bytes.ToLower(a.Name)
		if bytes.HasPrefix(name, []byte("on")) || bytes.Equal(name, []byte("style")) {
			continue
		}
		keep = append(keep, a)
	}
	if len(keep) == len(attrs) {
		return
	}
	n.RemoveAttributes()
	for _, a := range keep {
		n.SetAttribute(a.Name, a.Value)
	}
}
