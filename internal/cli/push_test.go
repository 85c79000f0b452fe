package cli

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// grail runs a command in this process and returns what it printed.
func grail(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code = Main(ctx, args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return out.String(), errOut.String(), code
}

func mustGrail(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := grail(t, args...)
	if code != 0 {
		t.Fatalf("grail %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// post is the source of a published post.
func post(title string) string {
	return "---\ntitle: " + title + "\ndate: 2024-03-01T10:00:00Z\n---\n\nThe text of " + title + ".\n"
}

// writeSite writes a small site with every kind of file a site holds:
// posts, a page, a binary image, a theme override, settings and grail's
// own state.
func writeSite(t *testing.T, dir string) {
	t.Helper()
	files := map[string][]byte{
		"grail.toml":             []byte("title = \"Push test\"\nrefreshInterval = \"500ms\"\n"),
		"posts/first-post.md":    []byte(post("First post")),
		"posts/2024/second.md":   []byte(post("Second")),
		"pages/about.md":         []byte("---\ntitle: About\n---\n\nAbout this blog.\n"),
		"media/2024/dot.png":     pngImage(t),
		"theme/assets/style.css": []byte("body { color: #123; }\n"),
		"_grail/revisions/posts/first-post/20240301T100000.000000000Z-abcdef.md": []byte(post("First draft")),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func pngImage(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		img.Set(i%8, i/8, color.RGBA{uint8(i * 4), 0, uint8(255 - i*4), 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tree reads every file under dir, except the index snapshot, which is
// derived and differs by when it was written.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); rel != "_grail/index.json.gz" {
			data, err := os.ReadFile(p)
			files[rel] = string(data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// bucketKeys lists every object of the test server's bucket, by S3 itself.
func bucketKeys(t *testing.T, srv *s3test.Server) []string {
	t.Helper()
	out, err := srv.Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &srv.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	return keys
}

// freshLoader is what a server starting now on location would serve.
func freshLoader(t *testing.T, location string) *site.Site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := site.NewLoader(st, nil, nil)
	fromIndex, err := l.Start(ctx)
	if err != nil || !fromIndex {
		t.Fatalf("no usable index at %s: %v, %v", location, fromIndex, err)
	}
	return l.Current()
}

func indexETag(t *testing.T, location string) string {
	t.Helper()
	st, err := store.Open(context.Background(), location, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	info, err := st.StatIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.ETag
}

func TestPushPullRoundTrip(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.BucketURL()
	dir := t.TempDir()
	writeSite(t, dir)
	want := tree(t, dir)

	out := mustGrail(t, "push", dir, bucket)
	if !strings.HasPrefix(out, "copied 7 (") || !strings.Contains(out, "unchanged 0, deleted 0, in ") {
		t.Errorf("first push printed %q", out)
	}
	if s := freshLoader(t, bucket); s.ByPath("/blog/first-post") == nil || s.ByPath("/about") == nil {
		t.Fatal("a server starting from the pushed index would not show the posts")
	}

	back := filepath.Join(t.TempDir(), "pulled")
	mustGrail(t, "pull", bucket, back)
	got := tree(t, back)
	// Like every folder grail writes state into, the copy keeps it out of git.
	if !strings.Contains(got["_grail/.gitignore"], "\n*\n") {
		t.Errorf("the pulled folder's _grail/.gitignore is %q", got["_grail/.gitignore"])
	}
	delete(got, "_grail/.gitignore")
	if !maps.Equal(got, want) {
		t.Fatalf("pulled tree differs:\n got %q\nwant %q", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}

	if out := mustGrail(t, "push", dir, bucket); !strings.HasPrefix(out, "copied 0 (0 B), unchanged 7, deleted 0") {
		t.Errorf("second push printed %q, want nothing copied", out)
	}

	if err := os.WriteFile(filepath.Join(dir, "posts/first-post.md"), []byte(post("First post, edited")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustGrail(t, "push", dir, bucket); !strings.HasPrefix(out, "copied 1 (") || !strings.Contains(out, "unchanged 6") {
		t.Errorf("push after one edit printed %q", out)
	}
	if d := freshLoader(t, bucket).ByPath("/blog/first-post"); d == nil || d.Title != "First post, edited" {
		t.Errorf("the index does not have the edit: %+v", d)
	}

	// A theme change touches no post, but servers must still notice it:
	// the index gets a new version.
	before := indexETag(t, bucket)
	if err := os.WriteFile(filepath.Join(dir, "theme/assets/style.css"), []byte("body { color: #456; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustGrail(t, "push", dir, bucket)
	if indexETag(t, bucket) == before {
		t.Error("pushing a theme change left the index's version as it was: servers would keep the old theme")
	}
}

func TestPushDelete(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	bucket := srv.BucketURL()
	dir := t.TempDir()
	writeSite(t, dir)
	mustGrail(t, "push", dir, bucket)
	if err := os.Remove(filepath.Join(dir, "posts/2024/second.md")); err != nil {
		t.Fatal(err)
	}
	if out := mustGrail(t, "push", dir, bucket); !strings.Contains(out, "deleted 0") || !slices.Contains(bucketKeys(t, srv), "posts/2024/second.md") {
		t.Errorf("push without --delete deleted something: %q", out)
	}
	// Flags may follow the operands.
	if out := mustGrail(t, "push", dir, bucket, "--delete"); !strings.Contains(out, "unchanged 6, deleted 1") {
		t.Errorf("push --delete printed %q", out)
	}
	keys := bucketKeys(t, srv)
	if slices.Contains(keys, "posts/2024/second.md") || !slices.Contains(keys, "_grail/index.json.gz") {
		t.Errorf("after push --delete the bucket holds %q", keys)
	}
	if freshLoader(t, bucket).ByPath("/blog/second") != nil {
		t.Error("the deleted post is still in the index")
	}

	// A folder with no _grail/ of its own leaves the bucket's state alone.
	bare := t.TempDir()
	if err := os.CopyFS(bare, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(bare, "_grail")); err != nil {
		t.Fatal(err)
	}
	mustGrail(t, "push", "--delete", bare, bucket)
	if !slices.Contains(bucketKeys(t, srv), "_grail/revisions/posts/first-post/20240301T100000.000000000Z-abcdef.md") {
		t.Error("push --delete from a folder without _grail/ deleted the bucket's revisions")
	}
}

func TestPushUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"push"},
		{"push", dir},
		{"push", dir, "mem://", "extra"},
		{"push", "--workers", "0", dir, "mem://"},
		{"push", "--no-such-flag", dir, "mem://"},
		{"pull", "mem://"},
	} {
		out, errOut, code := grail(t, args...)
		if code != 2 || out != "" || errOut == "" {
			t.Errorf("grail %q: exit %d, stdout %q, stderr %q; want exit 2 and a message", args, code, out, errOut)
		}
	}
}

// TestPushUnreachableBucket: a bucket whose server is down fails in
// bounded time with one line that says which bucket, at which endpoint.
func TestPushUnreachableBucket(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.Stop()
	dir := t.TempDir()
	writeSite(t, dir)
	for _, args := range [][]string{{"push", dir, srv.BucketURL()}, {"pull", srv.BucketURL(), t.TempDir()}} {
		start := time.Now()
		out, errOut, code := grail(t, args...)
		took := time.Since(start)
		if code != 1 || out != "" {
			t.Errorf("grail %s: exit %d, stdout %q; want exit 1", args[0], code, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, srv.Bucket) || !strings.Contains(errOut, srv.Endpoint) {
			t.Errorf("grail %s printed %q; want one line naming %s and %s", args[0], errOut, srv.Bucket, srv.Endpoint)
		}
		if took > 20*time.Second {
			t.Errorf("grail %s took %v to give up", args[0], took)
		}
		t.Logf("grail %s gave up after %v: %s", args[0], took.Round(time.Millisecond), strings.TrimSpace(errOut))
	}
}

func TestSummaryAndProgressLines(t *testing.T) {
	st := store.CopyStats{Objects: 10001, Done: 4812, Copied: 12, CopiedBytes: 3_400_000, Unchanged: 9988}
	if got, want := summary(st, 2100*time.Millisecond), "copied 12 (3.4 MB), unchanged 9,988, deleted 0, in 2.1 s"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1_234_567: "1.2 MB", 5e9: "5.0 GB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %q, want %q", n, got, want)
		}
	}

	var log bytes.Buffer
	p := newProgress(&log, "grail push", time.Now())
	p.update(st)
	p.finish()
	if log.Len() != 0 {
		t.Errorf("a short copy logged progress outside a terminal: %q", log.String())
	}
	p.last = p.last.Add(-p.every) // as if 10 s had passed
	p.update(st)
	if got := log.String(); !strings.HasPrefix(got, "grail push: 4,812/10,001 objects, 3.4 MB copied, ") || strings.Count(got, "\n") != 1 {
		t.Errorf("progress in a log: %q", got)
	}
	var tty bytes.Buffer
	p = &progress{w: &tty, tty: true, start: time.Now().Add(-time.Second), every: time.Millisecond}
	p.update(st)
	p.finish()
	if got := tty.String(); !strings.HasPrefix(got, "\r[###########-------------] 4,812/10,001 objects, 3.4 MB copied, 3.4 MB/s") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("terminal progress %q", got)
	}
}
