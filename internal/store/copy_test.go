package store

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store/backend"
)

// siteFiles is a small site with every kind of object a copy carries,
// and derived data it must leave behind.
var siteFiles = map[string]string{
	"grail.toml":                        "title = \"Copy\"\n",
	"posts/hello.md":                    "---\ntitle: Hello\ndate: 2024-01-01\n---\nHello.\n",
	"posts/2024/deep.md":                "---\ntitle: Deep\ndate: 2024-02-01\n---\nDeep.\n",
	"pages/about.md":                    "---\ntitle: About\n---\nAbout.\n",
	"media/2024/pixel.png":              "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
	"theme/style.css":                   "body { color: red }\n",
	"_grail/revisions/posts/hello/1.md": "old hello\n",
	"_grail/secret":                     "abc\n",
}

var derivedFiles = map[string]string{
	"_grail/index.json.gz":     "not really gzip",
	"_grail/overflow/big.html": "<p>parked</p>",
	"_grail/jobs/rebuild":      "running",
}

func writeFolder(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for key, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func openStore(t *testing.T, location string) *Store {
	t.Helper()
	s, err := OpenDestination(context.Background(), location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// contents reads every object of s.
func contents(t *testing.T, s *Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	err := s.b.List(ctx, "", func(oi ObjectInfo) error {
		data, _, err := s.Read(ctx, oi.Key)
		out[oi.Key] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustCopy(t *testing.T, from, to *Store, o CopyOptions) CopyStats {
	t.Helper()
	st, err := Copy(context.Background(), from, to, o)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCopyOnlyWhatChanged(t *testing.T) {
	eachBackend(t, func(t *testing.T, dst *Store) {
		dir := t.TempDir()
		writeFolder(t, dir, siteFiles)
		writeFolder(t, dir, derivedFiles)
		writeFolder(t, dir, map[string]string{".git/HEAD": "ref", "posts/.draft.md.swp": "x"})
		src := openStore(t, dir)

		st := mustCopy(t, src, dst, CopyOptions{})
		if st.Copied != len(siteFiles) || st.Unchanged != 0 || st.Objects != len(siteFiles) {
			t.Errorf("first copy: %+v, want %d copied", st, len(siteFiles))
		}
		if got := contents(t, dst); !maps.Equal(got, siteFiles) {
			t.Errorf("destination holds %q,\nwant %q", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(siteFiles)))
		}
		if st := mustCopy(t, src, dst, CopyOptions{}); st.Copied != 0 || st.Unchanged != len(siteFiles) {
			t.Errorf("second copy: %+v, want nothing copied", st)
		}
		// Same size, new content: only a content comparison notices.
		writeFolder(t, dir, map[string]string{"posts/hello.md": strings.Replace(siteFiles["posts/hello.md"], "Hello.", "Hallo.", 1)})
		st = mustCopy(t, src, dst, CopyOptions{})
		if st.Copied != 1 || st.CopiedBytes != int64(len(siteFiles["posts/hello.md"])) {
			t.Errorf("after one edit: %+v, want 1 copied", st)
		}
		if text, _ := mustRead(t, dst, "posts/hello.md"); !strings.Contains(text, "Hallo.") {
			t.Errorf("the edit did not arrive: %q", text)
		}
	})
}

// TestCopyBackFromEachBackend copies a site into each store and from it
// into a new folder: what arrives is what left.
func TestCopyBackFromEachBackend(t *testing.T) {
	eachBackend(t, func(t *testing.T, mid *Store) {
		dir := t.TempDir()
		writeFolder(t, dir, siteFiles)
		mustCopy(t, openStore(t, dir), mid, CopyOptions{})
		back := openStore(t, filepath.Join(t.TempDir(), "new", "site"))
		if st := mustCopy(t, mid, back, CopyOptions{Workers: 3}); st.Copied != len(siteFiles) {
			t.Errorf("copy back: %+v", st)
		}
		if got := contents(t, back); !maps.Equal(got, siteFiles) {
			t.Errorf("copied back %q", got)
		}
		if st := mustCopy(t, mid, back, CopyOptions{}); st.Copied != 0 {
			t.Errorf("second copy back copied %d", st.Copied)
		}
	})
}

func TestCopyDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, dst *Store) {
		ctx := context.Background()
		dir := t.TempDir()
		writeFolder(t, dir, map[string]string{"posts/keep.md": "keep"})
		src := openStore(t, dir)
		for key, text := range map[string]string{
			"posts/old.md": "old", "media/old.png": "png", "posts/keep.md": "stale",
			"_grail/revisions/posts/x/1.md": "rev", "_grail/index.json.gz": "index",
		} {
			if _, err := dst.b.Write(ctx, key, []byte(text), WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if st := mustCopy(t, src, dst, CopyOptions{}); st.Deleted != 0 || len(contents(t, dst)) != 5 {
			t.Fatalf("without Delete: %+v, %d objects left", st, len(contents(t, dst)))
		}
		st := mustCopy(t, src, dst, CopyOptions{Delete: true})
		want := []string{"_grail/index.json.gz", "_grail/revisions/posts/x/1.md", "posts/keep.md"}
		if got := slices.Sorted(maps.Keys(contents(t, dst))); st.Deleted != 2 || !slices.Equal(got, want) {
			t.Errorf("Delete from a source without _grail/: %+v, left %q, want %q", st, got, want)
		}
		// A source with state of its own replaces the destination's, but
		// the index is derived: a server's, not the source's.
		writeFolder(t, dir, map[string]string{"_grail/secret": "s"})
		st = mustCopy(t, src, dst, CopyOptions{Delete: true})
		want = []string{"_grail/index.json.gz", "_grail/secret", "posts/keep.md"}
		if got := slices.Sorted(maps.Keys(contents(t, dst))); st.Deleted != 1 || !slices.Equal(got, want) {
			t.Errorf("Delete from a source with _grail/: %+v, left %q, want %q", st, got, want)
		}
	})
}

func TestCopyKeepsContentTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	dir := t.TempDir()
	writeFolder(t, dir, siteFiles)
	a, b := openStore(t, srv.BucketURL()), openStore(t, srv.NewBucket(t))
	mustCopy(t, openStore(t, dir), a, CopyOptions{})
	for key, want := range map[string]string{
		"media/2024/pixel.png": "image/png",
		"theme/style.css":      "text/css; charset=utf-8",
		"posts/hello.md":       "text/markdown",
	} {
		info, err := a.Stat(ctx, key)
		if err != nil || !strings.HasPrefix(info.ContentType, want) {
			t.Errorf("%s pushed from a folder: type %q, %v; want %q", key, info.ContentType, err, want)
		}
	}
	// Bucket to bucket, a type no extension implies survives.
	if _, err := a.b.Write(ctx, "media/data.bin", []byte("x"), WriteOptions{ContentType: "application/x-grail-test"}); err != nil {
		t.Fatal(err)
	}
	mustCopy(t, a, b, CopyOptions{})
	if info, err := b.Stat(ctx, "media/data.bin"); err != nil || info.ContentType != "application/x-grail-test" {
		t.Errorf("bucket to bucket: type %q, %v", info.ContentType, err)
	}
}

// TestCopyMultipartObjects: an object uploaded in parts has an ETag that
// is not its MD5; its bytes decide.
func TestCopyMultipartObjects(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	dstURL := srv.NewBucket(t)
	src, dst := openStore(t, srv.BucketURL()), openStore(t, dstURL)
	buckets := map[*Store]string{src: srv.Bucket, dst: bucketOf(t, dstURL)}
	put := func(s *Store, key, text string, multipart bool) {
		t.Helper()
		if multipart {
			putMultipart(t, srv.Client(), buckets[s], key, text)
		} else if _, err := s.b.Write(context.Background(), key, []byte(text), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	put(src, "media/same.bin", "same bytes", true)
	put(dst, "media/same.bin", "same bytes", false)
	put(src, "media/differs.bin", "new bytes!", false)
	put(dst, "media/differs.bin", "old bytes!", true)
	info, err := src.Stat(context.Background(), "media/same.bin")
	if err != nil || backend.IsMD5(info.ETag) {
		t.Fatalf("the multipart upload's ETag %q looks like an MD5 (%v): the test would prove nothing", info.ETag, err)
	}
	st := mustCopy(t, src, dst, CopyOptions{})
	if st.Copied != 1 || st.Unchanged != 1 {
		t.Errorf("%+v, want differs.bin copied and same.bin unchanged", st)
	}
	if got := contents(t, dst)["media/differs.bin"]; got != "new bytes!" {
		t.Errorf("differs.bin holds %q", got)
	}
}

func bucketOf(t *testing.T, bucketURL string) string {
	t.Helper()
	u, err := url.Parse(bucketURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func putMultipart(t *testing.T, c *s3.Client, bucket, key, text string) {
	t.Helper()
	ctx := context.Background()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte(text))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCopyProgress(t *testing.T) {
	dir := t.TempDir()
	writeFolder(t, dir, siteFiles)
	var calls []CopyStats
	st := mustCopy(t, openStore(t, dir), openStore(t, "mem://"), CopyOptions{Workers: 4,
		Progress: func(s CopyStats) { calls = append(calls, s) }})
	if len(calls) != len(siteFiles) {
		t.Fatalf("%d progress calls for %d objects", len(calls), len(siteFiles))
	}
	for i, c := range calls {
		if c.Done != i+1 || c.Objects != len(siteFiles) {
			t.Errorf("call %d: %+v", i, c)
		}
	}
	if last := calls[len(calls)-1]; last != st {
		t.Errorf("last progress %+v, result %+v", last, st)
	}
}

// TestCopyStopsAtFirstError: a destination that cannot take an object
// makes Copy fail naming it, rather than report success.
func TestCopyStopsAtFirstError(t *testing.T) {
	dir, dstDir := t.TempDir(), t.TempDir()
	writeFolder(t, dir, siteFiles)
	writeFolder(t, dstDir, map[string]string{"theme": "a file where the folder should be"})
	_, err := Copy(context.Background(), openStore(t, dir), openStore(t, dstDir), CopyOptions{Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "theme/style.css") {
		t.Fatalf("err = %v, want one naming theme/style.css", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("the cause was lost: %v", err)
	}
}
