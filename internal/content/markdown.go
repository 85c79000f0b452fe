package content

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Markdown renders post bodies: CommonMark plus GitHub's extensions,
// footnotes, typographic quotes, heading anchors and code highlighted
// with CSS classes (the theme carries light and dark colours, and a strict
// Content-Security-Policy forbids inline styles).
type Markdown struct {
	md   goldmark.Markdown
	opts MarkdownOptions
}

// RenderOptions adapt one rendering to where it is shown.
type RenderOptions struct {
	// IDPrefix is put before every heading and footnote id, so that several
	// posts on one page (the home page) never share an id.
	IDPrefix string
	// LinkBase, when set, is the URL folder that relative links and images
	// are resolved against: a page bundle's files live beside its post.
	LinkBase string
	// Origin, when set (https://example.org), makes root-relative URLs
	// absolute: feed readers have no page to resolve them against.
	Origin string
	// NoAnchors leaves out the "link to this section" anchors, which only
	// make sense with the theme's CSS.
	NoAnchors bool
	// Report, when set, hears of what could not be rendered as written
	// (a formula's unknown command, a render hook that failed); Line is
	// counted from the body's first line.
	Report func(Problem)
	// Page is what the site's render hooks see as .Page.
	Page HookPage
}

const idPrefixMeta = "grail-id-prefix"

// MarkdownOptions are a site's Markdown settings, as Hugo's
// markup.goldmark reads them. The zero value is Hugo's default rendering.
type MarkdownOptions struct {
	// Unsafe keeps raw HTML (Hugo's renderer.unsafe); otherwise it is
	// dropped. The page's Content-Security-Policy still blocks scripts,
	// inline styles and third-party frames: CSPFindings lists those.
	Unsafe bool
	// NoTypographer turns off typographic quotes and dashes (Hugo's
	// extensions.typographer.disable). It is negative so that the zero
	// value keeps Hugo's default, on.
	NoTypographer bool
	// BlockAttributes allows {.class #id} after blocks (Hugo's
	// parser.attribute.block); headings take them always, as in Hugo.
	BlockAttributes bool
	// Math draws \( \) and $ $ inline, \[ \] and $$ $$ as display, as
	// MathML (Hugo's passthrough extension with the delimiters its
	// documentation gives for mathematics). ```math blocks are drawn
	// always.
	Math bool
	// Hooks are the site's render hooks (see ParseHooks), or nil.
	Hooks *Hooks
}

// NewMarkdown returns a renderer for a site's settings.
func NewMarkdown(o MarkdownOptions) *Markdown {
	var htmlOpts []renderer.Option
	if o.Unsafe {
		htmlOpts = append(htmlOpts, ghtml.WithUnsafe())
	}
	exts := []goldmark.Extender{
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
		extension.DefinitionList,
		extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(footnotePrefix)),
	}
	if !o.NoTypographer {
		exts = append(exts, extension.Typographer)
	}
	if o.Math {
		exts = append(exts, mathExtension())
	}
	// Headings take {#id .class} always, as in Hugo.
	parserOpts := []parser.Option{parser.WithAttribute()}
	if o.BlockAttributes {
		parserOpts = append(parserOpts,
			parser.WithBlockParsers(util.Prioritized(attributeLineParser{}, 950)),
			parser.WithASTTransformers(util.Prioritized(attributeApplier{}, 100)))
	}
	m := &Markdown{opts: o}
	renderers := []util.PrioritizedValue{util.Prioritized(taskRenderer{}, 100), util.Prioritized(codeRenderer{}, 100),
		util.Prioritized(blockquoteRenderer{}, 100)}
	if o.Hooks != nil {
		hooks := newHookRenderer(o.Hooks, o.Unsafe, func() renderer.Renderer { return m.md.Renderer() })
		renderers = append(renderers, util.Prioritized(hooks, 10))
	}
	m.md = goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parserOpts...),
		goldmark.WithRendererOptions(append(htmlOpts, renderer.WithNodeRenderers(renderers...))...),
	)
	return m
}

func footnotePrefix(n ast.Node) []byte {
	if doc := n.OwnerDocument(); doc != nil {
		if p, ok := doc.Meta()[idPrefixMeta].(string); ok {
			return []byte(p)
		}
	}
	return nil
}

// Render converts Markdown to HTML. The summary divider (<!--more-->) is
// left out: it marks where a lead ends and is not part of the text.
func (m *Markdown) Render(src []byte, o RenderOptions) ([]byte, error) {
	src = withoutMore(src)
	doc := m.md.Parser().Parse(text.NewReader(src))
	if d, ok := doc.(*ast.Document); ok {
		if o.IDPrefix != "" {
			d.AddMeta(idPrefixMeta, o.IDPrefix)
		}
		if o.Report != nil || o.Page != nil {
			d.AddMeta(renderStateMeta, &renderState{report: o.Report, page: o.Page})
		}
	}
	dec := &decorator{opts: o, src: src, ids: map[string]bool{}, headingHook: m.opts.Hooks != nil && m.opts.Hooks.heading != nil}
	if err := ast.Walk(doc, dec.visit); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(src) * 3 / 2)
	if err := m.md.Renderer().Render(&buf, src, doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decorator adjusts the parsed document: heading anchors and id prefixes,
// table alignment as classes, lazy images and bundle-relative URLs.
type decorator struct {
	opts RenderOptions
	src  []byte
	ids  map[string]bool // heading ids given so far
	// headingHook is set when the site draws headings itself, anchors
	// included.
	headingHook bool
}

func (d *decorator) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if n.Attributes() != nil {
		safeAttributes(n)
	}
	switch n := n.(type) {
	case *ast.Heading:
		d.heading(n)
	case *ast.Blockquote:
		d.alert(n)
	case *east.TableCell:
		if n.Alignment != east.AlignNone {
			n.SetAttributeString("class", []byte("align-"+n.Alignment.String()))
		}
	case *ast.Image:
		n.SetAttributeString("loading", []byte("lazy"))
		n.Destination = d.resolve(n.Destination)
	case *ast.Link:
		n.Destination = d.resolve(n.Destination)
	}
	return ast.WalkContinue, nil
}

// heading gives the heading an id and appends a "#" link to it, so that
// readers can copy a link to any section.
func (d *decorator) heading(h *ast.Heading) {
	id := append([]byte(d.opts.IDPrefix), d.headingID(h)...)
	h.SetAttributeString("id", id)
	if d.opts.NoAnchors || d.headingHook {
		return
	}
	// The "#" is drawn by the theme's CSS; screen readers read the label.
	label := ast.NewString([]byte(`<span class="visually-hidden">Link to this section</span>`))
	label.SetCode(true) // written as is: it is our markup, not the author's text
	link := ast.NewLink()
	link.Destination = append([]byte("#"), id...)
	link.SetAttributeString("class", []byte("anchor"))
	link.AppendChild(link, label)
	h.AppendChild(h, link)
}

// headingID makes an id from the heading's text the way Hugo does by
// default (GitHub's style), so that links to sections of a site moved from
// Hugo keep working: lower case, letters and digits of any script kept,
// each space a hyphen, other punctuation dropped; "-1", "-2"... for
// repeats. goldmark's own ids drop every letter outside ASCII, which
// leaves a Russian or Japanese post with "heading", "heading-1"...
func (d *decorator) headingID(h *ast.Heading) string {
	if own, ok := h.AttributeString("id"); ok { // {#id} after the heading
		id := string(attrBytes(own))
		d.ids[id] = true
		return id
	}
	var b strings.Builder
	for _, r := range string(plainText(h, d.src)) {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte('-')
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r) || r == '-' || r == '_':
			b.WriteRune(unicode.ToLower(r))
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = "heading"
	}
	id := base
	for i := 1; d.ids[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	d.ids[id] = true
	return id
}

// plainText is the text of n as a reader sees it, without markup. The
// typographer's quotes are entities in code strings and are left out, as
// Hugo leaves out the apostrophe of "What's".
func plainText(n ast.Node, src []byte) []byte {
	var out []byte
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			out = append(out, c.Segment.Value(src)...)
			if c.SoftLineBreak() {
				out = append(out, ' ')
			}
		case *ast.String:
			if !c.IsCode() {
				out = append(out, c.Value...)
			}
		case *ast.AutoLink:
			out = append(out, c.Label(src)...)
		}
		return ast.WalkContinue, nil
	})
	return out
}

// resolve makes a bundle's relative URLs point into the bundle, and
// root-relative URLs absolute when an Origin is given.
func (d *decorator) resolve(dest []byte) []byte {
	s := string(dest)
	if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, "?") || strings.HasPrefix(s, "//") {
		return dest
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return dest
	}
	if !strings.HasPrefix(s, "/") {
		if d.opts.LinkBase == "" {
			return dest
		}
		// Resolved as a browser would, so "../other/" leaves the bundle
		// cleanly instead of reaching a feed reader as /blog/qmk/../other/.
		s = (&url.URL{Path: d.opts.LinkBase}).ResolveReference(u).String()
	}
	return []byte(d.opts.Origin + s)
}

// taskRenderer draws task list boxes as marks with a text alternative:
// a disabled checkbox with no label is a form control that assistive
// technology announces without saying what it is.
type taskRenderer struct{}

func (taskRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.(*east.TaskCheckBox).IsChecked {
			_, _ = w.WriteString(`<span class="task done" role="img" aria-label="Done">&#x2611;</span> `)
		} else {
			_, _ = w.WriteString(`<span class="task" role="img" aria-label="To do">&#x2610;</span> `)
		}
		return ast.WalkContinue, nil
	})
}

// hasHooks reports whether the site has render hooks of its own.
func (m *Markdown) hasHooks() bool { return m.opts.Hooks != nil }
