package export

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// siteArchive is a small site with everything an export must keep and
// grail state it must leave: the session key, an account, a revision,
// trash, a login record, a job and the index snapshot.
const siteArchive = `
-- grail.toml --
title = "Moving Blog"
baseURL = "https://example.com"
timeZone = "Europe/Paris"
-- posts/first.md --
---
title: First post
date: 2024-01-10T09:30:00+01:00
tags: [go, zip]
categories: [Programming/Go]
mood: calm
---
The first paragraph.
-- posts/second/index.md --
---
title: Second post
date: 2024-02-11
tags: [bundles]
---
A bundle with ![a picture](diagram.svg).
-- posts/second/diagram.svg --
<svg xmlns="http://www.w3.org/2000/svg"></svg>
-- pages/about.md --
---
title: About
---
Who writes this.
-- media/2024/photo.txt --
not really a photo
-- theme/partials/footer.html --
<footer>mine</footer>
-- _grail/secret --
c2VjcmV0
-- _grail/users/alice.json --
{"hash":"x"}
-- _grail/revisions/posts/first.md/1.md --
old
-- _grail/trash/posts/gone.md --
gone
-- _grail/logins/a.json --
{}
-- _grail/jobs/j1.json --
{}
-- _grail/index.json --
{}
`

// wantFiles are the files of siteArchive an export holds.
var wantFiles = []string{
	"grail.toml", "media/2024/photo.txt", "pages/about.md", "posts/first.md",
	"posts/second/diagram.svg", "posts/second/index.md", "theme/partials/footer.html",
}

func exportZip(t *testing.T, dir string) ([]byte, Stats) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf bytes.Buffer
	s, err := Zip(ctx, st, &buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), s
}

func TestZipHoldsTheSiteAndNoState(t *testing.T) {
	dir := testsite.Folder(t, siteArchive)
	data, s := exportZip(t, dir)
	if s.Files != len(wantFiles) || s.Skipped != 7 {
		t.Errorf("stats %+v, want %d files and 7 skipped", s, len(wantFiles))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Fatal(err)
		}
		if got := readEntry(t, f); !bytes.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", f.Name, got, want)
		}
		fi, _ := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if !f.Modified.Equal(fi.ModTime().Truncate(1e9)) && !f.Modified.Equal(fi.ModTime()) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, fi.ModTime())
		}
		if f.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", f.Name, f.Mode())
		}
	}
	if !slices.Equal(names, wantFiles) {
		t.Errorf("entries %q\nwant %q", names, wantFiles)
	}
	again, _ := exportZip(t, dir)
	if !bytes.Equal(data, again) {
		t.Error("two exports of the same site differ")
	}
}

func readEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEntryNameRefusesEscapes(t *testing.T) {
	for _, key := range []string{"", "..", "../x", "a/../../x", "/etc/passwd", `a\..\x`, "C:/x", "a//b", "./a"} {
		if name, err := EntryName(key); err == nil {
			t.Errorf("EntryName(%q) = %q, want an error", key, name)
		}
	}
	for _, key := range []string{"posts/a.md", "media/x..y.png", "a/b/c"} {
		if _, err := EntryName(key); err != nil {
			t.Errorf("EntryName(%q): %v", key, err)
		}
	}
}

// TestRoundTrip unzips an export into an empty folder and loads both
// sites: the same docs, titles, instants and terms.
func TestRoundTrip(t *testing.T) {
	dir := testsite.Folder(t, siteArchive)
	data, _ := exportZip(t, dir)
	out := t.TempDir()
	unzip(t, data, out)
	a, b := load(t, dir), load(t, out)
	if len(a.Docs) != len(b.Docs) || len(a.Posts) != 2 {
		t.Fatalf("docs %d and %d (posts %d)", len(a.Docs), len(b.Docs), len(a.Posts))
	}
	byKey := map[string]*content.Doc{}
	for _, e := range b.Docs {
		byKey[e.Key] = e
	}
	for i, d := range a.Docs {
		e := byKey[d.Key]
		if e == nil || d.Title != e.Title || !d.Date.Equal(e.Date) ||
			!slices.Equal(d.Tags, e.Tags) || !slices.Equal(d.Categories, e.Categories) || a.URLs.Doc(d) != b.URLs.Doc(e) {
			t.Errorf("doc %d: %+v\nbecame %+v", i, d, e)
		}
	}
	if len(a.Problems)+len(b.Problems) != 0 {
		t.Errorf("problems: %v %v", a.Problems, b.Problems)
	}
}

func unzip(t *testing.T, data []byte, dir string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, readEntry(t, f), f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

func load(t *testing.T, dir string) *site.Site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	loader := site.NewLoader(st, nil, nil)
	loader.ReadOnly = true
	if _, err := loader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	return loader.Current()
}
