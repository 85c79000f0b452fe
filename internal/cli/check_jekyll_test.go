package cli

import (
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestCheckJekyllSite: grail check reads a Jekyll site in place, names
// the file and line of Liquid that Jekyll would stop at as a warning,
// and says why Jekyll's build folders are not used.
func TestCheckJekyllSite(t *testing.T) {
	dir := t.TempDir()
	files := testsite.Files(testsite.JekyllBlog)
	files["_posts/2024-02-01-broken.md"] = "---\ntitle: Broken\n---\nText.\n\n{% nosuchtag %}\n{% post_url 1999-01-01-gone %}\n"
	testsite.WriteFiles(t, dir, files)
	code, out, stderr := run(t, "check", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0; %s", code, stderr)
	}
	for _, want := range []string{
		`_posts/2024-02-01-broken.md:6: warning: Liquid: undefined tag "nosuchtag"`,
		`_posts/2024-02-01-broken.md:7: warning: Liquid: post_url: no post named "1999-01-01-gone"`,
		`_layouts/: Jekyll layouts`,
		`index.html: a page Jekyll renders with its layouts`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "6 posts, 3 pages, 0 problems, 2 warnings") {
		t.Errorf("summary %q", stderr)
	}
}
