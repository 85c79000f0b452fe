// Package liquid expands the Liquid in a Jekyll site's posts and pages
// before their Markdown is rendered, as Jekyll does: {{ page.title }},
// filters, {% raw %}, and Jekyll's tags {% highlight %}, {% post_url %},
// {% link %} and {% include %} (from _includes/).
//
// It uses github.com/osteele/liquid for the language itself. What goes
// wrong never stops a page: a syntax error or an unknown tag is a
// content.Problem naming the file and line, the tag is dropped and the
// text around it kept, so no "{%" reaches a reader. HTML output
// (highlighted code, includes) stands in the Markdown as a placeholder
// that the Replacer swaps back after rendering, as shortcodes' does.
package liquid

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/osteele/liquid"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/shortcode"
)

// Site is what Liquid in a document sees of its site, and how its tags
// find other documents and includes.
type Site struct {
	Title, Description string
	// URL is the site's scheme and host ("https://example.org"), BaseURL
	// the path it is published under ("/blog", or "").
	URL, BaseURL string
	Location     *time.Location
	// PostURL is the address of the post a {% post_url %} names, by its
	// file name without extension ("2024-03-31-hello", or with the
	// folders under _posts/).
	PostURL func(name string) (string, bool)
	// Link is the address of the document or file at a path of the site
	// ("_posts/2024-03-31-hello.md", "about.md", "assets/a.png").
	Link func(path string) (string, bool)
	// Include reads a file of _includes/.
	Include func(ctx context.Context, name string) ([]byte, error)

	once sync.Once
	eng  *liquid.Engine // the engine with this site's filters
}

// Page is the document being expanded.
type Page struct {
	// File and Line say where the body starts, for problems.
	File string
	Line int
	// Title, Date and URL are page.title, page.date and page.url; Params
	// the rest of its front matter.
	Title  string
	Date   time.Time
	URL    string
	Params map[string]any
}

// Contains reports whether src holds any Liquid at all: most bodies have
// none and are not expanded.
func Contains(src []byte) bool {
	return bytes.Contains(src, []byte("{%")) || bytes.Contains(src, []byte("{{"))
}

// stateKey is where the tags find the expansion in the bindings: not a
// name a template can write.
const stateKey = "grail expansion"

// expansion is one document's expansion in progress.
type expansion struct {
	ctx      context.Context
	site     *Site
	page     Page
	rep      *shortcode.Replacer
	problems []content.Problem
	// depth counts nested includes, which may include each other.
	depth int
}

// Expand renders the Liquid of src, the body of page. The Markdown it
// returns holds placeholders for HTML that Replacer.Replace puts back
// into the rendered page.
func Expand(ctx context.Context, src []byte, site *Site, page Page) ([]byte, *shortcode.Replacer, []content.Problem) {
	ex := &expansion{ctx: ctx, site: site, page: page, rep: shortcode.NewReplacer()}
	out, err := ex.render(src, page.Line)
	if err == nil {
		return out, ex.rep, ex.problems
	}
	// The whole body did not render: each tag on its own, so that one
	// bad tag costs only itself.
	ex.problems, ex.rep = nil, shortcode.NewReplacer()
	return ex.piecewise(src), ex.rep, ex.problems
}

// render renders src as one template whose first line is line.
func (ex *expansion) render(src []byte, line int) ([]byte, liquid.SourceError) {
	t, err := ex.site.engine().ParseTemplateLocation(src, ex.page.File, line)
	if err != nil {
		return nil, err
	}
	return t.Render(ex.bindings(nil))
}

// bindings are the variables a template sees: site, page, and include's
// parameters inside an include.
func (ex *expansion) bindings(include map[string]any) liquid.Bindings {
	s := ex.site
	page := map[string]any{}
	for k, v := range ex.page.Params {
		page[k] = v
	}
	page["title"], page["url"] = ex.page.Title, ex.page.URL
	if !ex.page.Date.IsZero() {
		page["date"] = ex.page.Date.In(s.location())
	}
	b := liquid.Bindings{
		"site": map[string]any{
			"title": s.Title, "description": s.Description,
			"url": s.URL, "baseurl": s.BaseURL, "time": time.Now().In(s.location()),
		},
		"page":   page,
		stateKey: ex,
	}
	if include != nil {
		b["include"] = include
	}
	return b
}

func (s *Site) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// problem records what is wrong at line of the document.
func (ex *expansion) problem(line int, format string, args ...any) {
	ex.problems = append(ex.problems, content.Problem{File: ex.page.File, Line: line, Message: fmt.Sprintf(format, args...)})
}

// sourceProblem records a Liquid error, at its line.
func (ex *expansion) sourceProblem(err liquid.SourceError, line int) {
	if n := err.LineNumber(); n > 0 {
		line = n
	}
	msg := err.Error()
	if m := liquidErrorRE.FindStringSubmatch(msg); m != nil {
		msg = m[1]
	}
	ex.problem(line, "Liquid: %s", msg)
}

// liquidErrorRE takes the message out of the engine's wording, which
// repeats the line and the file a Problem gives.
var liquidErrorRE = regexp.MustCompile(`^Liquid error(?: \(line \d+\))?: (.*?)(?: in \S*)?$`)
