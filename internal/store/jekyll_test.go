package store

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestJekyllSite: a folder with _config.yml and _posts/ is read as a
// Jekyll site: its posts, drafts, pages and published collections are
// sources, its other files are served as they are, and grail check's
// inventory says why the rest is not used.
func TestJekyllSite(t *testing.T) {
	dir := t.TempDir()
	testsite.Write(t, dir, testsite.JekyllBlog)
	ctx := context.Background()
	s, err := Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Layout().Jekyll {
		t.Fatalf("layout %+v", s.Layout())
	}
	c, err := s.Config(ctx)
	if err != nil || c.Jekyll == nil || c.Title != "Jekyll Blog" {
		t.Fatalf("config %+v, %v", c, err)
	}
	sources, err := s.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, src := range sources {
		got = append(got, fmt.Sprintf("%s %s", src.Key, src.Kind))
	}
	slices.Sort(got)
	want := []string{
		"_drafts/unfinished.md post", "_posts/2023-06-01-pretty.md post", "_posts/2023-12-24-no-title.md post",
		"_posts/2024-03-31-hello-world.md post", "_posts/2024-04-02-second.markdown post", "_recipes/cake.md page",
		"about.md page", "blog/_posts/2024-05-01-in-a-folder.md post", "docs/guide.md page",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sources\n got %q\nwant %q", got, want)
	}
	for name, served := range map[string]bool{
		"assets/site.css": true, "images/note.txt": true,
		"index.html": false, "_config.yml": false, "_includes/note.html": false, "about.md": false, "drafts-notes.md": false,
	} {
		f, err := s.OpenStatic(ctx, name)
		if (err == nil) != served {
			t.Errorf("%s: served %v, want %v (%v)", name, err == nil, served, err)
		}
		if err == nil {
			if b, _ := io.ReadAll(f); len(b) == 0 {
				t.Errorf("%s: served empty", name)
			}
			f.Close()
		}
	}
	inv, err := s.TakeInventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	unused := map[string]string{}
	for _, u := range inv.Unused {
		unused[u.Key] = u.Reason
	}
	for _, key := range []string{"_layouts/", "_includes/", "_sass/", "_notes/secret.md", "drafts-notes.md", "index.html"} {
		if unused[key] == "" {
			t.Errorf("%s is not counted as unused: %v", key, inv.Unused)
		}
	}
	if inv.Settings != 1 || inv.Sources != len(want) || inv.Published != 2 {
		t.Errorf("settings %d, sources %d, published %d", inv.Settings, inv.Sources, inv.Published)
	}
}

// TestJekyllNeedsPosts: a _config.yml alone does not make a Jekyll site.
func TestJekyllNeedsPosts(t *testing.T) {
	dir := t.TempDir()
	testsite.Write(t, dir, "-- _config.yml --\ntitle: x\n-- posts/a.md --\nx\n")
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Layout().Jekyll {
		t.Error("read as a Jekyll site")
	}
}
