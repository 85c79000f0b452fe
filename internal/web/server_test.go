package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// testSite is a site folder written from a map of files and served by
// the real handler.
type testSite struct {
	dir    string
	store  *store.Store
	loader *site.Loader
	srv    *Server
	http   *httptest.Server
	now    atomic.Pointer[time.Time]
}

func newTestSite(t testing.TB, files map[string]string) *testSite {
	t.Helper()
	ts := &testSite{dir: t.TempDir()}
	testsite.WriteFiles(t, ts.dir, files)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ts.now.Store(&now)
	ctx := context.Background()
	st, err := store.Open(ctx, ts.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts.store = st
	ts.loader = site.NewLoader(st, nil, func() time.Time { return *ts.now.Load() })
	if _, err := ts.loader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	ts.srv, err = New(ctx, Options{Store: st, Loader: ts.loader})
	if err != nil {
		t.Fatal(err)
	}
	ts.http = httptest.NewServer(ts.srv)
	t.Cleanup(ts.http.Close)
	return ts
}

func (ts *testSite) setNow(t time.Time) { ts.now.Store(&t) }

// get requests path without following redirects.
func (ts *testSite) get(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return ts.do(t, http.MethodGet, path, header...)
}

func (ts *testSite) do(t *testing.T, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true},
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func post(title, date string, extra ...string) string {
	return "---\ntitle: " + title + "\ndate: " + date + "\n" + strings.Join(extra, "\n") + "\n---\n"
}

var basicSite = func() map[string]string {
	files := testsite.Files(`
-- grail.toml --
title = "Test Blog"
timeZone = "Europe/Berlin"
homePosts = 2
perPage = 2
-- posts/first.md --
---
title: First post
date: 2024-01-10T10:00:00+01:00
categories: [programming/go]
tags: [go, testing]
---
The first paragraph.

More text.
-- posts/second.md --
---
title: Second post
date: 2024-07-01T09:00:00+02:00
categories: ["programming / rust"]
aliases: [/old/second.html]
---
Summer post.

<!--more-->

The rest.
-- posts/third.md --
---
title: Third post
date: 2025-02-01T08:00:00+01:00
lastmod: 2025-07-15T18:00:00+02:00
tags: [go]
---
Winter post.
-- posts/draft.md --
---
title: A draft
date: 2025-03-01T08:00:00+01:00
draft: true
---
Not yet.
-- posts/later.md --
---
title: Scheduled
date: 2026-06-02T09:00:00+02:00
---
Tomorrow.
-- pages/about.md --
---
title: About
---
About me.
`)
	files["media/2024/pic.bin"] = "\x00\x01\x02\x03binary\xff\xfe bytes"
	return files
}()

func TestRoutes(t *testing.T) {
	ts := newTestSite(t, basicSite)
	tests := []struct {
		path     string
		status   int
		location string
		contains string
	}{
		{"/", 200, "", "Third post"},
		{"/page/2", 200, "", "First post"},
		{"/page/1", 301, "/", ""},
		{"/page/3", 404, "", ""},
		{"/page/02", 404, "", ""},
		{"/blog/first", 200, "", "The first paragraph."},
		{"/blog/first/", 301, "/blog/first", ""},
		{"/blog/draft", 404, "", ""},
		{"/blog/later", 404, "", ""},
		{"/about", 200, "", "About me."},
		{"/about/", 301, "/about", ""},
		{"/old/second.html", 301, "/blog/second", ""},
		{"/old/second.html/", 301, "/blog/second", ""},
		{"/categories", 200, "", "rust"},
		{"/category/programming", 200, "", "Second post"}, // a parent lists its children's posts
		{"/category/programming/go", 200, "", "First post"},
		{"/category/nope", 404, "", ""},
		{"/tags", 200, "", "#testing"},
		{"/tag/go", 200, "", "Third post"},
		{"/tag/nope", 404, "", ""},
		{"/tag/go/", 301, "/tag/go", ""},
		{"/category/programming/go/page/1", 301, "/category/programming/go", ""},
		{"/archive", 200, "", "July 2024"},
		{"/archive/2024", 200, "", "First post"},
		{"/archive/1999", 404, "", ""},
		{"/rss.xml", 200, "", "<rss"},
		{"/feed.atom", 200, "", "<feed"},
		{"/feed.json", 200, "", "jsonfeed.org/version/1.1"},
		{"/category/programming/go/feed.atom", 200, "", "First post"},
		{"/tag/go/rss.xml", 200, "", "Third post"},
		{"/sitemap.xml", 200, "", "/blog/first"},
		{"/robots.txt", 200, "", "User-agent"},
		{"/healthz", 204, "", ""},
		{"/no/such/page", 404, "", "Page not found"},
		{"/blog/frist", 404, "", "/blog/first"}, // suggests the closest slug
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := ts.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Location"); tt.location != "" && got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
			if tt.path == "/healthz" && body != "" {
				t.Errorf("healthz body %q, want empty", body)
			}
		})
	}
}

func TestHomeShowsFullPostsAndReadMore(t *testing.T) {
	ts := newTestSite(t, basicSite)
	_, body := ts.get(t, "/page/2")
	if !strings.Contains(body, "More text.") {
		t.Error("a post without a summary is shown in full on the home page")
	}
	_, body = ts.get(t, "/")
	if strings.Contains(body, "The rest.") {
		t.Error("a post split with <!--more--> shows only its lead on the home page")
	}
	if !strings.Contains(body, "Read more") {
		t.Error("no read more link for a split post")
	}
}

func TestWrongMethod(t *testing.T) {
	ts := newTestSite(t, basicSite)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		resp, _ := ts.do(t, m, "/blog/first")
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", m, resp.StatusCode)
		}
		if allow := resp.Header.Get("Allow"); !strings.Contains(allow, "GET") {
			t.Errorf("%s: Allow %q", m, allow)
		}
	}
}

func TestRedirectHosts(t *testing.T) {
	files := map[string]string{
		"grail.toml":     "canonicalHost = \"blog.example.org\"\nredirectHosts = [\"www.example.org\", \"example.org\"]\n",
		"posts/first.md": post("First", "2024-01-10T10:00:00Z") + "x\n",
	}
	ts := newTestSite(t, files)
	resp, _ := ts.get(t, "/blog/first?x=1", "Host", "www.example.org")
	if resp.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("status %d, want 301", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "http://blog.example.org/blog/first?x=1" {
		t.Errorf("Location %q", loc)
	}
	resp, _ = ts.get(t, "/blog/first", "Host", "EXAMPLE.org:443", "X-Forwarded-Proto", "https")
	if resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("host with port and capitals: status %d", resp.StatusCode)
	}
	resp, _ = ts.get(t, "/blog/first", "Host", "blog.example.org")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("canonical host: status %d", resp.StatusCode)
	}
}

func TestConditionalGet(t *testing.T) {
	ts := newTestSite(t, basicSite)
	resp, body := ts.get(t, "/blog/first")
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lastMod)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q", cc)
	}
	resp, b := ts.get(t, "/blog/first", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || b != "" {
		t.Errorf("If-None-Match: status %d, body %d bytes", resp.StatusCode, len(b))
	}
	if resp.Header.Get("ETag") != etag {
		t.Errorf("304 must repeat the ETag")
	}
	resp, _ = ts.get(t, "/blog/first", "If-None-Match", `"other", `+etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("etag in a list: status %d", resp.StatusCode)
	}
	resp, _ = ts.get(t, "/blog/first", "If-None-Match", `"stale"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("stale etag: status %d", resp.StatusCode)
	}
	resp, _ = ts.get(t, "/blog/first", "If-Modified-Since", lastMod)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d", resp.StatusCode)
	}
	past := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat)
	resp, _ = ts.get(t, "/blog/first", "If-Modified-Since", past)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("old If-Modified-Since: status %d", resp.StatusCode)
	}
	// A compressed representation has its own tag, which also validates.
	resp, _ = ts.get(t, "/blog/first", "Accept-Encoding", "br")
	brTag := resp.Header.Get("ETag")
	if brTag == etag {
		t.Errorf("brotli and identity share the tag %s", etag)
	}
	resp, _ = ts.get(t, "/blog/first", "Accept-Encoding", "br", "If-None-Match", brTag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("brotli tag: status %d", resp.StatusCode)
	}

	resp, head := ts.do(t, http.MethodHead, "/blog/first")
	if resp.StatusCode != 200 || head != "" {
		t.Errorf("HEAD: status %d, %d body bytes", resp.StatusCode, len(head))
	}
	if resp.Header.Get("Content-Length") != itoa(len(body)) {
		t.Errorf("HEAD Content-Length %q, GET body %d", resp.Header.Get("Content-Length"), len(body))
	}
}

func TestCompression(t *testing.T) {
	ts := newTestSite(t, basicSite)
	_, plain := ts.get(t, "/blog/first")
	tests := []struct {
		accept, encoding string
	}{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"identity", ""},
		{"*", "br"},
	}
	for _, tt := range tests {
		resp, body := ts.get(t, "/blog/first", "Accept-Encoding", tt.accept)
		if got := resp.Header.Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.encoding)
			continue
		}
		if v := resp.Header.Get("Vary"); v != "Accept-Encoding" {
			t.Errorf("Vary %q", v)
		}
		if resp.Header.Get("Content-Length") != itoa(len(body)) {
			t.Errorf("%q: Content-Length %s for %d bytes", tt.accept, resp.Header.Get("Content-Length"), len(body))
		}
		if got := decode(t, tt.encoding, body); got != plain {
			t.Errorf("%q: decoded body differs from the plain one", tt.accept)
		}
	}
	// Images are not compressed again.
	resp, _ := ts.get(t, "/media/2024/pic.bin", "Accept-Encoding", "br")
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("media compressed: %q", resp.Header.Get("Content-Encoding"))
	}
}

func decode(t *testing.T, encoding, body string) string {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	switch encoding {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestSite(t, basicSite)
	for _, path := range []string{"/", "/blog/first", "/no-such", "/media/2024/pic.bin", "/feed.atom"} {
		resp, _ := ts.get(t, path)
		csp := resp.Header.Get("Content-Security-Policy")
		wants, bads := []string{"default-src 'none'", "frame-ancestors 'self'", "style-src 'self'"}, []string{"unsafe-inline", "unsafe-eval", "http:", "https:", "*"}
		if strings.HasPrefix(path, "/media/") { // stored files: sandboxed, see TestStoredFilesAreSandboxed
			wants, bads = []string{"default-src 'none'", "frame-ancestors 'self'", "sandbox"}, []string{"unsafe-eval", "http:", "https:", "*", "script-src"}
		}
		for _, want := range wants {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		for _, bad := range bads {
			if strings.Contains(csp, bad) {
				t.Errorf("%s: CSP %q allows %q", path, csp, bad)
			}
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: missing nosniff or Referrer-Policy", path)
		}
		if resp.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", path)
		}
		if len(resp.Header.Values("Set-Cookie")) > 0 {
			t.Errorf("%s: a public response sets a cookie", path)
		}
	}
	tls := httptest.NewTLSServer(ts.srv)
	defer tls.Close()
	resp, err := tls.Client().Get(tls.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over HTTPS")
	}
}

// A stored file opened on its own (an uploaded SVG above all) runs in a
// sandbox with nothing to load, whether it is media or a file beside a
// post; a PDF alone is not sandboxed, for browsers will not show it then.
func TestStoredFilesAreSandboxed(t *testing.T) {
	files := map[string]string{
		"media/2024/drawing.svg":  `<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>`,
		"media/2024/page.html":    "<p>hello</p>",
		"media/2024/report.pdf":   "%PDF-1.4\n",
		"posts/trip/index.md":     post("Trip", "2024-03-01T10:00:00+01:00") + "Body.\n",
		"posts/trip/drawing.svg":  `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"media/2024/photo.png":    "\x89PNG\r\n\x1a\n",
		"media/2024/feed.xml":     "<rss/>",
		"media/2024/no-type-here": "bytes",
	}
	for k, v := range basicSite {
		files[k] = v
	}
	ts := newTestSite(t, files)
	for _, path := range []string{"/media/2024/drawing.svg", "/media/2024/page.html", "/media/2024/photo.png", "/media/2024/feed.xml", "/media/2024/no-type-here", "/blog/trip/drawing.svg"} {
		resp, _ := ts.get(t, path)
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != http.StatusOK || !strings.HasSuffix(csp, "; sandbox") || !strings.HasPrefix(csp, "default-src 'none';") || !strings.Contains(csp, "img-src data:;") {
			t.Errorf("%s: status %d, CSP %q; want 200 and a sandbox with nothing to load", path, resp.StatusCode, csp)
		}
	}
	resp, _ := ts.get(t, "/media/2024/report.pdf")
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "sandbox") || !strings.HasPrefix(csp, "default-src 'none';") {
		t.Errorf("PDF: CSP %q; want no sandbox but nothing to load", csp)
	}
}

func TestMediaRangeAndBytes(t *testing.T) {
	ts := newTestSite(t, basicSite)
	want := basicSite["media/2024/pic.bin"]
	resp, body := ts.get(t, "/media/2024/pic.bin")
	if resp.StatusCode != 200 || body != want {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	resp, body = ts.get(t, "/media/2024/pic.bin", "Range", "bytes=4-9")
	if resp.StatusCode != http.StatusPartialContent || body != want[4:10] {
		t.Errorf("range: status %d, body %q", resp.StatusCode, body)
	}
	if cr := resp.Header.Get("Content-Range"); cr != "bytes 4-9/"+itoa(len(want)) {
		t.Errorf("Content-Range %q", cr)
	}
	resp, _ = ts.get(t, "/media/2024/missing.png")
	if resp.StatusCode != 404 {
		t.Errorf("missing media: %d", resp.StatusCode)
	}
}

// TestHostileURLs sends request lines exactly as written, so that no
// client library cleans them first.
func TestHostileURLs(t *testing.T) {
	ts := newTestSite(t, basicSite)
	secret := filepath.Join(filepath.Dir(ts.dir), "secret.txt")
	os.WriteFile(secret, []byte("TOP SECRET"), 0o644)
	paths := []string{
		"/media/../../etc/passwd",
		"/media/../secret.txt",
		"/media/..%2f..%2fetc%2fpasswd",
		"/media/%2e%2e/%2e%2e/etc/passwd",
		"/media/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
		"/media/..\\..\\etc\\passwd",
		"/media/%5c..%5c..%5cetc%5cpasswd",
		"/media//etc/passwd",
		"/media/%00",
		"/blog/../../etc/passwd",
		"/assets/../../../etc/passwd",
		"/../../etc/passwd",
		"/media/.git/config",
	}
	for _, p := range paths {
		status, body := rawGet(t, ts.http.Listener.Addr().String(), p)
		if status != 404 && status != 400 {
			t.Errorf("%s: status %d, want 404 or 400", p, status)
		}
		if strings.Contains(body, "root:") || strings.Contains(body, "TOP SECRET") {
			t.Errorf("%s: leaked a file outside the site", p)
		}
	}
}

func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestScheduledPostAppearsWithoutReload(t *testing.T) {
	ts := newTestSite(t, basicSite)
	if resp, _ := ts.get(t, "/blog/later"); resp.StatusCode != 404 {
		t.Fatalf("scheduled post visible early: %d", resp.StatusCode)
	}
	_, home := ts.get(t, "/")
	ts.setNow(time.Date(2026, 6, 2, 7, 0, 1, 0, time.UTC)) // 09:00:01 CEST
	if resp, _ := ts.get(t, "/blog/later"); resp.StatusCode != 200 {
		t.Fatalf("scheduled post not visible after its time: %d", resp.StatusCode)
	}
	_, home2 := ts.get(t, "/")
	if home2 == home || !strings.Contains(home2, "Scheduled") {
		t.Error("home page still cached without the scheduled post")
	}
}

func TestDatesInSiteTimeZone(t *testing.T) {
	ts := newTestSite(t, basicSite)
	_, summer := ts.get(t, "/blog/second")
	if !strings.Contains(summer, "1 July 2024, 09:00 CEST") || !strings.Contains(summer, `datetime="2024-07-01T09:00:00&#43;02:00"`) {
		t.Error("summer post not shown in CEST")
	}
	_, winter := ts.get(t, "/blog/third")
	if !strings.Contains(winter, "1 February 2025, 08:00 CET") {
		t.Error("winter post not shown in CET")
	}
	if !strings.Contains(winter, "Last modified") || !strings.Contains(winter, "15 July 2025, 18:00 CEST") {
		t.Error("last modified not shown, or not in CEST")
	}
}

// TestHugoSiteRoot: a Hugo site served with grail's URL style.
func TestHugoSiteRoot(t *testing.T) {
	files := testsite.Files(`
-- grail.toml --
urlStyle = "grail"
-- hugo.toml --
title = "Hugo Blog"
baseURL = "https://hugo.example.org/"
-- content/_index.md --
---
title: Home
---
-- content/about.md --
---
title: About
---
Hi.
-- content/posts/_index.md --
---
title: Posts
---
-- content/posts/plain.md --
+++
title = "Plain"
date = 2024-05-01
+++
Plain post.
-- content/posts/bundle/index.md --
---
title: Bundle
date: 2024-06-01
---
![diagram](diagram.png)
`)
	// Files whose bytes are compared, without the newline txtar adds.
	files["content/posts/bundle/diagram.png"] = "PNGDATA"
	files["static/images/logo.png"] = "LOGO"
	ts := newTestSite(t, files)
	_, home := ts.get(t, "/")
	if !strings.Contains(home, "Hugo Blog") || !strings.Contains(home, "Plain") {
		t.Error("home page of a Hugo site")
	}
	if !strings.Contains(home, `src="/blog/bundle/diagram.png"`) {
		t.Error("bundle image not resolved to the post's folder")
	}
	resp, body := ts.get(t, "/blog/bundle/diagram.png")
	if resp.StatusCode != 200 || body != "PNGDATA" {
		t.Errorf("bundle file: %d %q", resp.StatusCode, body)
	}
	resp, body = ts.get(t, "/images/logo.png")
	if resp.StatusCode != 200 || body != "LOGO" {
		t.Errorf("static file: %d %q", resp.StatusCode, body)
	}
	resp, _ = ts.get(t, "/blog/bundle/index.md")
	if resp.StatusCode != 404 {
		t.Errorf("a bundle's Markdown source is served: %d", resp.StatusCode)
	}
	if resp, _ := ts.get(t, "/about"); resp.StatusCode != 200 {
		t.Errorf("page: %d", resp.StatusCode)
	}
	_, feed := ts.get(t, "/feed.atom")
	if !strings.Contains(feed, "https://hugo.example.org/blog/plain") {
		t.Error("feed links do not use the base URL")
	}
}

func TestThemeOverride(t *testing.T) {
	files := map[string]string{"posts/a.md": post("A", "2024-01-01") + "x\n"}
	for k, v := range basicSite {
		files[k] = v
	}
	files["theme/assets/style.css"] = "body { color: rebeccapurple }"
	ts := newTestSite(t, files)
	_, home := ts.get(t, "/")
	i := strings.Index(home, `href="/assets/style.`)
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	href := home[i+6 : i+6+strings.IndexByte(home[i+6:], '"')]
	resp, css := ts.get(t, href)
	if resp.StatusCode != 200 || !strings.Contains(css, "rebeccapurple") {
		t.Errorf("overridden stylesheet not served: %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("asset Cache-Control %q", cc)
	}
}

func TestRenderCacheBounded(t *testing.T) {
	c := newRenderCache(10 << 10)
	gen := cacheGen{site: 1, theme: 1}
	for i := range 100 {
		c.put(gen, "/p"+itoa(i), newResponse(200, htmlType, "", bytes.Repeat([]byte("x"), 1000), zeroTime))
	}
	if c.bytes > c.max {
		t.Errorf("cache holds %d bytes, budget %d", c.bytes, c.max)
	}
	if c.get(gen, "/p99") == nil {
		t.Error("the newest entry was evicted")
	}
	for _, newer := range []cacheGen{{site: 2, theme: 1}, {site: 1, theme: 2}} {
		if c.get(newer, "/p99") != nil {
			t.Errorf("%+v: an entry of an older snapshot or theme was served", newer)
		}
	}
	// A page rendered before a theme reload, stored after it, is dropped.
	c.put(cacheGen{site: 1, theme: 2}, "/new", newResponse(200, htmlType, "", []byte("new"), zeroTime))
	c.put(gen, "/late", newResponse(200, htmlType, "", []byte("old theme"), zeroTime))
	if c.get(cacheGen{site: 1, theme: 2}, "/late") != nil {
		t.Error("a page made with the old theme was cached under the new one")
	}
}

// TestThemeReloadDuringRender: a page rendered with the old theme while
// the theme changes is never served afterwards.
func TestThemeReloadDuringRender(t *testing.T) {
	files := map[string]string{}
	for k, v := range basicSite {
		files[k] = v
	}
	ts := newTestSite(t, files)
	v, err := ts.srv.currentView() // a render begins with the theme as it is
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(ts.dir, "theme", "templates"), 0o755)
	os.WriteFile(filepath.Join(ts.dir, "theme", "templates", "page.html"), []byte(`{{define "main"}}<p>new template</p>{{end}}`), 0o644)
	if err := ts.srv.ReloadTheme(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp, err := ts.srv.renderDoc(context.Background(), v, ts.loader.Current().ByPath("/about"))
	if err != nil {
		t.Fatal(err)
	}
	ts.srv.cache.put(v.gen, "/about", resp) // the old render finishes late
	if _, body := ts.get(t, "/about"); !strings.Contains(body, "new template") {
		t.Error("a page rendered with the old theme was served after the reload")
	}
}

// TestForgedHostDoesNotPoisonFeeds: without a base URL, feeds link to the
// host asked for; a request naming another host must not change what
// other readers get (it is not answered at all: see
// TestUnknownHostsCauseNoRender).
func TestForgedHostDoesNotPoisonFeeds(t *testing.T) {
	ts := newTestSite(t, basicSite)
	for _, path := range []string{"/feed.atom", "/sitemap.xml", "/rss.xml"} {
		resp, evil := ts.get(t, path, "Host", "evil.example")
		if resp.StatusCode != http.StatusMisdirectedRequest || strings.Contains(evil, "evil.example") {
			t.Fatalf("%s: a forged host got %d with its own links", path, resp.StatusCode)
		}
		_, body := ts.get(t, path)
		if strings.Contains(body, "evil.example") {
			t.Errorf("%s: a forged Host poisoned the cached response", path)
		}
	}
}

// TestUnknownHostsCauseNoRender: without a base URL, a feed asked for
// under any made-up Host costs no render (it used to cost one each): it
// is answered 421. Loopback names and the hosts the configuration names
// get their feed; with a canonical host, unknown hosts get its feed.
func TestUnknownHostsCauseNoRender(t *testing.T) {
	ts := newTestSite(t, basicSite)
	before := ts.srv.rendered.Load()
	for i := range 1000 {
		host := fmt.Sprintf("h%d-%x.example", i, rand.Uint64())
		resp, body := ts.get(t, "/feed.atom", "Host", host)
		if resp.StatusCode != http.StatusMisdirectedRequest || strings.Contains(body, host) {
			t.Fatalf("Host %s: status %d\n%.200s", host, resp.StatusCode, body)
		}
	}
	if n := ts.srv.rendered.Load() - before; n != 0 {
		t.Errorf("1,000 unknown hosts caused %d renders, want none", n)
	}
	for _, host := range []string{"localhost:8080", "127.0.0.1", "[::1]:8080", "blog.localhost"} {
		resp, body := ts.get(t, "/feed.atom", "Host", host)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "http://"+host+"/") {
			t.Errorf("loopback Host %s: status %d, links to itself: %v", host, resp.StatusCode, strings.Contains(body, host))
		}
	}

	files := maps.Clone(basicSite)
	files["grail.toml"] = "canonicalHost = \"blog.example.org\"\nredirectHosts = [\"www.example.org\"]\n"
	ts = newTestSite(t, files)
	resp, body := ts.get(t, "/feed.atom", "Host", "blog.example.org")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "http://blog.example.org/") {
		t.Fatalf("canonical host: status %d", resp.StatusCode)
	}
	before = ts.srv.rendered.Load()
	for i := range 100 {
		host := fmt.Sprintf("h%d.example", i)
		resp, body := ts.get(t, "/feed.atom", "Host", host)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, host) || !strings.Contains(body, "http://blog.example.org/") {
			t.Fatalf("Host %s with a canonical host: status %d, or not the canonical feed", host, resp.StatusCode)
		}
	}
	if n := ts.srv.rendered.Load() - before; n != 0 {
		t.Errorf("unknown hosts with a canonical host caused %d renders, want none (the canonical feed is cached)", n)
	}
	if resp, _ := ts.get(t, "/feed.atom", "Host", "www.example.org"); resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("redirect host: status %d, want 301", resp.StatusCode)
	}
}

// TestConcurrentMissesShareOneRender: readers arriving together at a page
// not yet rendered all get it, identical, however the renders interleave.
func TestConcurrentMissesShareOneRender(t *testing.T) {
	ts := newTestSite(t, basicSite)
	var wg sync.WaitGroup
	bodies := make([]string, 20)
	for i := range bodies {
		wg.Go(func() { _, bodies[i] = ts.get(t, "/blog/first") })
	}
	wg.Wait()
	for i, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, "The first paragraph.") {
			t.Fatalf("reader %d got a different page", i)
		}
	}
}
