package store

import (
	"context"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestHugoConfig: a Hugo site's configuration is read from its root file
// and config/_default/, grail.toml goes on top, and a broken file is a
// problem that leaves the site served.
func TestHugoConfig(t *testing.T) {
	dir := t.TempDir()
	testsite.Write(t, dir, `
-- content/posts/a.md --
x
-- hugo.yaml --
title: From Hugo
-- config/_default/params.toml --
description = "Split config"
-- config/_default/menus.toml --
[[main]]
name = 
-- grail.toml --
homePosts = 2
`)
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Config(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "From Hugo" || c.Description != "Split config" || c.HomePosts != 2 || c.Hugo == nil {
		t.Errorf("got %+v", c)
	}
	if len(c.Problems) != 1 || !strings.HasPrefix(c.Problems[0].Error(), "config/_default/menus.toml:2:") {
		t.Errorf("problems %v, want the broken menus.toml named with its line", c.Problems)
	}
}

// TestHugoSections: every folder of content/ is a section of posts, the
// usual posts folder first (where new posts go), a folder with an
// index.md is a page, and a leaf bundle's other Markdown files are not
// sources.
func TestHugoSections(t *testing.T) {
	dir := t.TempDir()
	testsite.Write(t, dir, `
-- content/articles/a.md --
x
-- content/posts/b.md --
x
-- content/posts/c/index.md --
x
-- content/posts/c/notes.md --
x
-- content/about/index.md --
x
-- content/top.md --
x
`)
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := strings.Join(s.Layout().PostDirs, " "); got != "content/posts/ content/articles/" {
		t.Errorf("sections %q", got)
	}
	if got := s.PostKey("new"); got != "content/posts/new.md" {
		t.Errorf("a new post goes to %s", got)
	}
	got := strings.Join(sourceKeys(t, s), " ")
	want := "page:content/about/index.md page:content/top.md post:content/articles/a.md post:content/posts/b.md post:content/posts/c/index.md"
	if got != want {
		t.Errorf("sources\n got %s\nwant %s", got, want)
	}
}
