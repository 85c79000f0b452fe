// Package backendtest holds the tests of backend.Backend's error
// contract, which every backend's own tests run against it.
package backendtest

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/store/backend"
)

// Run checks that the empty store open returns keeps the contract.
func Run(t *testing.T, open func(t *testing.T) backend.Backend) {
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, open(t)) })
	t.Run("Conflict", func(t *testing.T) { testConflict(t, open(t)) })
	t.Run("InvalidKey", func(t *testing.T) { testInvalidKey(t, open(t)) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, open(t)) })
	t.Run("Lists", func(t *testing.T) { testLists(t, open(t)) })
}

func write(t *testing.T, b backend.Backend, key, text string, o backend.WriteOptions) backend.ObjectInfo {
	t.Helper()
	info, err := b.Write(context.Background(), key, []byte(text), o)
	if err != nil {
		t.Fatalf("write %s: %v", key, err)
	}
	return info
}

// wantKind fails unless err wraps kind.
func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("%s: %v, want an error wrapping %q", what, err, kind)
	}
}

func testNotFound(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	write(t, b, "media/2024/photo.png", "png", backend.WriteOptions{})
	// A missing key, and one that uses an object as a folder.
	for _, key := range []string{"media/2024/missing.png", "media/2024/photo.png/x", "nothing/here.md"} {
		_, err := b.Stat(ctx, key)
		wantKind(t, "stat "+key, err, backend.ErrNotFound)
		_, _, err = b.ReadAll(ctx, key)
		wantKind(t, "read "+key, err, backend.ErrNotFound)
		_, err = b.Open(ctx, key)
		wantKind(t, "open "+key, err, backend.ErrNotFound)
		if err := b.Delete(ctx, key); err != nil {
			t.Errorf("delete missing %s: %v, want nil", key, err)
		}
	}
	// A key too long for some stores is refused as invalid, or simply
	// not there; never an unclassified failure.
	long := "media/" + strings.Repeat("a", 300) + ".png"
	if _, err := b.Stat(ctx, long); !errors.Is(err, backend.ErrNotFound) && !errors.Is(err, backend.ErrInvalidKey) {
		t.Errorf("stat a 300-byte name: %v, want not found or invalid key", err)
	}
}

func testConflict(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	first := write(t, b, "posts/a.md", "one", backend.WriteOptions{IfAbsent: true})
	_, err := b.Write(ctx, "posts/a.md", []byte("again"), backend.WriteOptions{IfAbsent: true})
	wantKind(t, "create over an object", err, backend.ErrConflict)
	second := write(t, b, "posts/a.md", "two", backend.WriteOptions{IfMatch: first.ETag})
	_, err = b.Write(ctx, "posts/a.md", []byte("stale"), backend.WriteOptions{IfMatch: first.ETag})
	wantKind(t, "update from a stale version", err, backend.ErrConflict)
	_, err = b.Write(ctx, "posts/gone.md", []byte("x"), backend.WriteOptions{IfMatch: second.ETag})
	wantKind(t, "update of a missing object", err, backend.ErrConflict)
	if data, _, err := b.ReadAll(ctx, "posts/a.md"); err != nil || string(data) != "two" {
		t.Errorf("after the refused writes: %q, %v; want two", data, err)
	}
	write(t, b, "posts/a.md", "three", backend.WriteOptions{}) // unconditional: never a conflict
}

func testInvalidKey(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	for _, key := range []string{"", ".", "../x", "a/../../x", "/abs", "a\\b", "a/.hidden", ".git/config", "a/\x00"} {
		_, err := b.Stat(ctx, key)
		wantKind(t, "stat "+key, err, backend.ErrInvalidKey)
		_, _, err = b.ReadAll(ctx, key)
		wantKind(t, "read "+key, err, backend.ErrInvalidKey)
		_, err = b.Open(ctx, key)
		wantKind(t, "open "+key, err, backend.ErrInvalidKey)
		_, err = b.Write(ctx, key, []byte("x"), backend.WriteOptions{})
		wantKind(t, "write "+key, err, backend.ErrInvalidKey)
		wantKind(t, "delete "+key, b.Delete(ctx, key), backend.ErrInvalidKey)
	}
}

func testVersions(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	w := write(t, b, "media/f.txt", "0123456789", backend.WriteOptions{ContentType: "text/plain"})
	st, err := b.Stat(ctx, "media/f.txt")
	if err != nil || st.ETag != w.ETag || st.Size != 10 {
		t.Fatalf("stat: %+v, %v; want the written version %s", st, err, w.ETag)
	}
	data, info, err := b.ReadAll(ctx, "media/f.txt")
	if err != nil || string(data) != "0123456789" || info.ETag != w.ETag {
		t.Fatalf("read: %q %+v, %v", data, info, err)
	}
	f, err := b.Open(ctx, "media/f.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if rest, err := io.ReadAll(f); err != nil || string(rest) != "6789" {
		t.Errorf("read from 6: %q, %v", rest, err)
	}
	again := write(t, b, "media/f.txt", "changed", backend.WriteOptions{})
	if again.ETag == w.ETag {
		t.Error("the ETag did not change with the content")
	}
}

func testLists(t *testing.T, b backend.Backend) {
	ctx := context.Background()
	for _, key := range []string{"posts/a.md", "posts/2024/b.md", "pages/c.md"} {
		write(t, b, key, key, backend.WriteOptions{})
	}
	var keys []string
	err := b.List(ctx, "posts/", func(o backend.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	})
	if got := strings.Join(sorted(keys), " "); err != nil || got != "posts/2024/b.md posts/a.md" {
		t.Errorf("list posts/: %s, %v", got, err)
	}
	err = b.List(ctx, "drafts/", func(o backend.ObjectInfo) error {
		t.Errorf("an empty prefix listed %s", o.Key)
		return nil
	})
	if err != nil {
		t.Errorf("list of an empty prefix: %v, want nil", err)
	}
	stop := errors.New("stop")
	if err := b.List(ctx, "", func(backend.ObjectInfo) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("list returned %v, want the callback's error", err)
	}
	dirs, err := b.ListDirs(ctx, "")
	if got := strings.Join(sorted(dirs), " "); err != nil || got != "pages/ posts/" {
		t.Errorf("dirs: %s, %v", got, err)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
