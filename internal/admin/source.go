package admin

import (
	"fmt"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
)

// fields are what the editor edits, as the author sees and types them.
type fields struct {
	Title      string
	Slug       string
	Categories string // comma-separated; a level is written "Hardware/Keyboards"
	Tags       string // comma-separated
	Date       string // wall clock in the site's zone, as <input type="datetime-local"> has it
	Draft      bool
	Summary    string
	Body       string
}

// dateInput is the format of <input type="datetime-local">.
const dateInput = "2006-01-02T15:04"

// fieldsOf gives the editor's fields for a parsed document.
func fieldsOf(d *content.Doc, loc *time.Location) fields {
	f := fields{
		Title:      d.Title,
		Slug:       d.Slug,
		Categories: strings.Join(d.CategoryNames, ", "),
		Tags:       strings.Join(d.Tags, ", "),
		Draft:      d.Draft,
		Summary:    d.Summary,
		Body:       strings.TrimLeft(string(d.Body), "\r\n"),
	}
	if pub := d.Published(); !pub.IsZero() {
		f.Date = pub.In(loc).Format(dateInput)
	}
	return f
}

// parseDateInput reads the date field as a wall-clock time in loc.
// Browsers send 2026-03-01T14:02 (or with seconds); without script or in
// an old browser an author may type a space instead of the T.
func parseDateInput(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dateInput, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return content.WallClock(t, loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", s)
}

// splitList splits a comma-separated field, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.Join(strings.Fields(e), " "); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// change is one edit to apply to a file: the fields as the file had them
// (zero for a new file) and as the author left them.
type change struct {
	key  string
	was  fields
	now  fields
	date time.Time // now.Date read in the site's zone; zero for none
}

// compose writes the file for an edit: its front matter, in the syntax
// the file already uses, and the body. Only the fields the author changed
// are written, so that the file's other fields, their order and its
// comments stay as they were.
func compose(orig []byte, c change) ([]byte, error) {
	was, now := c.was, c.now
	var set []content.Field
	field := func(value any, ifPresent bool, names ...string) {
		set = append(set, content.Field{Names: names, Value: value, IfPresent: ifPresent})
	}
	if now.Title != was.Title {
		field(now.Title, false, "title")
	}
	if now.Slug != was.Slug {
		// A slug the file name gives already is written only over one
		// the file states.
		field(now.Slug, now.Slug == content.DefaultSlug(c.key), "slug")
	}
	if now.Date != was.Date {
		var date any
		if !c.date.IsZero() {
			date = c.date
		}
		field(date, false, "date")
		// The publish date decides when readers see the post: it follows
		// the date where the file has one.
		if date != nil {
			field(date, true, "publishdate", "pubdate", "published")
		}
	}
	if now.Draft != was.Draft {
		// Publishing a file that never said draft needs no new field.
		field(now.Draft, !now.Draft, "draft")
	}
	if now.Categories != was.Categories {
		field(listValue(now.Categories), false, "categories")
	}
	if now.Tags != was.Tags {
		field(listValue(now.Tags), false, "tags")
	}
	if now.Summary != was.Summary {
		// Content reads a description as the summary when there is none.
		var summary any
		if s := strings.TrimSpace(now.Summary); s != "" {
			summary = s
		}
		field(summary, false, "summary", "description")
	}
	src, err := content.SetFields(orig, set...)
	if err != nil {
		return nil, err
	}
	return content.SetBody(src, now.Body)
}

// listValue is a comma-separated field as a front matter list, or nil
// (remove the field) when it names nothing.
func listValue(s string) any {
	if items := splitList(s); len(items) > 0 {
		return items
	}
	return nil
}
