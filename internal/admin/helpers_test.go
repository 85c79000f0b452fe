package admin

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
	"github.com/grailblog/grail/internal/transport"
	"github.com/grailblog/grail/internal/web"
)

const (
	testUser     = "ada"
	testPassword = "correct horse battery"
)

// testSite is a site folder served by the real public handler with the
// admin mounted at /admin, as grail serve does, and one account.
type testSite struct {
	dir      string
	store    *store.Store
	loader   *site.Loader
	sessions *auth.Sessions
	admin    *Admin
	http     *httptest.Server
	now      atomic.Pointer[time.Time]
	// proxies are the proxies the server believes (none unless set
	// before open).
	proxies transport.Proxies
}

var baseFiles = testsite.Files(`
-- grail.toml --
title = "Test Blog"
timeZone = "Europe/Berlin"
-- posts/hello.md --
---
title: Hello
date: 2026-01-10T09:00:00+01:00
categories: [Notes]
tags: [first]
cover: hello.png # a theme's field
---

Hello, *world*.
-- pages/about.md --
---
title: About
---

About me.
`)

func newTestSite(t *testing.T, extra map[string]string) *testSite {
	t.Helper()
	ts := &testSite{dir: t.TempDir()}
	testsite.WriteFiles(t, ts.dir, siteFiles(extra))
	return ts.open(t, ts.dir)
}

func siteFiles(extra map[string]string) map[string]string {
	files := map[string]string{}
	for k, v := range baseFiles {
		files[k] = v
	}
	for k, v := range extra {
		files[k] = v
	}
	return files
}

// open serves the site at location (a folder, or a bucket the caller has
// filled) with the admin mounted.
func (ts *testSite) open(t *testing.T, location string) *testSite {
	t.Helper()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ts.now.Store(&now)
	clock := func() time.Time { return *ts.now.Load() }
	ctx := context.Background()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts.store = st
	ts.loader = site.NewLoader(st, nil, clock)
	if _, err := ts.loader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	users := auth.NewUsers(st)
	users.Now = clock
	// A second server on the same site finds the account there.
	if err := users.Add(ctx, testUser, testPassword); err != nil && !errors.Is(err, auth.ErrUserExists) {
		t.Fatal(err)
	}
	ts.sessions = auth.NewSessions(st)
	ts.sessions.Now = clock
	if err := ts.sessions.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ts.admin, err = New(Options{Store: st, Loader: ts.loader, Users: users, Sessions: ts.sessions, Now: clock, MaxUpload: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(ctx, web.Options{Store: st, Loader: ts.loader, Proxies: ts.proxies, Mounts: []web.Mount{{Prefix: "/admin", Handler: ts.admin}}})
	if err != nil {
		t.Fatal(err)
	}
	ts.http = httptest.NewServer(srv)
	t.Cleanup(ts.http.Close)
	return ts
}

func (ts *testSite) setNow(t time.Time) { ts.now.Store(&t) }

func (ts *testSite) read(t *testing.T, key string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ts.dir, filepath.FromSlash(key)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (ts *testSite) exists(key string) bool {
	_, err := os.Stat(filepath.Join(ts.dir, filepath.FromSlash(key)))
	return err == nil
}

// browser is one author's browser: a cookie jar that does not follow
// redirects, so that tests see each answer.
type browser struct {
	t      *testing.T
	ts     *testSite
	client *http.Client
	csrf   string
}

func (ts *testSite) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, ts: ts, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// loggedIn is a browser that has logged in, with the page's CSRF token.
func (ts *testSite) loggedIn(t *testing.T) *browser {
	t.Helper()
	b := ts.browser(t)
	res, _ := b.postForm("/admin/login", url.Values{"name": {testUser}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d", res.StatusCode)
	}
	_, body := b.get("/admin")
	b.csrf = csrfOf(t, body)
	return b
}

var csrfRE = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(data)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.ts.http.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) postForm(path string, v url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.ts.http.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

// post sends v with the session's CSRF token.
func (b *browser) post(path string, v url.Values) (*http.Response, string) {
	b.t.Helper()
	v.Set("csrf", b.csrf)
	return b.postForm(path, v)
}

// editorForm is the editor's form for key as the server renders it.
func (b *browser) editorForm(key string) url.Values {
	b.t.Helper()
	res, page := b.get("/admin/edit?key=" + url.QueryEscape(key))
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("open %s: status %d\n%s", key, res.StatusCode, page)
	}
	return formValues(page)
}

var (
	inputRE    = regexp.MustCompile(`<input([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>`)
	attrRE     = regexp.MustCompile(`(\w+)="([^"]*)"`)
)

// formValues reads the fields of the editor page as a browser would send
// them (the first form with those names).
func formValues(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			attrs[a[1]] = htmlUnescape(a[2])
		}
		name := attrs["name"]
		if name == "" || attrs["type"] == "file" || v.Has(name) {
			continue
		}
		if attrs["type"] == "radio" && !strings.Contains(m[1], " checked") {
			continue
		}
		v.Set(name, attrs["value"])
	}
	for _, m := range textareaRE.FindAllStringSubmatch(page, -1) {
		if !v.Has(m[1]) {
			v.Set(m[1], htmlUnescape(m[2]))
		}
	}
	return v
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }

// postMultipart sends v and, last as a browser does, one file (when
// fileName is set), with the session's CSRF token.
func (b *browser) postMultipart(path string, v url.Values, fileName string, data []byte, header ...string) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	for k, vals := range v {
		for _, val := range vals {
			mw.WriteField(k, val)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, b.ts.http.URL+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

// public fetches a reader's page with the browser's cookies.
func (b *browser) public(path string) (*http.Response, string) {
	b.t.Helper()
	return b.get(path)
}

func wantStatus(t *testing.T, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

func wantContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("the page does not contain %q", p)
		}
	}
}

// pngData is a real (1×1) PNG.
var pngData = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
