package web_test

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grailblog/grail/examples/demo"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/web"
)

// e2eClock is the time the demo site is served at in these tests: after
// every published post, long before the scheduled one (2031).
var e2eClock = time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)

// e2eDemoServer serves a copy of the demo blog through the real handler,
// built as `grail serve --demo` builds it, on a loopback httptest server.
func e2eDemoServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Files); err != nil {
		t.Fatalf("copy the demo site: %v", err)
	}
	// os.CopyFS keeps embed's read-only modes; t.TempDir must be able to
	// remove the copy.
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	loader := site.NewLoader(st, nil, func() time.Time { return e2eClock })
	if _, err := loader.Reload(ctx); err != nil {
		t.Fatalf("load the demo site: %v", err)
	}
	if n := len(loader.Current().Posts); n != 13 {
		t.Fatalf("the demo site has %d visible posts, want 13", n)
	}
	h, err := web.New(ctx, web.Options{Store: st, Loader: loader})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// e2eGet fetches url (absolute, or a path on srv) without following
// redirects and returns the response with its body read.
func e2eGet(t *testing.T, srv *httptest.Server, url string) (*http.Response, []byte) {
	t.Helper()
	if len(url) > 0 && url[0] == '/' {
		url = srv.URL + url
	}
	client := &http.Client{
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp, body
}
