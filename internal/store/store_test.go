package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/s3test"
)

// backends opens an empty site on each kind of store; every test in the
// suite runs against all three.
var backends = []struct {
	name string
	open func(t *testing.T) string
}{
	{"folder", func(t *testing.T) string { return t.TempDir() }},
	{"mem", func(t *testing.T) string { return "mem://" }},
	{"s3", func(t *testing.T) string {
		if testing.Short() {
			t.Skip("needs the S3 server")
		}
		srv := s3test.Start(t)
		srv.SetEnv(t)
		return srv.BucketURL()
	}},
}

func eachBackend(t *testing.T, test func(t *testing.T, s *Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, err := Open(context.Background(), b.open(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			test(t, s)
		})
	}
}

func mustRead(t *testing.T, s *Store, key string) (string, ObjectInfo) {
	t.Helper()
	data, info, err := s.Read(context.Background(), key)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(data), info
}

func TestCreateAndUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		key := "posts/hello.md"
		first, err := s.Create(ctx, key, []byte("version 1"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, key, []byte("again")); !errors.Is(err, ErrConflict) {
			t.Fatalf("second create: %v, want ErrConflict", err)
		}
		text, info := mustRead(t, s, key)
		if text != "version 1" || info.ETag != first.ETag {
			t.Fatalf("read %q etag %s, want version 1 etag %s", text, info.ETag, first.ETag)
		}
		second, err := s.Update(ctx, key, []byte("version 2"), info.ETag)
		if err != nil {
			t.Fatal(err)
		}
		if second.ETag == first.ETag {
			t.Error("the ETag did not change")
		}
		if text, _ := mustRead(t, s, key); text != "version 2" {
			t.Errorf("after update: %q", text)
		}
		revs, err := s.Revisions(ctx, key)
		if err != nil || len(revs) != 1 {
			t.Fatalf("revisions %v, %v; want one", revs, err)
		}
		old, err := s.ReadRevision(ctx, revs[0].Key)
		if err != nil || string(old) != "version 1" {
			t.Errorf("revision holds %q, %v", old, err)
		}
		// An update from the first version is now stale.
		if _, err := s.Update(ctx, key, []byte("late edit"), first.ETag); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		if text, _ := mustRead(t, s, key); text != "version 2" {
			t.Errorf("a stale update overwrote the post: %q", text)
		}
		if !revisionTexts(t, s, key)["late edit"] {
			t.Error("the text of the refused update was not kept")
		}
	})
}

func revisionTexts(t *testing.T, s *Store, key string) map[string]bool {
	t.Helper()
	revs, err := s.Revisions(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	for _, r := range revs {
		data, err := s.ReadRevision(context.Background(), r.Key)
		if err != nil {
			t.Fatal(err)
		}
		texts[string(data)] = true
	}
	return texts
}

// TestTwoWritersSameVersion: both save from the same version at once;
// one wins, the other is told, and both texts survive.
func TestTwoWritersSameVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		key := "posts/race.md"
		base, err := s.Create(ctx, key, []byte("base"))
		if err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			texts := []string{fmt.Sprintf("alice %d", round), fmt.Sprintf("bob %d", round)}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i := range texts {
				wg.Go(func() { _, errs[i] = s.Update(ctx, key, []byte(texts[i]), base.ETag) })
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, ErrConflict):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d writers won, want exactly 1 (%v)", round, wins, errs)
			}
			current, info := mustRead(t, s, key)
			kept := revisionTexts(t, s, key)
			for _, text := range texts {
				if text != current && !kept[text] {
					t.Errorf("round %d: %q was lost", round, text)
				}
			}
			base = info
		}
	})
}

func TestDeleteAndRestore(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		key := "posts/2024/gone.md"
		info, err := s.Create(ctx, key, []byte("keep me"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, key, "stale-etag"); !errors.Is(err, ErrConflict) {
			t.Fatalf("delete with a stale version: %v", err)
		}
		if err := s.Delete(ctx, key, info.ETag); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Read(ctx, key); !errors.Is(err, ErrNotFound) {
			t.Fatalf("still there after delete: %v", err)
		}
		if srcs := sourceKeys(t, s); len(srcs) != 0 {
			t.Errorf("deleted post still listed: %v", srcs)
		}
		trash, err := s.Trash(ctx)
		if err != nil || len(trash) != 1 || trash[0].Key != key {
			t.Fatalf("trash %v, %v", trash, err)
		}
		if _, err := s.Restore(ctx, key); err != nil {
			t.Fatal(err)
		}
		if text, _ := mustRead(t, s, key); text != "keep me" {
			t.Errorf("restored %q", text)
		}
		if trash, _ := s.Trash(ctx); len(trash) != 0 {
			t.Errorf("still in the trash after restore: %v", trash)
		}
		// Deleting again, creating a new post at the same key, then
		// restoring: the new post must not be overwritten.
		_, info = mustRead(t, s, key)
		s.Delete(ctx, key, info.ETag)
		s.Create(ctx, key, []byte("new post"))
		if _, err := s.Restore(ctx, key); !errors.Is(err, ErrConflict) {
			t.Errorf("restore over a new post: %v, want ErrConflict", err)
		}
		if text, _ := mustRead(t, s, key); text != "new post" {
			t.Errorf("restore overwrote the new post: %q", text)
		}
	})
}

func sourceKeys(t *testing.T, s *Store) []string {
	t.Helper()
	srcs, err := s.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, src := range srcs {
		keys = append(keys, src.Kind.String()+":"+src.Key)
	}
	sort.Strings(keys)
	return keys
}

func TestSources(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, key := range []string{"posts/a.md", "posts/2024/b.md", "posts/c/index.md", "pages/about.md"} {
			if _, err := s.Create(ctx, key, []byte("x")); err != nil {
				t.Fatal(err)
			}
		}
		s.b.Write(ctx, "posts/c/diagram.png", []byte("png"), WriteOptions{})
		s.b.Write(ctx, "posts/notes.txt", []byte("txt"), WriteOptions{})
		s.b.Write(ctx, "_grail/revisions/posts/a/1.md", []byte("old"), WriteOptions{})
		s.KeepDraft(ctx, "posts/a.md", []byte("draft"))
		got := strings.Join(sourceKeys(t, s), " ")
		want := "page:pages/about.md post:posts/2024/b.md post:posts/a.md post:posts/c/index.md"
		if got != want {
			t.Errorf("sources\n got %s\nwant %s", got, want)
		}
	})
}

func TestInvalidKeys(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, key := range []string{"../x.md", "posts/../../x.md", "/posts/x.md", "posts\\x.md", "posts/.hidden.md",
			"media/x.md", "posts/x.txt", "_grail/secret", "posts/\x00.md", ""} {
			if _, err := s.Create(ctx, key, []byte("x")); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("create %q: %v, want ErrInvalidKey", key, err)
			}
		}
		for _, name := range []string{"../../etc/passwd", "..", "a/../../b"} {
			if _, err := s.OpenMedia(ctx, name); err == nil {
				t.Errorf("open media %q succeeded", name)
			}
		}
	})
}

func TestSecretSameForConcurrentStarts(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		const servers = 20
		keys := make([][]byte, servers)
		errs := make([]error, servers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range servers {
			wg.Go(func() {
				<-start
				keys[i], errs[i] = s.Secret(context.Background())
			})
		}
		close(start)
		wg.Wait()
		for i := range servers {
			if errs[i] != nil {
				t.Fatalf("server %d: %v", i, errs[i])
			}
			if len(keys[i]) != 32 || string(keys[i]) != string(keys[0]) {
				t.Fatalf("server %d has a different key", i)
			}
		}
		again, _ := s.Secret(context.Background())
		if string(again) != string(keys[0]) {
			t.Error("the key changed on a later start")
		}
	})
}

func TestMedia(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		data := []byte("\x89PNG\r\n\x1a\n\x00\x01binary\xff")
		now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		rel, err := s.PutMedia(ctx, "My Photo.PNG", data, "image/png", now)
		if err != nil || rel != "2025/my-photo.png" {
			t.Fatalf("put: %q, %v", rel, err)
		}
		rel2, err := s.PutMedia(ctx, "my-photo.png", []byte("other"), "image/png", now)
		if err != nil || rel2 != "2025/my-photo-2.png" {
			t.Fatalf("second put: %q, %v", rel2, err)
		}
		f, err := s.OpenMedia(ctx, rel)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if ct := f.Info().ContentType; ct != "image/png" {
			t.Errorf("content type %q", ct)
		}
		if _, err := f.Seek(4, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		part := make([]byte, 6)
		if _, err := io.ReadFull(f, part); err != nil || string(part) != string(data[4:10]) {
			t.Errorf("range read %q, %v", part, err)
		}
		f.Seek(0, io.SeekStart)
		all, _ := io.ReadAll(f)
		if string(all) != string(data) {
			t.Errorf("bytes differ: %q", all)
		}
	})
}

func TestIndexRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, _, err := s.ReadIndex(ctx); !errors.Is(err, ErrNotFound) {
			t.Fatalf("empty store: %v", err)
		}
		first, err := s.WriteIndex(ctx, []byte("snapshot"), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WriteIndex(ctx, []byte("other"), ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("second first write: %v, want ErrConflict", err)
		}
		second, err := s.WriteIndex(ctx, []byte("snapshot 2"), first.ETag)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WriteIndex(ctx, []byte("stale"), first.ETag); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale write: %v, want ErrConflict", err)
		}
		data, info, err := s.ReadIndex(ctx)
		if err != nil || string(data) != "snapshot 2" || info.ETag != second.ETag {
			t.Fatalf("%q %s, %v", data, info.ETag, err)
		}
	})
}

func TestSignedURL(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	s, err := Open(context.Background(), srv.BucketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("a big page")
	s.b.Write(context.Background(), "_grail/overflow/x.html", data, WriteOptions{ContentType: "text/html"})
	u, err := s.SignedURL(context.Background(), "_grail/overflow/x.html", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != string(data) {
		t.Errorf("signed URL: %d %q", resp.StatusCode, body)
	}
	dir, _ := Open(context.Background(), t.TempDir(), nil)
	if _, err := dir.SignedURL(context.Background(), "x", time.Minute); !errors.Is(err, ErrNoSignedURLs) {
		t.Errorf("folder: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	tests := []struct {
		location string
		want     string
	}{
		{filepath.Join(t.TempDir(), "missing"), "does not exist"},
		{"s3://", "malformed"},
		{"ftp://example.com/x", "unsupported scheme"},
		{strings.Replace(srv.BucketURL(), srv.Bucket, "no-such-bucket-here", 1), "does not exist"},
		{"s3://b?region=us-east-1&endpoint=http%3A%2F%2F127.0.0.1%3A1&use_path_style=true", "cannot reach"},
	}
	for _, tt := range tests {
		_, err := Open(ctx, tt.location, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Open(%q): %v, want an error saying %q", tt.location, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), srv.SecretKey) {
			t.Errorf("Open(%q): the error shows the secret key", tt.location)
		}
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Open(ctx, file, nil); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("a file as the site: %v", err)
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	if _, err := Open(ctx, srv.BucketURL(), nil); err == nil || !strings.Contains(err.Error(), "access denied") {
		t.Errorf("wrong credentials: %v", err)
	}
}

var _ = content.KindPost

func TestPrivateStateNotWorldReadable(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Secret(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Create(context.Background(), "posts/p.md", []byte("x"))
	for name, want := range map[string]os.FileMode{"_grail/secret": 0o600, "_grail": 0o700 | os.ModeDir, "posts/p.md": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode(), want)
		}
	}
}

func TestAutosavesArePruned(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		key := "posts/long-session.md"
		info, err := s.Create(ctx, key, []byte("v1"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, key, []byte("v2"), info.ETag); err != nil {
			t.Fatal(err)
		}
		for i := range keptDrafts + 5 {
			if err := s.KeepDraft(ctx, key, []byte(fmt.Sprintf("draft %d", i))); err != nil {
				t.Fatal(err)
			}
		}
		texts := revisionTexts(t, s, key)
		if !texts["v1"] {
			t.Error("a saved version was pruned with the autosaves")
		}
		last := fmt.Sprintf("draft %d", keptDrafts+4)
		if !texts[last] {
			t.Errorf("the newest autosave %q is gone", last)
		}
		if texts["draft 0"] || len(texts) != keptDrafts+1 {
			t.Errorf("%d revisions kept (%v), want the saved version and %d autosaves", len(texts), texts, keptDrafts)
		}
	})
}
