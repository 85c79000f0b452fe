package cli

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/export"
	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/testsite"
)

const exportSite = `
-- grail.toml --
title = "Moving Blog"
-- posts/first.md --
---
title: First post
date: 2024-01-10
---
Hello.
-- _grail/secret --
c2VjcmV0
-- _grail/users/alice.json --
{}
`

func TestExportWritesAZipAndASummary(t *testing.T) {
	dir := testsite.Folder(t, exportSite)
	post := filepath.Join(dir, "posts", "first.md")
	mtime := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chmod(post, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(post, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site.zip")
	code, stdout, stderr := run(t, "export", "--site", dir, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "exported 2 files") || !strings.Contains(stdout, "skipped 2 private files") {
		t.Errorf("summary %q", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "_grail") {
			t.Errorf("zip holds %s", f.Name)
		}
		if f.Name == "posts/first.md" && (f.Mode().Perm() != 0o600 || !f.Modified.Equal(mtime)) {
			t.Errorf("%s: mode %v, modified %v; want 0600 and %v", f.Name, f.Mode(), f.Modified, mtime)
		}
	}
	if _, err := os.Stat(out + ".tmp"); err == nil {
		t.Error("the .tmp file is left behind")
	}
	// The unzipped export is a site that grail check passes.
	back := t.TempDir()
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(back, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
	if code, stdout, stderr := run(t, "check", back); code != 0 {
		t.Errorf("check of the unzipped export: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestExportBadInput(t *testing.T) {
	dir := testsite.Folder(t, exportSite)
	tmp := t.TempDir()
	existing := filepath.Join(tmp, "old.zip")
	os.WriteFile(existing, []byte("keep me"), 0o644)
	tests := []struct {
		name string
		args []string
		out  string
		want string
	}{
		{"existing without --force", []string{"--site", dir, existing}, existing, "exists; give --force"},
		{"unwritable folder", []string{"--site", dir, filepath.Join(tmp, "no", "such", "dir", "x.zip")}, filepath.Join(tmp, "no", "such", "dir", "x.zip"), "cannot write"},
		{"missing site", []string{"--site", filepath.Join(tmp, "nosite"), filepath.Join(tmp, "m.zip")}, filepath.Join(tmp, "m.zip"), "grail export:"},
		{"bad format", []string{"--site", dir, "--format", "jekyll", filepath.Join(tmp, "f.zip")}, filepath.Join(tmp, "f.zip"), "--format must be grail or hugo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"export"}, tt.args...)...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tt.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
				t.Errorf("more than a line of error: %q", stderr)
			}
			if _, err := os.Stat(tt.out + ".tmp"); err == nil {
				t.Error("left a .tmp behind")
			}
			if tt.out != existing {
				if _, err := os.Stat(tt.out); err == nil {
					t.Error("left a zip behind")
				}
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Error("the existing zip was changed")
	}
	if code, _, stderr := run(t, "export", "--site", dir, "--force", existing); code != 0 {
		t.Errorf("--force: exit %d: %s", code, stderr)
	}
}

func TestExportHelp(t *testing.T) {
	code, _, stderr := run(t, "help", "export")
	for _, want := range []string{"--site", "--format", "--force", "Examples:", "_grail/"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help lacks %q:\n%s", want, stderr)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestExportFromABucket(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.BucketURL()
	dir := testsite.Folder(t, exportSite)
	mustGrail(t, "push", dir, bucket)
	out := filepath.Join(t.TempDir(), "bucket.zip")
	got := mustGrail(t, "export", "--site", bucket, out)
	// The push made the bucket's index; it is skipped with the secrets.
	if !strings.Contains(got, "exported 2 files") {
		t.Errorf("summary %q", got)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != "grail.toml posts/first.md" {
		t.Errorf("entries %q", names)
	}
}

// A failed write leaves neither the zip nor its temporary file.
func TestWriteAtomicallyCleansUp(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.zip")
	_, err := writeAtomically(out, func(w io.Writer) (export.Stats, error) {
		w.Write([]byte("PK half a zip"))
		return export.Stats{}, errors.New("the bucket went away")
	})
	if err == nil || err.Error() != "the bucket went away" {
		t.Errorf("err = %v", err)
	}
	for _, p := range []string{out, out + ".tmp"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is left behind", p)
		}
	}
}

func TestExportHugoOfAHugoSiteIsRefused(t *testing.T) {
	dir := testsite.Folder(t, `
-- hugo.toml --
title = "Hugo"
-- content/posts/a.md --
---
title: A
---
A.
`)
	out := filepath.Join(t.TempDir(), "h.zip")
	code, _, stderr := run(t, "export", "--format", "hugo", "--site", dir, out)
	if code != 1 || !strings.Contains(stderr, "--format grail copies as it is") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out + ".tmp"); err == nil {
		t.Error("left a .tmp behind")
	}
}
