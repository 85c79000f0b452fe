package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestCheckAccountsForEveryFile: grail check on a Hugo site names every
// file it neither reads nor serves, with the reason (its shortcode
// templates and render hooks are read), names a broken
// setting with its file and line, and changes nothing in the folder.
func TestCheckAccountsForEveryFile(t *testing.T) {
	dir := t.TempDir()
	testsite.Write(t, dir, `
-- hugo.toml --
title = "Hugo"
[permalinks]
posts = "/:yaer/:slug/"
-- config/production/hugo.toml --
baseURL = "https://example.org/"
-- content/_index.md --
---
title: Home
---
-- content/posts/_index.md --
---
title: Writing
---
-- content/posts/a.md --
---
title: A
date: 2024-01-01
---
A.
-- content/posts/b/index.md --
---
title: B
date: 2024-01-02
---
B.
-- content/posts/b/notes.md --
Notes.
-- content/posts/b/photo.jpg --
JPG
-- content/posts/images/x.png --
PNG
-- content/keybase.txt --
proof
-- content/legacy.html --
<p>old</p>
-- static/robots.txt --
User-agent: *
-- layouts/_default/single.html --
{{ .Content }}
-- layouts/_default/list.html --
{{ .Content }}
-- layouts/shortcodes/note.html --
<aside>{{ .Inner }}</aside>
-- layouts/_default/_markup/render-link.html --
<a href="{{ .Destination }}">{{ .Text }}</a>
-- themes/ananke/theme.toml --
name = "ananke"
-- README.md --
# My blog
`)
	before := snapshotTree(t, dir)
	code, out, stderr := run(t, "check", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1 for the broken permalink; %s", code, stderr)
	}
	for _, want := range []string{
		"hugo.toml:3: permalinks.posts: :yaer is not a permalink token",
		"config/production/hugo.toml: configuration of another environment",
		"content/_index.md: an _index.md outside the sections: grail's home page is its own",
		"content/posts/b/notes.md: a resource of the page bundle content/posts/b/",
		"content/legacy.html:1: warning: an HTML file without front matter",
		"layouts/: Hugo templates; grail renders with its own theme (theme/ overrides it) (2 files not used)",
		"themes/: a Hugo theme",
		"README.md: not part of a Hugo site's",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	for _, served := range []string{"photo.jpg", "x.png", "keybase.txt", "robots.txt", "posts/a.md"} {
		if strings.Contains(out, served) {
			t.Errorf("check reports %s, which grail reads or serves:\n%s", served, out)
		}
	}
	if !strings.Contains(stderr, "4 sources read, 4 files served as files, 3 settings files, 7 files not used") {
		t.Errorf("summary %q", stderr)
	}
	if after := snapshotTree(t, dir); after != before {
		t.Errorf("check changed the site folder:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshotTree is every name under dir with its size and modification time.
func snapshotTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + info.ModTime().String() + " " + info.Mode().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
