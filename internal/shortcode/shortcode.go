// Package shortcode expands Hugo shortcodes ({{< name >}} and
// {{% name %}}) in a document's Markdown before it is rendered: the
// built-in ones (figure, highlight, ref, param, details, qr and link cards
// for embeds) and the site's own templates from layouts/shortcodes/.
//
// The output of a {{< >}} shortcode is HTML that Markdown must not touch:
// as in Hugo, it is replaced by a placeholder that the caller swaps back
// after rendering (Replacer.Replace). The output of {{% %}} is Markdown
// and is rendered with the page.
package shortcode

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/grailblog/grail/internal/content"
)

// Options are what a Set knows of the site.
type Options struct {
	Site Site
	// Markdown renders markdownify and the captions of figures; nil means
	// a renderer that drops raw HTML.
	Markdown *content.Markdown
	// InlineShortcodes allows shortcodes defined in the page
	// (enableInlineShortcodes in Hugo's configuration).
	InlineShortcodes bool
}

// Set is the shortcodes of one site, parsed once. It is safe for
// concurrent use.
type Set struct {
	site      Site
	md        *content.Markdown
	templates map[string]*siteTemplate // the site's, by shortcode name
	broken    map[string]string        // names whose template does not parse: its file

	// builtins are parsed on first use: a site that uses no shortcode
	// parses no template.
	inlineAllowed bool

	builtinsOnce sync.Once
	builtins     map[string]*siteTemplate
}

// siteTemplate is one parsed shortcode template.
type siteTemplate struct {
	file string
	tmpl *template.Template
	// warns is true when the template calls warnf: it is then cloned for
	// each use, so that the warning reaches that page's problems.
	warns bool
}

// New parses the site's shortcode templates. files are keyed by their
// path in the site ("layouts/shortcodes/note.html",
// "themes/x/layouts/shortcodes/note.html"); the site's own file wins over
// its theme's. A template that does not parse is a problem, and its
// shortcode is then unknown.
func New(files map[string][]byte, o Options) (*Set, []content.Problem) {
	s := &Set{site: lowerKeys(o.Site), md: o.Markdown, inlineAllowed: o.InlineShortcodes, templates: map[string]*siteTemplate{}, broken: map[string]string{}}
	if s.md == nil {
		s.md = content.NewMarkdown(content.MarkdownOptions{})
	}
	var problems []content.Problem
	for _, file := range overridesLast(files) {
		name := shortcodeName(file)
		if name == "" {
			continue
		}
		t, err := template.New(file).Funcs(s.funcs()).Parse(string(files[file]))
		if err != nil {
			problems = append(problems, templateProblem(file, err))
			delete(s.templates, name)
			s.broken[name] = file
			continue
		}
		delete(s.broken, name)
		s.templates[name] = &siteTemplate{file: file, tmpl: t, warns: bytes.Contains(files[file], []byte("warnf"))}
	}
	return s, problems
}

// builtin is the built-in template of a shortcode, or nil.
func (s *Set) builtin(name string) *siteTemplate {
	s.builtinsOnce.Do(func() {
		s.builtins = map[string]*siteTemplate{}
		for name, src := range builtinTemplates {
			t := template.Must(template.New("built-in " + name).Funcs(s.funcs()).Parse(src))
			s.builtins[name] = &siteTemplate{file: "built-in " + name, tmpl: t}
		}
	})
	return s.builtins[name]
}

// overridesLast orders files so that a site's own templates come after
// its theme's, and override them.
func overridesLast(files map[string][]byte) []string {
	keys := slices.Sorted(maps.Keys(files))
	slices.SortStableFunc(keys, func(a, b string) int {
		return boolInt(!strings.HasPrefix(a, "themes/")) - boolInt(!strings.HasPrefix(b, "themes/"))
	})
	return keys
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// shortcodeName is "note" for layouts/shortcodes/note.html and
// "docs/note" for layouts/shortcodes/docs/note.html; "" for files that
// are no shortcode templates.
func shortcodeName(file string) string {
	_, rest, ok := strings.Cut(file, "layouts/shortcodes/")
	if !ok || path.Ext(rest) != ".html" {
		return ""
	}
	name := strings.TrimSuffix(rest, ".html")
	// note.html.html and note.en.html are for one output format or
	// language; grail has one of each.
	if i := strings.IndexByte(path.Base(name), '.'); i >= 0 {
		name = name[:len(name)-len(path.Base(name))+i]
	}
	return name
}

func templateProblem(file string, err error) content.Problem {
	p := content.Problem{File: file, Message: err.Error()}
	// Parse errors read "template: FILE:LINE: message".
	msg := strings.TrimPrefix(err.Error(), "template: ")
	if rest, ok := strings.CutPrefix(msg, file+":"); ok {
		var line int
		if n, _ := fmt.Sscanf(rest, "%d:", &line); n == 1 {
			p.Line = line
			p.Message = strings.TrimSpace(rest[strings.IndexByte(rest, ':')+1:])
		}
	}
	return p
}

// Expand replaces the shortcodes in src. The Markdown it returns is
// rendered by the caller, which then calls Replace on the HTML. A text
// without "{{" is returned as it is, at no cost.
func (s *Set) Expand(src []byte, page *Page) ([]byte, *Replacer, []content.Problem) {
	if !bytes.Contains(src, []byte("{{")) {
		return src, nil, nil
	}
	if page == nil {
		page = &Page{}
	}
	page.set = s
	nodes, errs := parse(src)
	ex := &expansion{set: s, page: page, rep: newReplacer()}
	for _, e := range errs {
		ex.problem(e.line, fieldName(e.name), "%s", e.msg)
	}
	out := ex.nodes(nodes, nil)
	slices.SortStableFunc(ex.problems, func(a, b content.Problem) int { return a.Line - b.Line })
	return withoutDelims(out), ex.rep, ex.problems
}

// withoutDelims removes what is left of a shortcode delimiter that could
// not be read (its problem is reported), so that no "{{<" reaches a page.
func withoutDelims(md []byte) []byte {
	for _, d := range [][]byte{[]byte("{{<"), []byte("{{%")} {
		for bytes.Contains(md, d) {
			md = bytes.ReplaceAll(md, d, d[1:])
		}
	}
	return md
}

// fieldName names a shortcode in a problem.
func fieldName(name string) string {
	if name == "" {
		return "shortcode"
	}
	return fmt.Sprintf("shortcode %q", name)
}

// expansion is the state of one Expand.
type expansion struct {
	set      *Set
	page     *Page
	rep      *Replacer
	problems []content.Problem
	inlines  map[string]*template.Template // inline shortcodes the page defined
}

func (ex *expansion) problem(line int, name, format string, args ...any) {
	first := ex.page.Line
	if first == 0 {
		first = 1
	}
	ex.problems = append(ex.problems, content.Problem{File: ex.page.File, Line: first + line - 1, Field: name, Message: fmt.Sprintf(format, args...)})
}

// nodes expands a list of nodes into Markdown. HTML output is put in as a
// placeholder; Markdown output as it is.
func (ex *expansion) nodes(ns []node, parent *Context) []byte {
	var out []byte
	ordinal := 0
	for _, n := range ns {
		switch {
		case n.call != nil:
			html, isMarkdown := ex.call(n.call, parent, ordinal)
			ordinal++
			if isMarkdown {
				out = append(out, html...)
			} else {
				out = append(out, ex.rep.add(html, true)...)
			}
		case n.comment != nil:
			out = append(out, ex.rep.add([]byte(template.HTMLEscapeString(string(n.comment))), false)...)
		default:
			out = append(out, n.text...)
		}
	}
	return out
}

// call expands one call and says whether its output is Markdown. An
// unknown shortcode, or one that fails, keeps its inner content.
func (ex *expansion) call(c *call, parent *Context, ordinal int) ([]byte, bool) {
	ctx := &Context{
		Name: c.name, Ordinal: ordinal, Parent: parent,
		Page: ex.page, Site: &ex.set.site, params: c.params, call: c,
		Position: fmt.Sprintf("%s:%d:%d", ex.page.File, max(ex.page.Line, 1)+c.line-1, c.col),
	}
	if isInline(c.name) {
		out, err := ex.inline(c, ctx)
		if err != nil {
			// The inner text is a template, not the author's prose.
			ex.problem(c.line, fieldName(c.name), "%v", err)
			return nil, true
		}
		return out, c.markdown
	}
	inner := ex.nodes(c.inner, ctx)
	ctx.Inner = template.HTML(inner)
	out, err := ex.run(ctx)
	if err != nil {
		ex.problem(c.line, fieldName(c.name), "%v", err)
		return inner, true
	}
	return out, c.markdown || urlOutput[c.name] && !ex.set.hasTemplate(c.name)
}

// urlOutput are the built-ins that print a URL: it goes into the Markdown
// as it is, because a placeholder in a link's destination would be taken
// for a relative URL and resolved against the page's folder.
var urlOutput = map[string]bool{"ref": true, "relref": true}

func (s *Set) hasTemplate(name string) bool {
	_, ok := s.templates[name]
	return ok
}

// run executes a shortcode: the site's template if there is one, else a
// built-in.
func (ex *expansion) run(ctx *Context) ([]byte, error) {
	s := ex.set
	if t, ok := s.templates[ctx.Name]; ok {
		return ex.execute(t, ctx)
	}
	if file, ok := s.broken[ctx.Name]; ok {
		return nil, fmt.Errorf("%s does not parse", file)
	}
	if f := builtinFuncs[ctx.Name]; f != nil {
		return f(ctx)
	}
	if _, ok := builtinTemplates[ctx.Name]; ok {
		return ex.execute(s.builtin(ctx.Name), ctx)
	}
	return nil, fmt.Errorf("unknown shortcode: no layouts/shortcodes/%s.html", ctx.Name)
}

func (ex *expansion) execute(t *siteTemplate, ctx *Context) ([]byte, error) {
	tmpl := t.tmpl
	if t.warns {
		c, err := tmpl.Clone()
		if err != nil {
			return nil, err
		}
		tmpl = c.Funcs(template.FuncMap{"warnf": func(format string, args ...any) string {
			ex.problem(ctx.call.line, fieldName(ctx.Name), format, args...)
			return ""
		}})
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, ctx); err != nil {
		return nil, cleanExecError(err)
	}
	return b.Bytes(), nil
}

// cleanExecError shortens html/template's execution errors to the file,
// line and cause.
func cleanExecError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	if i := strings.Index(msg, ": executing "); i >= 0 {
		if j := strings.Index(msg[i:], ">: "); j >= 0 {
			msg = msg[:i] + ": " + msg[i+j+3:]
		}
	}
	return fmt.Errorf("%s", msg)
}

// Replacer puts the HTML of {{< >}} shortcodes back into the rendered
// page. A nil Replacer leaves the HTML as it is.
type Replacer struct {
	prefix  []byte // random for each expansion: no author can type it
	outputs []placeholder
}

type placeholder struct {
	html  []byte
	block bool // a paragraph made of the placeholder alone is dropped, as in Hugo
}

func newReplacer() *Replacer {
	var b [8]byte
	_, _ = rand.Read(b[:])
	// Letters and digits only, so that Markdown leaves it alone.
	return &Replacer{prefix: []byte("grailsc" + hex.EncodeToString(b[:]) + "n")}
}

// NewReplacer returns an empty Replacer, for other expansions before
// Markdown (Liquid) that put HTML in a page the same way.
func NewReplacer() *Replacer { return newReplacer() }

// Add stores html and returns the placeholder that stands in for it in
// the Markdown; block: a paragraph of the placeholder alone is dropped.
func (r *Replacer) Add(html []byte, block bool) []byte { return r.add(html, block) }

// add stores html and returns its placeholder.
func (r *Replacer) add(html []byte, block bool) []byte {
	r.outputs = append(r.outputs, placeholder{html: html, block: block})
	return fmt.Appendf(bytes.Clone(r.prefix), "%dx", len(r.outputs)-1)
}

// Replace swaps the placeholders in rendered HTML for the shortcodes'
// output.
func (r *Replacer) Replace(html []byte) []byte {
	if r == nil || len(r.outputs) == 0 {
		return html
	}
	return r.replace(html, len(r.outputs))
}

// replace substitutes placeholders numbered below limit: an output only
// holds the placeholders of the shortcodes inside it, made before it.
func (r *Replacer) replace(html []byte, limit int) []byte {
	if !bytes.Contains(html, r.prefix) {
		return html
	}
	out := make([]byte, 0, len(html))
	for {
		i := bytes.Index(html, r.prefix)
		if i < 0 {
			return append(out, html...)
		}
		n, size := readIndex(html[i+len(r.prefix):])
		if n < 0 || n >= limit {
			out = append(out, html[:i+len(r.prefix)]...)
			html = html[i+len(r.prefix):]
			continue
		}
		end := i + len(r.prefix) + size
		ph := r.outputs[n]
		sub := r.replace(ph.html, n)
		switch {
		case inTag(out, html[:i]):
			// An attribute, such as the id made of a heading's text.
			sub = attrText(sub)
		case ph.block && bytes.HasSuffix(html[:i], []byte("<p>")) && bytes.HasPrefix(html[end:], []byte("</p>")):
			i -= 3
			end += 4
		}
		out = append(out, html[:i]...)
		out = append(out, sub...)
		html = html[end:]
	}
}

// inTag reports whether HTML that ends with done and then before stops
// inside a tag.
func inTag(done, before []byte) bool {
	lt, gt := bytes.LastIndexByte(before, '<'), bytes.LastIndexByte(before, '>')
	if lt < 0 && gt < 0 {
		lt, gt = bytes.LastIndexByte(done, '<'), bytes.LastIndexByte(done, '>')
	}
	return lt > gt
}

// attrText is the text of HTML, fit for an attribute value.
func attrText(html []byte) []byte {
	text := tagPattern.ReplaceAll(html, nil)
	return []byte(strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(strings.TrimSpace(string(text))))
}

// readIndex reads "12x" and returns 12 and 3; -1 if it is not there.
func readIndex(b []byte) (int, int) {
	n, i := 0, 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' && i < 9 {
		n = n*10 + int(b[i]-'0')
		i++
	}
	if i == 0 || i >= len(b) || b[i] != 'x' {
		return -1, 0
	}
	return n, i + 1
}

func lowerKeys(s Site) Site {
	s.Params = lowerMap(s.Params)
	return s
}

func lowerMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = lowerMap(sub)
		}
		out[strings.ToLower(k)] = v
	}
	return out
}
