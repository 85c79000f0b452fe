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
