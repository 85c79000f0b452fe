package web

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// logBuffer collects a server's log lines for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// serveBucket writes files to a fresh bucket on a real S3 server and
// serves them, logging at debug level into the returned buffer.
func serveBucket(t *testing.T, files map[string]string) (*s3test.Server, *httptest.Server, *logBuffer) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	client := srv.Client()
	for key, body := range files {
		if _, err := client.PutObject(context.Background(), putInput(srv.Bucket, key, body)); err != nil {
			t.Fatal(err)
		}
	}
	hs, logs := serveStore(t, srv.BucketURL())
	return srv, hs, logs
}

// serveStore serves the site at location, logging at debug level into
// the returned buffer.
func serveStore(t *testing.T, location string) (*httptest.Server, *logBuffer) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	loader := site.NewLoader(st, nil, func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) })
	if _, err := loader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := New(ctx, Options{Store: st, Loader: loader, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs, logs
}

func putInput(bucket, key, body string) *s3.PutObjectInput {
	return &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(body)}
}

// TestMediaDuringOutageIs503: a file asked for while the store cannot be
// reached is a 503 that nobody caches, never a 404 that a CDN would keep
// for a minute while the file is there all along.
func TestMediaDuringOutageIs503(t *testing.T) {
	files := map[string]string{
		"posts/qmk/index.md":   post("QMK", "2024-01-01"),
		"media/2024/photo.png": "\x89PNG not really",
	}
	s3srv, hs, logs := serveBucket(t, files)
	ts := &testSite{http: hs}
	if resp, _ := ts.get(t, "/media/2024/photo.png"); resp.StatusCode != http.StatusOK {
		t.Fatalf("before the outage: %d", resp.StatusCode)
	}
	s3srv.Stop()
	for _, p := range []string{"/media/2024/photo.png", "/media/2024/other.png", "/blog/qmk/diagram.png"} {
		resp, _ := ts.get(t, p)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s during the outage: %d, want 503", p, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", p, cc)
		}
		if resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", p)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an outage was logged as an error:\n%s", logs)
	}
}

// TestOddMediaNamesAreNotServerErrors: names the file system refuses (too
// long, a file used as a folder) are a reader's mistake, not the server's:
// a 404 or 400, logged at debug level only.
func TestOddMediaNamesAreNotServerErrors(t *testing.T) {
	ts := newTestSite(t, basicSite)
	hs, logs := serveStore(t, ts.dir)
	ts.http = hs
	for _, p := range []string{
		"/media/" + strings.Repeat("a", 256),
		"/media/2024/" + strings.Repeat("b", 300) + "/c.png",
		"/media/2024/pic.bin/x",
		"/blog/first/" + strings.Repeat("c", 256) + ".png",
	} {
		resp, _ := ts.get(t, p)
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%.40s…: %d, want 404 or 400", p, resp.StatusCode)
		}
	}
	if l := logs.String(); strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") {
		t.Errorf("a reader's bad address was logged above debug level:\n%s", l)
	}
}

// TestEmbeddableFiles: media, bundle files and theme assets may be shown
// by other origins (a feed reader shows a post's images); pages and feeds
// may not be embedded.
func TestEmbeddableFiles(t *testing.T) {
	files := maps.Clone(basicSite)
	files["posts/qmk/index.md"] = post("QMK", "2024-01-01")
	files["posts/qmk/layout.png"] = "\x89PNG not really"
	ts := newTestSite(t, files)
	_, page := ts.get(t, "/")
	css := regexp.MustCompile(`href="(/assets/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(page)
	if css == nil {
		t.Fatalf("no stylesheet link on the home page:\n%.500s", page)
	}
	want := map[string]string{
		"/media/2024/pic.bin":   "cross-origin",
		"/blog/qmk/layout.png":  "cross-origin",
		css[1]:                  "cross-origin",
		"/assets/style.css":     "cross-origin", // by its name, as the feed stylesheet links it
		"/":                     "same-origin",
		"/blog/first":           "same-origin",
		"/feed.atom":            "same-origin",
		"/no/such/page":         "same-origin",
		"/media/2024/nopic.png": "same-origin",
	}
	for path, policy := range want {
		for range 2 { // rendered, then stored
			resp, _ := ts.get(t, path)
			if got := resp.Header.Get("Cross-Origin-Resource-Policy"); got != policy {
				t.Errorf("%s (%d): Cross-Origin-Resource-Policy %q, want %q", path, resp.StatusCode, got, policy)
			}
		}
	}
}
