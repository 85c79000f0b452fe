package content

import (
	"bytes"
	"html/template"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Hooks are a Hugo site's render hooks: templates in
// layouts/_default/_markup/ (or layouts/_markup/) that replace how links,
// images, headings or code blocks are drawn. They run as Go html/template
// templates with the fields of Hugo's hook context; a template that uses
// a Hugo function grail lacks fails to parse and is reported.
type Hooks struct {
	link, image, heading, codeBlock *template.Template
	codeBlockLang                   map[string]*template.Template // by lower-case language
}

// HookPage is what a render hook sees as .Page.
type HookPage interface {
	Title() string
	RelPermalink() string
	Permalink() string
}

// hookFolders are where Hugo looks for render hooks, oldest style first.
var hookFolders = []string{"layouts/_default/_markup/", "layouts/_markup/"}

// ParseHooks reads render hooks from a site's files (path → contents,
// paths from the site's root, its theme's under themes/<theme>/); other
// files are ignored. The site's own hook wins over its theme's. It returns nil
// when there are none, and a problem for each template that cannot be
// parsed, which is then not used.
func ParseHooks(files map[string][]byte) (*Hooks, []Problem) {
	h := &Hooks{codeBlockLang: map[string]*template.Template{}}
	var problems []Problem
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	// The theme's first, then the site's; layouts/_markup/ after, and so
	// over, layouts/_default/_markup/.
	sort.Slice(names, func(i, j int) bool {
		ti, tj := strings.HasPrefix(names[i], "themes/"), strings.HasPrefix(names[j], "themes/")
		if ti != tj {
			return ti
		}
		return names[i] < names[j]
	})
	found := false
	for _, name := range names {
		hook, ok := hookName(name)
		if !ok {
			continue
		}
		t, err := template.New(name).Funcs(hookFuncs).Parse(string(files[name]))
		if err != nil {
			problems = append(problems, templateProblem(name, err))
			continue
		}
		found = true
		switch {
		case hook == "link":
			h.link = t
		case hook == "image":
			h.image = t
		case hook == "heading":
			h.heading = t
		case hook == "codeblock":
			h.codeBlock = t
		default:
			h.codeBlockLang[strings.TrimPrefix(hook, "codeblock-")] = t
		}
	}
	if !found {
		return nil, problems
	}
	return h, problems
}

// hookName is the hook a file defines ("link", "codeblock-go"), if any.
func hookName(file string) (string, bool) {
	if rest, ok := strings.CutPrefix(file, "themes/"); ok {
		_, file, _ = strings.Cut(rest, "/")
	}
	dir, base := path.Split(file)
	found := false
	for _, f := range hookFolders {
		found = found || dir == f
	}
	if !found || !strings.HasPrefix(base, "render-") || !strings.HasSuffix(base, ".html") {
		return "", false
	}
	hook := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(base, "render-"), ".html"))
	switch {
	case hook == "link", hook == "image", hook == "heading", hook == "codeblock":
		return hook, true
	case strings.HasPrefix(hook, "codeblock-") && len(hook) > len("codeblock-"):
		return hook, true
	}
	return "", false
}

// hookFuncs are the Hugo functions hooks use most that html/template
// lacks.
var hookFuncs = template.FuncMap{
	"safeURL":  func(s string) template.URL { return template.URL(s) },
	"safeHTML": func(s string) template.HTML { return template.HTML(s) },
	"relURL":   func(s string) string { return s },
	"absURL":   func(s string) string { return s },
	"lower":    strings.ToLower,
	"upper":    strings.ToUpper,
	"hasPrefix": func(s, prefix string) bool {
		return strings.HasPrefix(s, prefix)
	},
}

var templateLine = regexp.MustCompile(`:(\d+)(?::\d+)?:`)

// templateProblem places a template's error at its file and line.
func templateProblem(file string, err error) Problem {
	p := Problem{File: file, Message: "render hook: " + err.Error(), Warning: true}
	if m := templateLine.FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
	}
	return p
}

// Hugo's hook contexts, with the fields grail can fill.
type (
	linkContext struct {
		Destination, Title, PlainText string
		Text                          template.HTML
		Attributes                    map[string]any
		Page                          HookPage
	}
	headingContext struct {
		Level      int
		Anchor     string
		Text       template.HTML
		PlainText  string
		Attributes map[string]any
		Page       HookPage
	}
	codeBlockContext struct {
		Type, Inner string
		Attributes  map[string]any
		Options     map[string]any
		Page        HookPage
	}
)

// hookRenderer draws the nodes a site has hooks for, and falls back to
// the default drawing when a hook fails.
type hookRenderer struct {
	hooks    *Hooks
	r        func() renderer.Renderer // renders a link's or heading's text
	defaults map[ast.NodeKind]renderer.NodeRendererFunc
}

// hookedAttr marks a node a hook has drawn, so that leaving it draws
// nothing more.
const hookedAttr = "grail-hooked"

func newHookRenderer(h *Hooks, unsafe bool, r func() renderer.Renderer) hookRenderer {
	defaults := funcCapture{}
	var opts []ghtml.Option
	if unsafe {
		opts = append(opts, ghtml.WithUnsafe())
	}
	ghtml.NewRenderer(opts...).RegisterFuncs(defaults)
	codeRenderer{}.RegisterFuncs(defaults)
	return hookRenderer{hooks: h, r: r, defaults: defaults}
}

type funcCapture map[ast.NodeKind]renderer.NodeRendererFunc

func (f funcCapture) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) { f[k] = fn }

func (h hookRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	if h.hooks.link != nil {
		reg.Register(ast.KindLink, h.render)
	}
	if h.hooks.image != nil {
		reg.Register(ast.KindImage, h.render)
	}
	if h.hooks.heading != nil {
		reg.Register(ast.KindHeading, h.render)
	}
	if h.hooks.codeBlock != nil || len(h.hooks.codeBlockLang) > 0 {
		reg.Register(ast.KindFencedCodeBlock, h.render)
		reg.Register(ast.KindCodeBlock, h.render)
	}
}

func (h hookRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		if _, hooked := n.AttributeString(hookedAttr); hooked {
			return ast.WalkContinue, nil
		}
		return h.defaults[n.Kind()](w, src, n, entering)
	}
	t, data := h.context(src, n)
	if t == nil {
		return h.defaults[n.Kind()](w, src, n, entering)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		st := stateOf(n)
		if st != nil && st.report != nil {
			st.report(templateProblem(t.Name(), err))
		}
		return h.defaults[n.Kind()](w, src, n, entering)
	}
	n.SetAttributeString(hookedAttr, true)
	_, _ = w.Write(out.Bytes())
	return ast.WalkSkipChildren, nil
}

// context is the template for n and what it is given, or nil when no
// hook draws n.
func (h hookRenderer) context(src []byte, n ast.Node) (*template.Template, any) {
	var page HookPage
	if st := stateOf(n); st != nil {
		page = st.page
	}
	switch n := n.(type) {
	case *ast.Link:
		return h.hooks.link, linkContext{Destination: string(n.Destination), Title: string(n.Title),
			Text: h.inner(src, n), PlainText: string(plainText(n, src)), Attributes: attributeMap(n), Page: page}
	case *ast.Image:
		return h.hooks.image, linkContext{Destination: string(n.Destination), Title: string(n.Title),
			Text: h.inner(src, n), PlainText: string(plainText(n, src)), Attributes: attributeMap(n), Page: page}
	case *ast.Heading:
		id, _ := n.AttributeString("id")
		return h.hooks.heading, headingContext{Level: n.Level, Anchor: string(attrBytes(id)),
			Text: h.inner(src, n), PlainText: string(plainText(n, src)), Attributes: attributeMap(n), Page: page}
	}
	var lang string
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		lang = strings.ToLower(string(f.Language(src)))
	}
	t := h.hooks.codeBlockLang[lang]
	if t == nil {
		t = h.hooks.codeBlock
	}
	var code bytes.Buffer
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		code.Write(seg.Value(src))
	}
	return t, codeBlockContext{Type: lang, Inner: strings.TrimSuffix(code.String(), "\n"),
		Attributes: attributeMap(n), Options: map[string]any{}, Page: page}
}

// inner is a node's children drawn as HTML.
func (h hookRenderer) inner(src []byte, n ast.Node) template.HTML {
	var b bytes.Buffer
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if err := h.r().Render(&b, src, c); err != nil {
			return template.HTML(template.HTMLEscapeString(string(plainText(n, src))))
		}
	}
	return template.HTML(b.String()) //nolint:gosec // drawn by the renderer, which escapes the author's text
}

func attributeMap(n ast.Node) map[string]any {
	m := map[string]any{}
	for _, a := range n.Attributes() {
		if name := string(a.Name); !strings.HasPrefix(name, "grail-") {
			m[name] = string(attrBytes(a.Value))
		}
	}
	return m
}

func stateOf(n ast.Node) *renderState {
	doc := n.OwnerDocument()
	if doc == nil {
		return nil
	}
	st, _ := doc.Meta()[renderStateMeta].(*renderState)
	return st
}
