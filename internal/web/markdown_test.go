package web

import (
	"strings"
	"testing"
)

// A post's alerts, definition lists and mathematics fences reach the page
// drawn, as the theme styles them.
func TestPostMarkdownExtensions(t *testing.T) {
	ts := newTestSite(t, map[string]string{
		"posts/notes.md": post("Notes", "2024-01-10") + "> [!WARNING]\n> Mind the gap.\n\nTerm\n: Definition.\n\n```math\n\\frac{1}{2}\n```\n",
	})
	resp, body := ts.get(t, "/blog/notes")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<div class="alert alert-warning" role="note">`, `<p class="alert-title">Warning</p>`,
		"<dt>Term</dt>", `<math display="block">`, "<mfrac>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
