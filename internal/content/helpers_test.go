package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the host's zoneinfo
)

// zone loads an IANA zone or stops the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// readFixture returns a file under testdata.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stamp shows an instant with the offset it carries, so that comparing two
// stamps checks both the instant and the offset ("" for the zero time).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// docView is what a reader of a Doc sees, in comparable form.
type docView struct {
	Title, Slug                  string
	Date, Lastmod, PublishDate   string
	Draft                        bool
	Categories, CategoryNames    []string
	Tags, Aliases                []string
	Summary, Description, Bundle string
	Lead                         string
	HasMore                      bool
	BodyLine                     int
}

func viewOf(d *Doc) docView {
	return docView{
		Title: d.Title, Slug: d.Slug,
		Date: stamp(d.Date), Lastmod: stamp(d.Lastmod), PublishDate: stamp(d.PublishDate),
		Draft: d.Draft, Categories: d.Categories, CategoryNames: d.CategoryNames,
		Tags: d.Tags, Aliases: d.Aliases,
		Summary: d.Summary, Description: d.Description, Bundle: d.Bundle,
		Lead: string(d.Lead), HasMore: d.HasMore, BodyLine: d.BodyLine,
	}
}

// wantProblem is a problem a test expects; msg need only be part of the message.
type wantProblem struct {
	line    int
	field   string
	skipped bool
	msg     string
}

func (w wantProblem) String() string {
	return fmt.Sprintf("line %d field %q skipped=%v message ~%q", w.line, w.field, w.skipped, w.msg)
}

// checkProblems compares problems with want, in order, and checks that
// each one names the file.
func checkProblems(t *testing.T, key string, got []Problem, want []wantProblem) {
	t.Helper()
	match := len(got) == len(want)
	for i := 0; match && i < len(got); i++ {
		g, w := got[i], want[i]
		match = g.File == key && g.Line == w.line && g.Field == w.field &&
			g.Skipped == w.skipped && strings.Contains(g.Message, w.msg)
	}
	if match {
		return
	}
	var b strings.Builder
	for _, p := range got {
		fmt.Fprintf(&b, "\n  got  %s (line %d field %q)", p, p.Line, p.Field)
	}
	for _, w := range want {
		fmt.Fprintf(&b, "\n  want %s", w)
	}
	t.Errorf("problems differ:%s", b.String())
}
