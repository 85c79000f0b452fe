package liquid

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/osteele/liquid"
	"github.com/osteele/liquid/render"

	"github.com/grailblog/grail/internal/content"
)

// maxIncludeDepth stops includes that include each other.
const maxIncludeDepth = 10

// engine is the Liquid engine with Jekyll's tags and filters, made once
// for the site (its URL filters know the site's address).
func (s *Site) engine() *liquid.Engine {
	s.once.Do(func() {
		e := liquid.NewEngine()
		e.RegisterBlock("highlight", highlightTag)
		e.RegisterTag("post_url", postURLTag)
		e.RegisterTag("link", linkTag)
		e.RegisterTag("include", includeTag)
		addFilters(e, s)
		s.eng = e
	})
	return s.eng
}

// expansionOf is the expansion a template is rendered for.
func expansionOf(ctx render.Context) *expansion {
	ex, _ := ctx.Get(stateKey).(*expansion)
	return ex
}

// highlightTag renders {% highlight lang [linenos] %}code{% endhighlight %}
// as grail renders a fenced code block.
func highlightTag(ctx render.Context) (string, error) {
	args := strings.Fields(ctx.TagArgs())
	if len(args) == 0 {
		return "", ctx.Errorf("highlight needs a language")
	}
	code, err := ctx.InnerString()
	if err != nil {
		return "", err
	}
	code = strings.Trim(code, "\r\n")
	linenos := false
	for _, a := range args[1:] {
		linenos = linenos || a == "linenos" || strings.HasPrefix(a, "linenos=")
	}
	html, err := content.Highlight(code, args[0], content.HighlightOptions{LineNumbers: linenos})
	if err != nil {
		return "", ctx.WrapError(err)
	}
	return "\n\n" + string(expansionOf(ctx).rep.Add(html, true)) + "\n\n", nil
}

// postURLTag is {% post_url 2024-03-31-hello %}: the post's address.
func postURLTag(ctx render.Context) (string, error) {
	name := strings.TrimSpace(ctx.TagArgs())
	ex := expansionOf(ctx)
	if u, ok := ex.site.PostURL(name); ok {
		return ex.site.relativeURL(u), nil
	}
	return "", ctx.Errorf("post_url: no post named %q", name)
}

// linkTag is {% link path/of/file.md %}: the address of that file.
func linkTag(ctx render.Context) (string, error) {
	p, err := ctx.ExpandTagArg()
	if err != nil {
		return "", err
	}
	p = strings.TrimSpace(p)
	ex := expansionOf(ctx)
	if u, ok := ex.site.Link(strings.TrimPrefix(p, "/")); ok {
		return ex.site.relativeURL(u), nil
	}
	return "", ctx.Errorf("link: no file %q in the site", p)
}

// includeArgRE reads one name=value parameter of {% include %}.
var includeArgRE = regexp.MustCompile(`([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[\w.\[\]"'-]+)`)

// includeTag is {% include file.html a="x" b=page.title %}: the file of
// _includes/ rendered with include.a and include.b.
func includeTag(ctx render.Context) (string, error) {
	args, err := ctx.ExpandTagArg()
	if err != nil {
		return "", err
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	params := map[string]any{}
	for _, m := range includeArgRE.FindAllStringSubmatch(rest, -1) {
		v := m[2]
		if v[0] == '"' || v[0] == '\'' {
			params[m[1]] = v[1 : len(v)-1]
			continue
		}
		val, err := ctx.EvaluateString(v)
		if err != nil {
			return "", err
		}
		params[m[1]] = val
	}
	ex := expansionOf(ctx)
	if ex.depth >= maxIncludeDepth {
		return "", ctx.Errorf("include: %s includes itself, %d deep", name, ex.depth)
	}
	data, err := ex.site.Include(ex.ctx, name)
	if err != nil {
		return "", ctx.Errorf("include: cannot read _includes/%s: %v", name, err)
	}
	ex.depth++
	defer func() { ex.depth-- }()
	t, serr := ex.site.engine().ParseTemplateLocation(data, "_includes/"+name, 1)
	if serr != nil {
		return "", ctx.Errorf("%s", includeError(name, serr))
	}
	out, serr := t.Render(ex.bindings(params))
	if serr != nil {
		return "", ctx.Errorf("%s", includeError(name, serr))
	}
	// HTML goes in as it is; Markdown is read with the rest of the page.
	if trimmed := strings.TrimSpace(string(out)); strings.HasPrefix(trimmed, "<") {
		return string(ex.rep.Add([]byte(trimmed), true)), nil
	}
	return string(out), nil
}

// includeError words what went wrong in an included file once, naming
// the file and line, however deep the includes that led there.
func includeError(name string, err liquid.SourceError) string {
	msg := err.Error()
	if i := lastLiquidErrorRE.FindAllStringIndex(msg, -1); len(i) > 0 {
		msg = msg[i[len(i)-1][1]:]
	}
	msg = trailingFileRE.ReplaceAllString(msg, "")
	if strings.HasPrefix(msg, "_includes/") || strings.HasPrefix(msg, "include") {
		return msg // from an include further in, already located
	}
	return fmt.Sprintf("_includes/%s:%d: %s", name, max(err.LineNumber(), 1), msg)
}

var (
	lastLiquidErrorRE = regexp.MustCompile(`Liquid error(?: \(line \d+\))?: `)
	trailingFileRE    = regexp.MustCompile(`(?: in \S+)+$`)
)

// relativeURL is Jekyll's relative_url: the site's base path before an
// address of the site; an absolute URL is left as it is.
func (s *Site) relativeURL(u string) string {
	if isAbsolute(u) {
		return u
	}
	return squeezeSlashes(ensureSlash(s.BaseURL) + ensureSlash(u))
}

// absoluteURL is Jekyll's absolute_url: the site's URL before it.
func (s *Site) absoluteURL(u string) string {
	if isAbsolute(u) {
		return u
	}
	return strings.TrimRight(s.URL, "/") + s.relativeURL(u)
}

func isAbsolute(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme != ""
}

func ensureSlash(s string) string {
	if s == "" || strings.HasPrefix(s, "/") {
		return s
	}
	return "/" + s
}

func squeezeSlashes(s string) string {
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	if s == "" {
		return "/"
	}
	return s
}
