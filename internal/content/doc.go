// Package content turns the bytes of a Markdown file with Hugo-compatible
// front matter into a Doc, and Markdown into HTML. It does no I/O: callers
// hand it bytes and get values back, which keeps it fast to test and safe
// to call from anywhere.
package content

import (
	"fmt"
	"time"
)

// Kind tells a dated post from a standalone page.
type Kind uint8

const (
	KindPost Kind = iota
	KindPage
	// KindEntry is a file of a Hugo site's section, which Hugo publishes
	// whether or not it has a date: Parse makes it a post when it has
	// one, and else a page (at its section's address all the same).
	KindEntry
	// KindSection is a Hugo section's _index.md: its title names the
	// section's list and its body is shown above it. It has no page of
	// its own.
	KindSection
)

func (k Kind) String() string {
	switch k {
	case KindPage:
		return "page"
	case KindSection:
		return "section"
	}
	return "post"
}

// ListMode is where a doc is listed, as Hugo's _build.list says.
type ListMode string

const (
	ListAlways ListMode = ""      // in every list and feed
	ListLocal  ListMode = "local" // only in its section's list and feed
	ListNever  ListMode = "never" // in no list or feed
)

// Doc is one post or page: its front matter, normalised, and its Markdown body.
type Doc struct {
	// Key is where the source lives in the store, e.g. "posts/2024/qmk.md".
	Key  string `json:"-"`
	Kind Kind   `json:"kind"`

	Title string `json:"title"`
	Slug  string `json:"slug"`
	// Date is when the post was published; Lastmod when it last changed
	// (zero when the front matter does not say).
	Date    time.Time `json:"date"`
	Lastmod time.Time `json:"lastmod,omitzero"`
	// PublishDate, when set and in the future, hides the post until then.
	PublishDate time.Time `json:"publishDate,omitzero"`
	Draft       bool      `json:"draft,omitempty"`
	// ExpiryDate, when set and past, hides the doc again (Hugo's expiryDate).
	ExpiryDate time.Time `json:"expiryDate,omitzero"`
	// Unpublished docs have no page of their own: Hugo's headless, or
	// _build.render = never.
	Unpublished bool `json:"unpublished,omitempty"`
	// List is where the doc is listed (Hugo's _build.list): everywhere,
	// only in its section's list, or nowhere; its page is served all the
	// same.
	List ListMode `json:"list,omitempty"`
	// Weight orders a Hugo site's lists before dates: lighter first, and
	// 0 (no weight) after every weighted page.
	Weight int `json:"weight,omitempty"`
	// URL is the address the front matter's url gives, which a Hugo site
	// serves the doc at whatever its permalinks say.
	URL string `json:"url,omitempty"`
	// Categories are paths of slugs such as "programming/qmk"; CategoryNames
	// holds the same paths as the author wrote them ("Programming/QMK").
	Categories    []string `json:"categories,omitempty"`
	CategoryNames []string `json:"categoryNames,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	// Summary is the front matter's summary (or description), plain text.
	Summary     string   `json:"summary,omitempty"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	// Terms are the front matter's other lists of text, by key in lower
	// case: the terms of a Hugo site's own taxonomies (series: [Intro])
	// are among them.
	Terms map[string][]string `json:"terms,omitempty"`

	// Lead is the Markdown shown where the post is listed: the part before
	// <!--more-->, or else the first paragraph. Like Body, it is nil when
	// the Doc came from an index (it is read again when needed).
	Lead []byte `json:"-"`
	// HasMore is true when the author split the post with <!--more-->.
	HasMore bool `json:"hasMore,omitempty"`

	// HTML is set for a Hugo site's content/*.html page: its body is
	// HTML, shown as written (the pages' Content-Security-Policy still
	// applies), not Markdown.
	HTML bool `json:"html,omitempty"`

	// Bundle is the store folder of a page bundle ("posts/qmk/" for
	// posts/qmk/index.md): files beside index.md belong to the post.
	Bundle string `json:"bundle,omitempty"`

	// Body is the Markdown after the front matter. It is nil when the Doc
	// came from an index and the body has not been read yet.
	Body []byte `json:"-"`
	// BodyLine is the line of the file where Body starts.
	BodyLine int `json:"-"`

	// ETag identifies the version of the source this Doc was parsed from.
	ETag string `json:"-"`
}

// Published reports when the doc becomes visible: PublishDate if set, else Date.
func (d *Doc) Published() time.Time {
	if !d.PublishDate.IsZero() {
		return d.PublishDate
	}
	return d.Date
}

// Updated is Lastmod when it is later than Date, else Date.
func (d *Doc) Updated() time.Time {
	if d.Lastmod.After(d.Date) {
		return d.Lastmod
	}
	return d.Date
}

// Visible reports whether readers may see the doc at instant now.
func (d *Doc) Visible(now time.Time) bool {
	return !d.Draft && !d.Unpublished && !d.Published().After(now) && !d.Expired(now)
}

// Expired reports whether the doc's expiry date has come at instant now.
func (d *Doc) Expired(now time.Time) bool {
	return !d.ExpiryDate.IsZero() && !d.ExpiryDate.After(now)
}

// Problem is something wrong with a source file, precise enough for the
// author to fix it: the file, the line, the field and why.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Skipped is true when the problem kept the file off the site.
	Skipped bool `json:"skipped,omitempty"`
	// Warning is true when the file is shown but not quite as written
	// (raw HTML the Content-Security-Policy blocks, say): grail check
	// prints it without failing.
	Warning bool `json:"warning,omitempty"`
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	field := ""
	if p.Field != "" {
		field = p.Field + ": "
	}
	s := fmt.Sprintf("%s: %s%s", loc, field, p.Message)
	if p.Warning {
		s = fmt.Sprintf("%s: warning: %s%s", loc, field, p.Message)
	}
	if p.Skipped {
		s += " (file skipped)"
	}
	return s
}
