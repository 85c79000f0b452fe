// Package testsite writes the sites tests serve from txtar archives, so
// that a test shows its site as the files an author would write:
//
//	dir := testsite.Folder(t, `
//	-- grail.toml --
//	title = "Test Blog"
//	-- posts/first.md --
//	---
//	title: First post
//	date: 2024-01-10
//	---
//	The first paragraph.
//	`)
//
// Every file of an archive ends with a newline (txtar adds one where it
// is missing); a test that needs exact bytes, or binary ones, adds those
// files itself with WriteFiles. Only tests import this package.
package testsite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// Files returns the files of archive by name. Text before the first file
// (a comment) is ignored; a name given twice is an error in the test.
func Files(archive string) map[string]string {
	a := txtar.Parse([]byte(strings.TrimLeft(archive, "\n")))
	files := make(map[string]string, len(a.Files))
	for _, f := range a.Files {
		if _, dup := files[f.Name]; dup {
			panic("testsite: " + f.Name + " twice in one archive")
		}
		files[f.Name] = string(f.Data)
	}
	return files
}

// Write writes the files of archive into dir.
func Write(t testing.TB, dir, archive string) {
	t.Helper()
	WriteFiles(t, dir, Files(archive))
}

// WriteFiles writes files (slash-separated name → content) into dir,
// making the folders they need.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			t.Fatalf("testsite: %q is not a path inside the site", name)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Folder returns a new folder holding the files of archive; it is
// removed when the test ends.
func Folder(t testing.TB, archive string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, archive)
	return dir
}
