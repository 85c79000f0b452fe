package content

import (
	"testing"
	"time"
)

func TestHugoPublishingFields(t *testing.T) {
	d, problems := Parse("content/posts/a.md", KindPost, []byte("---\ntitle: A\ndate: 2024-01-01\nURL: elsewhere/a/\nexpiryDate: 2025-01-01\n---\n"), time.UTC)
	if d == nil || len(problems) > 0 {
		t.Fatal(problems)
	}
	if d.URL != "/elsewhere/a/" || !d.ExpiryDate.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("url %q, expiryDate %v", d.URL, d.ExpiryDate)
	}
	if !d.Visible(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)) || d.Visible(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("a doc is visible from its date until its expiryDate")
	}
	for _, fm := range []string{"headless: true\n", "_build:\n  render: never\n", "_build:\n  render: false\n"} {
		d, _ := Parse("content/posts/a.md", KindPost, []byte("---\ntitle: A\ndate: 2024-01-01\n"+fm+"---\n"), time.UTC)
		if d == nil || !d.Unpublished || d.Visible(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%q: the doc is published", fm)
		}
	}
	_, problems = Parse("content/posts/a.md", KindPost, []byte("---\ntitle: A\ndate: 2024-01-01\nexpiryDate: soon\n---\n"), time.UTC)
	if len(problems) != 1 || problems[0].Line != 4 || !problems[0].Skipped {
		t.Errorf("a bad expiryDate: %v", problems)
	}
}

// TestEntryKind: a file of a Hugo section is a post when dated, and a
// page (which Hugo publishes all the same) when not; a draft stays a post.
func TestEntryKind(t *testing.T) {
	for src, want := range map[string]Kind{
		"---\ntitle: T\ndate: 2024-01-01\n---\nx\n": KindPost,
		"---\ntitle: T\n---\nx\n":                   KindPage,
		"---\ntitle: T\ndraft: true\n---\nx\n":      KindPost,
	} {
		d, problems := Parse("content/projects/t.md", KindEntry, []byte(src), time.UTC)
		if d == nil || len(problems) > 0 || d.Kind != want {
			t.Errorf("%q: %+v %v, want a %s", src, d, problems, want)
		}
		if want == KindPost && !d.Draft && d.Lead == nil {
			t.Errorf("%q: a post without its lead", src)
		}
	}
}
