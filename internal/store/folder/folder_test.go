package folder

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/store/backend"
	"github.com/grailblog/grail/internal/store/backend/backendtest"
)

func open(t *testing.T, dir string) *Backend {
	t.Helper()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestContract(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend { return open(t, t.TempDir()) })
}

// TestNamesTheFileSystemRefuses: a name too long for the file system is
// an invalid key, and a symbolic link out of the folder is never followed.
func TestNamesTheFileSystemRefuses(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("TOP SECRET"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "media")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	b := open(t, dir)
	ctx := context.Background()
	_, _, err := b.ReadAll(ctx, "media/secret.txt")
	if !errors.Is(err, backend.ErrInvalidKey) {
		t.Errorf("read through a link out of the folder: %v, want ErrInvalidKey", err)
	}
	os.Mkdir(filepath.Join(dir, "posts"), 0o755)
	long := "posts/" + strings.Repeat("a", 300) + ".md"
	if _, err := b.Stat(ctx, long); !errors.Is(err, backend.ErrInvalidKey) {
		t.Errorf("stat a 300-byte name: %v, want ErrInvalidKey", err)
	}
	if _, err := b.Write(ctx, long, []byte("x"), backend.WriteOptions{}); !errors.Is(err, backend.ErrInvalidKey) {
		t.Errorf("write a 300-byte name: %v, want ErrInvalidKey", err)
	}
	os.WriteFile(filepath.Join(dir, "theme"), []byte("a file where a folder should be"), 0o644)
	if _, err := b.Write(ctx, "theme/style.css", []byte("x"), backend.WriteOptions{}); !errors.Is(err, backend.ErrInvalidKey) {
		t.Errorf("write below a file: %v, want ErrInvalidKey", err)
	}
}

// TestDenied: a file the server may not read is refused, not missing.
func TestDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "posts", "locked.md")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("x"), 0o000)
	_, _, err := open(t, dir).ReadAll(context.Background(), "posts/locked.md")
	if !errors.Is(err, backend.ErrDenied) {
		t.Errorf("read an unreadable file: %v, want ErrDenied", err)
	}
}

// TestStaleTempFilesRemovedOnOpen: a write killed between creating its
// temporary file and renaming it leaves the file behind; the next open
// removes it once it is old enough not to be another process's write in
// progress.
func TestStaleTempFilesRemovedOnOpen(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "posts", "2024"), 0o755)
	old := filepath.Join(dir, "posts", "2024", tempPrefix+"0123456789abcdef"+tempSuffix)
	fresh := filepath.Join(dir, "posts", tempPrefix+"fedcba9876543210"+tempSuffix)
	other := filepath.Join(dir, "posts", ".notes.tmp")
	for _, p := range []string{old, fresh, other} {
		if err := os.WriteFile(p, []byte("half a post"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Hour)
	os.Chtimes(old, long, long)
	os.Chtimes(other, long, long)
	open(t, dir)
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale temporary file is still there (%v)", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
}

// TestWatchSeesChanges: an editor's save in the folder is reported.
func TestWatchSeesChanges(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{}, 1)
	err := b.Watch(ctx, func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}, func(err error) { t.Errorf("watch: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "hello.md"), []byte("hi"), 0o644)
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
	}
}

// TestStateKeptOutOfGit: the first write under _grail/ leaves an ignore
// file there, so "git add -A" in a site folder commits the posts and
// none of grail's secrets; a folder without state gets no _grail/.
func TestStateKeptOutOfGit(t *testing.T) {
	dir := t.TempDir()
	b := open(t, dir)
	ctx := context.Background()
	if _, err := b.Write(ctx, "posts/a.md", []byte("post"), backend.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "_grail")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("writing a post made _grail/: %v", err)
	}
	for _, key := range []string{"_grail/secret", "_grail/users/ann.json"} {
		if _, err := b.Write(ctx, key, []byte("private"), backend.WriteOptions{IfAbsent: true}); err != nil {
			t.Fatal(err)
		}
	}
	ignore, err := os.ReadFile(filepath.Join(dir, "_grail", ".gitignore"))
	if err != nil || !strings.Contains("\n"+string(ignore), "\n*\n") {
		t.Fatalf("_grail/.gitignore = %q, %v; want a line *", ignore, err)
	}
	var keys []string
	b.List(ctx, "_grail/", func(o backend.ObjectInfo) error { keys = append(keys, o.Key); return nil })
	if strings.Join(keys, " ") != "_grail/secret _grail/users/ann.json" {
		t.Errorf("listed %v; the ignore file is not an object", keys)
	}

	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git here")
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		if out, err := exec.Command(git, append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	out, err := exec.Command(git, "-C", dir, "ls-files").Output()
	if err != nil || string(out) != "posts/a.md\n" {
		t.Errorf("git add -A staged %q (%v); want only posts/a.md", out, err)
	}
}

// TestEditedIgnoreFileKept: an ignore file the writer changed is theirs.
func TestEditedIgnoreFileKept(t *testing.T) {
	dir := t.TempDir()
	mine := "# mine\nsecret\nusers/\n"
	os.Mkdir(filepath.Join(dir, "_grail"), 0o700)
	os.WriteFile(filepath.Join(dir, "_grail", ".gitignore"), []byte(mine), 0o644)
	b := open(t, dir)
	if _, err := b.Write(context.Background(), "_grail/secret", []byte("key"), backend.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "_grail", ".gitignore")); string(got) != mine {
		t.Errorf("the writer's ignore file became %q", got)
	}
}
