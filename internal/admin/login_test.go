package admin

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/testsite"
	"github.com/grailblog/grail/internal/transport"
)

func TestUnauthenticatedPagesRedirectToLoginAndBack(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.browser(t)
	res, _ := b.get("/admin/edit?key=posts%2Fhello.md")
	wantStatus(t, res, "", http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if loc != "/admin/login?next=%2Fadmin%2Fedit%3Fkey%3Dposts%252Fhello.md" {
		t.Fatalf("redirected to %q", loc)
	}
	res, page := b.get(loc)
	wantStatus(t, res, page, http.StatusOK)
	next := formValues(page).Get("next")
	res, _ = b.postForm("/admin/login", url.Values{"name": {testUser}, "password": {testPassword}, "next": {next}})
	wantStatus(t, res, "", http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != "/admin/edit?key=posts%2Fhello.md" {
		t.Errorf("after logging in, sent to %q", got)
	}
}

func TestLoginAndLogout(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	res, page := b.get("/admin")
	wantStatus(t, res, page, http.StatusOK)
	wantContains(t, page, "Hello", ">ada<", "Log out")

	// Logging out needs the token like any other change.
	res, _ = b.postForm("/admin/logout", url.Values{})
	wantStatus(t, res, "", http.StatusForbidden)
	res, _ = b.post("/admin/logout", url.Values{})
	wantStatus(t, res, "", http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != "/admin/login?out=1" {
		t.Errorf("after logging out, sent to %q", got)
	}
	res, _ = b.get("/admin")
	wantStatus(t, res, "", http.StatusSeeOther)
}

func TestWrongPasswordAndUnknownNameGetOneMessage(t *testing.T) {
	ts := newTestSite(t, nil)
	for _, creds := range [][2]string{{testUser, "wrong password!"}, {"nobody", testPassword}, {"", ""}} {
		b := ts.browser(t)
		res, page := b.postForm("/admin/login", url.Values{"name": {creds[0]}, "password": {creds[1]}})
		wantStatus(t, res, page, http.StatusUnauthorized)
		wantContains(t, page, badLogin, `name="password"`)
		if c := res.Header.Get("Set-Cookie"); c != "" {
			t.Errorf("a failed login set a cookie: %s", c)
		}
	}
}

func TestLoginsAreLimitedAfterFiveFailures(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.browser(t)
	for i := range 5 {
		res, page := b.postForm("/admin/login", url.Values{"name": {testUser}, "password": {"guess number " + strconv.Itoa(i)}})
		wantStatus(t, res, page, http.StatusUnauthorized)
	}
	// Even the right password is refused now: the limit is what stops guessing.
	res, page := b.postForm("/admin/login", url.Values{"name": {testUser}, "password": {testPassword}})
	wantStatus(t, res, page, http.StatusTooManyRequests)
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Errorf("Retry-After is %q", res.Header.Get("Retry-After"))
	}
	wantContains(t, page, "Too many failed attempts")
}

func TestTamperedOrExpiredCookiesSendToLogin(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	u, _ := url.Parse(ts.http.URL)
	cookies := b.client.Jar.Cookies(u)
	if len(cookies) != 1 {
		t.Fatalf("%d cookies after logging in", len(cookies))
	}
	good := cookies[0].Value

	tamper := func(v string) {
		b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: v, Path: "/"}})
	}
	payload, sig, _ := strings.Cut(good, ".")
	for name, v := range map[string]string{
		"signature changed": payload + "." + strings.Repeat("A", len(sig)),
		"payload changed":   "x" + payload[1:] + "." + sig,
		"garbage":           "not-a-session",
	} {
		tamper(v)
		res, _ := b.get("/admin")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
			t.Errorf("%s: status %d, Location %q", name, res.StatusCode, res.Header.Get("Location"))
		}
	}

	tamper(good)
	res, _ := b.get("/admin")
	wantStatus(t, res, "", http.StatusOK)
	ts.setNow(ts.now.Load().Add(15 * 24 * time.Hour)) // past the two weeks a session lasts
	res, _ = b.get("/admin")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Errorf("expired session: status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestStateChangesNeedTheCSRFToken(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	form := b.editorForm("posts/hello.md")
	form.Set("body", "Changed by a forged request.")
	before := ts.read(t, "posts/hello.md")

	form.Del("csrf")
	res, page := b.postForm("/admin/save", form)
	wantStatus(t, res, page, http.StatusForbidden)
	// The author's words come back, so that nothing typed is lost.
	wantContains(t, page, "Changed by a forged request.")

	form.Set("csrf", "wrong"+b.csrf)
	res, _ = b.postForm("/admin/save", form)
	wantStatus(t, res, "", http.StatusForbidden)

	form.Del("csrf")
	res, _ = b.postForm("/admin/save", form, "X-CSRF-Token", "wrong")
	wantStatus(t, res, "", http.StatusForbidden)

	for _, path := range []string{"/admin/delete", "/admin/trash/restore", "/admin/revision/restore", "/admin/resolve", "/admin/autosave", "/admin/preview", "/admin/upload"} {
		res, _ := b.postForm(path, url.Values{"key": {"posts/hello.md"}})
		wantStatus(t, res, "", http.StatusForbidden)
	}
	// A form posted from another site is refused even with a token.
	form.Set("csrf", b.csrf)
	res, _ = b.postForm("/admin/save", form, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	wantStatus(t, res, "", http.StatusForbidden)

	if ts.read(t, "posts/hello.md") != before {
		t.Error("a refused request changed the file")
	}
	// And the right token works.
	res, _ = b.postForm("/admin/save", form)
	wantStatus(t, res, "", http.StatusSeeOther)
}

func TestPostWithoutSessionKeepsTheText(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.browser(t)
	res, page := b.postForm("/admin/save", url.Values{"title": {"Lost?"}, "body": {"Every word I wrote."}})
	wantStatus(t, res, page, http.StatusForbidden)
	wantContains(t, page, "Your session has ended", "Every word I wrote.")
}

func TestPublicPagesNeverSetACookie(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	for _, path := range []string{"/", "/blog/hello", "/about", "/feed.atom", "/no-such-page", "/healthz"} {
		res, _ := b.public(path)
		if c := res.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s set a cookie for a logged-in author: %v", path, c)
		}
		if strings.Contains(res.Header.Get("Cache-Control"), "private") {
			t.Errorf("%s: Cache-Control %q", path, res.Header.Get("Cache-Control"))
		}
	}
}

func TestAdminResponsesAreNotStored(t *testing.T) {
	ts := newTestSite(t, nil)
	anon := ts.browser(t)
	b := ts.loggedIn(t)
	check := func(res *http.Response) {
		t.Helper()
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", res.Request.Method, res.Request.URL, got)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", res.Request.URL, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", res.Request.URL, csp)
		}
	}
	for _, path := range []string{"/admin/login", "/admin", "/admin/nothing"} {
		res, _ := anon.get(path)
		check(res)
	}
	for _, path := range []string{"/admin", "/admin/new", "/admin/edit?key=posts%2Fhello.md", "/admin/trash", "/admin/history?key=posts%2Fhello.md", "/admin/delete?key=posts%2Fhello.md"} {
		res, page := b.get(path)
		wantStatus(t, res, page, http.StatusOK)
		check(res)
		if strings.Contains(page, "<script>") || strings.Contains(page, " style=") || strings.Contains(page, "<style") {
			t.Errorf("%s has inline script or style", path)
		}
	}
	res, _ := b.post("/admin/preview", url.Values{"body": {"*hi*"}})
	check(res)
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "/admin",
		"/admin":                     "/admin",
		"/admin/edit?key=posts%2Fa":  "/admin/edit?key=posts%2Fa",
		"/admin/../blog":             "/admin",
		"//evil.example/admin":       "/admin",
		"https://evil.example/admin": "/admin",
		"/\\evil.example":            "/admin",
		"/blog/hello":                "/admin",
		"/administrator":             "/admin",
		"/admin/login":               "/admin",
		"javascript:alert(1)":        "/admin",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// loopback trusts the tests' own connections as a proxy's.
var loopback = transport.Proxies{Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// TestForwardedHostOnlyFromATrustedProxy: a cross-site login posted with
// a forged X-Forwarded-Host naming the attacker's site is refused; the
// same headers from the trusted proxy in front of the server describe
// the reader's request and are honoured.
func TestForwardedHostOnlyFromATrustedProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies transport.Proxies
		want    int
	}{
		{"from anyone", transport.Proxies{}, http.StatusForbidden},
		{"from a trusted proxy", loopback, http.StatusSeeOther},
	} {
		ts := &testSite{dir: t.TempDir(), proxies: tc.proxies}
		testsite.WriteFiles(t, ts.dir, siteFiles(nil))
		ts.open(t, ts.dir)
		b := ts.browser(t)
		res, page := b.postForm("/admin/login", url.Values{"name": {testUser}, "password": {testPassword}},
			"Origin", "https://evil.example", "X-Forwarded-Host", "evil.example")
		if res.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d\n%.300s", tc.name, res.StatusCode, tc.want, page)
		}
	}
}

// TestLoginLimiterCountsTheForwardedClient: behind a trusted proxy the
// login limiter counts each reader by the address X-Forwarded-For gives;
// from anyone else, by the peer, whatever the header claims.
func TestLoginLimiterCountsTheForwardedClient(t *testing.T) {
	for _, tc := range []struct {
		name         string
		proxies      transport.Proxies
		otherLimited bool
	}{
		{"from a trusted proxy", loopback, false},
		{"from anyone", transport.Proxies{}, true},
	} {
		ts := &testSite{dir: t.TempDir(), proxies: tc.proxies}
		testsite.WriteFiles(t, ts.dir, siteFiles(nil))
		ts.open(t, ts.dir)
		b := ts.browser(t)
		attempt := func(client string, i int) int {
			res, _ := b.postForm("/admin/login", url.Values{"name": {"nobody" + strconv.Itoa(i)}, "password": {"guess"}},
				"X-Forwarded-For", client)
			return res.StatusCode
		}
		for i := range 5 { // an address's allowance
			if s := attempt("198.51.100.1", i); s != http.StatusUnauthorized {
				t.Fatalf("%s: attempt %d: status %d", tc.name, i, s)
			}
		}
		if s := attempt("198.51.100.1", 5); s != http.StatusTooManyRequests {
			t.Errorf("%s: the sixth attempt from one client: status %d, want 429", tc.name, s)
		}
		want := http.StatusUnauthorized
		if tc.otherLimited {
			want = http.StatusTooManyRequests
		}
		if s := attempt("198.51.100.2", 6); s != want {
			t.Errorf("%s: another X-Forwarded-For: status %d, want %d", tc.name, s, want)
		}
	}
}
