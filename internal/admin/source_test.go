package admin

import (
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/content"
)

func TestComposeWritesOnlyWhatChanged(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	orig := "---\n# kept comment\ntitle: \"Old: title\"\nDate: 2024-03-31 09:30:15\nslug: old\nparams:\n  x: [1, 2]\ndescription: A description.\n---\n\nBody.\n"
	doc, _ := content.Parse("posts/a.md", content.KindPost, []byte(orig), berlin)
	was := fieldsOf(doc, berlin)
	if was.Date != "2024-03-31T09:30" || was.Summary != "A description." {
		t.Fatalf("fields %+v", was)
	}
	now := was
	now.Title = "New: title"
	now.Summary = "A better description."
	now.Tags = "go,  web , ,"
	now.Draft = true
	now.Body = "New body.\n"
	src, err := compose([]byte(orig), change{key: "posts/a.md", was: was, now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := "---\n# kept comment\ntitle: 'New: title'\nDate: 2024-03-31 09:30:15\nslug: old\nparams:\n  x: [1, 2]\ndescription: A better description.\ndraft: true\ntags: [go, web]\n---\n\nNew body.\n"
	if string(src) != want {
		t.Errorf("got\n%s\nwant\n%s", src, want)
	}

	// A new date is written with the site's offset, in daylight saving time too.
	now = was
	now.Date = "2026-07-01T08:00"
	date, err := parseDateInput(now.Date, berlin)
	if err != nil {
		t.Fatal(err)
	}
	src, _ = compose([]byte(orig), change{key: "posts/a.md", was: was, now: now, date: date})
	if !strings.Contains(string(src), "Date: 2026-07-01T08:00:00+02:00\n") {
		t.Errorf("date not written in the existing key with the zone's offset:\n%s", src)
	}
}

func TestComposeNewFileAndJSON(t *testing.T) {
	now := fields{Title: "Yes", Slug: "yes", Body: "Text"}
	src, err := compose(nil, change{key: "posts/yes.md", now: now})
	if err != nil {
		t.Fatal(err)
	}
	// "Yes" would be read as true by YAML 1.1 readers: it is quoted.
	if want := "---\ntitle: \"Yes\"\n---\n\nText\n"; string(src) != want {
		t.Errorf("got %q, want %q", src, want)
	}
	src, err = compose([]byte("{\"title\": \"J\", \"weight\": 2}\nBody\n"), change{key: "posts/j.md", was: fields{Title: "J"}, now: fields{Title: "J", Body: "Body\n"}})
	if err != nil {
		t.Fatal(err)
	}
	// A JSON header stays JSON.
	if want := "{\"title\": \"J\", \"weight\": 2}\n\nBody\n"; string(src) != want {
		t.Errorf("got %q, want %q", src, want)
	}
	if _, err := compose([]byte("---\ntitle: [unclosed\n---\n"), change{}); err == nil {
		t.Error("broken YAML composed without an error")
	}
}

func TestParseDateInput(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for in, want := range map[string]string{
		"2026-03-29T02:30":    "2026-03-29T03:30:00+02:00", // in the spring-forward gap
		"2026-10-25T02:30":    "2026-10-25T02:30:00+02:00", // happens twice: the earlier
		"2026-01-05 07:15":    "2026-01-05T07:15:00+01:00",
		"2026-01-05T07:15:09": "2026-01-05T07:15:09+01:00",
	} {
		got, err := parseDateInput(in, berlin)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("parseDateInput(%q) = %v, %v; want %s", in, got.Format(time.RFC3339), err, want)
		}
	}
	if _, err := parseDateInput("tomorrow", berlin); err == nil {
		t.Error("tomorrow is a date")
	}
}

func TestDiffAndMerge(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\nm\n"
	new := "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nl\nm\nk\n"
	v := diffTexts(old, new)
	if v.Added != 2 || v.Removed != 1 {
		t.Errorf("added %d, removed %d", v.Added, v.Removed)
	}
	var kinds []string
	for _, r := range v.Rows {
		kinds = append(kinds, r.Kind)
	}
	if got := strings.Join(kinds, " "); got != "same same del add same same same skip same same same add" {
		t.Errorf("rows %s", got)
	}
	merged := mergeMarked("one\ntheirs\nthree\n", "one\nyours\nthree\n")
	want := "one\n" + markTheirs + "\ntheirs\n" + markSplit + "\nyours\n" + markYours + "\nthree\n"
	if merged != want || !hasMarkers(merged) || hasMarkers("one\ntwo\n") {
		t.Errorf("merged %q", merged)
	}
	// Applying the edits gives the new text back, for texts of any shape.
	for _, pair := range [][2]string{{"", "x\n"}, {"x\n", ""}, {"a\nb\na\nb\n", "b\na\nb\na\n"}, {strings.Repeat("l\n", 50), strings.Repeat("l\nm\n", 30)}} {
		var got []string
		for _, e := range diffLines(splitLines(pair[0]), splitLines(pair[1])) {
			if e.op != opDel {
				got = append(got, e.text)
			}
		}
		if strings.Join(got, "\n") != strings.Join(splitLines(pair[1]), "\n") {
			t.Errorf("diff of %q and %q does not rebuild the new text", pair[0], pair[1])
		}
	}
}
