package testsite

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFolder(t *testing.T) {
	dir := Folder(t, `
This comment is not a file.
-- grail.toml --
title = "Test Blog"
-- posts/2024/first.md --
---
title: First
---
Body.
-- media/empty.txt --
`)
	for name, want := range map[string]string{
		"grail.toml":          "title = \"Test Blog\"\n",
		"posts/2024/first.md": "---\ntitle: First\n---\nBody.\n",
		"media/empty.txt":     "",
	} {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("folder holds %d entries, want grail.toml, posts and media", len(entries))
	}
}

func TestFilesRefusesRepeatedNames(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an archive with a name twice was accepted")
		}
	}()
	Files("-- a.md --\none\n-- a.md --\ntwo\n")
}
