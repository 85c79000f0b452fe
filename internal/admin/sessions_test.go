package admin

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/auth"
)

// TestConcurrentGuessesAreLimited: guesses sent together from one
// address get no more password checks than the limit, however many
// arrive while the first ones are being checked.
func TestConcurrentGuessesAreLimited(t *testing.T) {
	ts := newTestSite(t, nil)
	const guesses = 60
	statuses := make(chan int, guesses)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range guesses {
		b := ts.browser(t)
		wg.Go(func() {
			<-start
			form := url.Values{"name": {testUser}, "password": {"guess number " + strconv.Itoa(i)}}
			req, _ := http.NewRequest(http.MethodPost, ts.http.URL+"/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := b.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses <- res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	// Each 401 is a password that was checked; a 429 was refused before.
	if count[http.StatusUnauthorized] > 5 || count[http.StatusUnauthorized] == 0 {
		t.Errorf("%d concurrent wrong guesses from one address: %d passwords checked, documented limit 5 (statuses %v)",
			guesses, count[http.StatusUnauthorized], count)
	}
	if count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != guesses {
		t.Errorf("statuses %v", count)
	}
}

// loginFrom posts the login form to the admin handler as a client at ip
// with the given cookies, and returns the answer.
func (ts *testSite) loginFrom(t *testing.T, ip, name, password string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	form := url.Values{"name": {name}, "password": {password}}
	r := httptest.NewRequest(http.MethodPost, "http://blog.example/admin/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = ip + ":40000"
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	ts.admin.ServeHTTP(w, r)
	res := w.Result()
	res.Request = r
	return res
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestStrangersCannotLockTheOwnerOut: failures at a name from anywhere
// delay further attempts at it, growing, but never shut it; and a browser
// the owner has logged in with before logs in at once all along.
func TestStrangersCannotLockTheOwnerOut(t *testing.T) {
	ts := newTestSite(t, nil)
	res := ts.loginFrom(t, "192.0.2.10", testUser, testPassword)
	wantStatus(t, res, "", http.StatusSeeOther)
	device := cookieNamed(res, "device")
	if device == nil {
		t.Fatal("no device cookie after logging in")
	}

	guess := 0
	attack := func(n int) map[int]int {
		statuses := map[int]int{}
		for range n {
			guess++
			res := ts.loginFrom(t, fmt.Sprintf("203.0.113.%d", guess), testUser, fmt.Sprint("guess ", guess))
			statuses[res.StatusCode]++
		}
		return statuses
	}
	if got := attack(20); got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != 15 {
		t.Fatalf("20 guesses from 20 addresses: %v, want 5 checked and the rest delayed", got)
	}
	// The owner, from a new address and browser, waits like everyone.
	res = ts.loginFrom(t, "198.51.100.1", testUser, testPassword)
	wantStatus(t, res, "", http.StatusTooManyRequests)
	if got := res.Header.Get("Retry-After"); got != "15" {
		t.Errorf("Retry-After %q, want 15 (the first delay)", got)
	}
	// From the browser that logged in before, at once.
	res = ts.loginFrom(t, "192.0.2.10", testUser, testPassword, device)
	wantStatus(t, res, "", http.StatusSeeOther)
	if cookieNamed(res, "session") == nil {
		t.Fatal("logging in from a known browser set no session")
	}
	// A doctored device cookie is a stranger's.
	forged := *device
	forged.Value = "x" + device.Value[1:]
	wantStatus(t, ts.loginFrom(t, "192.0.2.10", testUser, testPassword, &forged), "", http.StatusTooManyRequests)

	// The delay passes, and is not a lock: the owner gets in from anywhere.
	ts.setNow(ts.now.Load().Add(15 * time.Second))
	wantStatus(t, ts.loginFrom(t, "198.51.100.1", testUser, testPassword), "", http.StatusSeeOther)

	// The attack goes on: each failure doubles the wait.
	ts.setNow(ts.now.Load().Add(time.Hour))
	attack(5)
	res = ts.loginFrom(t, "198.51.100.2", testUser, "wrong again")
	if got := res.Header.Get("Retry-After"); got != "15" {
		t.Errorf("after five more failures: Retry-After %q, want 15", got)
	}
	ts.setNow(ts.now.Load().Add(15 * time.Second))
	attack(1)
	res = ts.loginFrom(t, "198.51.100.2", testUser, testPassword)
	if got := res.Header.Get("Retry-After"); got != "30" {
		t.Errorf("after one more: Retry-After %q, want 30", got)
	}
	wantStatus(t, ts.loginFrom(t, "192.0.2.10", testUser, testPassword, device), "", http.StatusSeeOther)
}

func TestDeviceCookieAtLogin(t *testing.T) {
	ts := newTestSite(t, nil)
	for _, https := range []bool{false, true} {
		form := url.Values{"name": {testUser}, "password": {testPassword}}
		r := httptest.NewRequest(http.MethodPost, "http://blog.example/admin/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if https {
			r.TLS = &tls.ConnectionState{}
		}
		w := httptest.NewRecorder()
		ts.admin.ServeHTTP(w, r)
		res := w.Result()
		res.Request = r
		wantStatus(t, res, "", http.StatusSeeOther)
		c := cookieNamed(res, "device")
		if c == nil {
			t.Fatal("no device cookie")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != https || c.MaxAge < 300*24*3600 {
			t.Errorf("HTTPS %v: device cookie %s", https, c)
		}
	}
}

// sessionCookie is the browser's session cookie value.
func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.ts.http.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "session" {
			return c.Value
		}
	}
	b.t.Fatal("no session cookie")
	return ""
}

// with is a fresh browser on ts holding session cookie value (a copy of
// another browser's cookie, as a thief would have).
func (ts *testSite) with(t *testing.T, value, csrf string) *browser {
	b := ts.browser(t)
	u, _ := url.Parse(ts.http.URL)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: value, Path: "/"}})
	b.csrf = csrf
	return b
}

// wantLoggedOut: b is sent to the login page, and its changes refused.
func wantLoggedOut(t *testing.T, b *browser, what string) {
	t.Helper()
	res, _ := b.get("/admin")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Errorf("%s: GET /admin: status %d, Location %q; want the login page", what, res.StatusCode, res.Header.Get("Location"))
	}
	res, page := b.post("/admin/preview", url.Values{"body": {"*hi*"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "Your session has ended") {
		t.Errorf("%s: a change got status %d", what, res.StatusCode)
	}
}

func wantLoggedIn(t *testing.T, b *browser, what string) {
	t.Helper()
	if res, page := b.get("/admin"); res.StatusCode != http.StatusOK {
		t.Errorf("%s: GET /admin: status %d\n%s", what, res.StatusCode, page)
	}
}

// secondServer serves ts's site folder from another server, as another
// instance would, with its own clock set to ts's.
func (ts *testSite) secondServer(t *testing.T) *testSite {
	two := (&testSite{dir: ts.dir}).open(t, ts.dir)
	two.setNow(*ts.now.Load())
	return two
}

func (ts *testSite) tick(d time.Duration) { ts.setNow(ts.now.Load().Add(d)) }

// TestLogoutEndsTheSession: after logging out, a copy of the old cookie
// no longer works, on this server or another.
func TestLogoutEndsTheSession(t *testing.T) {
	ts := newTestSite(t, nil)
	two := ts.secondServer(t)
	b := ts.loggedIn(t)
	other := ts.loggedIn(t)
	old := b.sessionCookie()
	res, _ := b.post("/admin/logout", url.Values{})
	wantStatus(t, res, "", http.StatusSeeOther)
	wantLoggedOut(t, ts.with(t, old, b.csrf), "the old cookie")
	wantLoggedOut(t, two.with(t, old, b.csrf), "the old cookie on another server")
	res, page := ts.with(t, old, b.csrf).get("/admin/login")
	wantStatus(t, res, page, http.StatusOK)
	wantContains(t, page, `name="password"`)
	wantLoggedIn(t, other, "another session of the user")
}

// TestLogoutEverywhere: the button ends every session of the user, on
// every server; a login afterwards works.
func TestLogoutEverywhere(t *testing.T) {
	ts := newTestSite(t, nil)
	two := ts.secondServer(t)
	laptop := ts.loggedIn(t)
	wantContains(t, pageOf(t, laptop, "/admin"), `formaction="/admin/logout/everywhere"`, "Log out everywhere")
	phone := ts.loggedIn(t)
	phoneOnTwo := two.with(t, phone.sessionCookie(), phone.csrf)
	wantLoggedIn(t, phoneOnTwo, "before")
	old := laptop.sessionCookie()

	ts.tick(time.Minute)
	// Like every change, it needs the session's token.
	res, _ := laptop.postForm("/admin/logout/everywhere", url.Values{})
	wantStatus(t, res, "", http.StatusForbidden)
	wantLoggedIn(t, phoneOnTwo, "after a forged request")
	res, _ = laptop.post("/admin/logout/everywhere", url.Values{})
	wantStatus(t, res, "", http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != "/admin/login?out=all" {
		t.Errorf("sent to %q", got)
	}
	_, page := laptop.get("/admin/login?out=all")
	wantContains(t, page, "logged out everywhere")

	wantLoggedOut(t, phoneOnTwo, "another browser, on another server")
	wantLoggedOut(t, phone, "another browser")
	wantLoggedOut(t, two.with(t, old, laptop.csrf), "the old cookie on another server")

	ts.tick(time.Second)
	two.tick(time.Minute + time.Second)
	again := two.loggedIn(t)
	wantLoggedIn(t, ts.with(t, again.sessionCookie(), again.csrf), "a login afterwards")
}

// TestPasswordChangeEndsSessionsEverywhere: changing the password (as
// grail user passwd does) ends every earlier session on every server.
func TestPasswordChangeEndsSessionsEverywhere(t *testing.T) {
	ts := newTestSite(t, nil)
	two := ts.secondServer(t)
	b := ts.loggedIn(t)
	onTwo := two.with(t, b.sessionCookie(), b.csrf)
	wantLoggedIn(t, onTwo, "before")
	ts.tick(time.Minute)
	users := auth.NewUsers(ts.store)
	users.Now = func() time.Time { return *ts.now.Load() }
	if err := users.SetPassword(context.Background(), testUser, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	wantLoggedOut(t, onTwo, "on another server")
	wantLoggedOut(t, b, "on this server")
}

func pageOf(t *testing.T, b *browser, path string) string {
	t.Helper()
	res, page := b.get(path)
	wantStatus(t, res, page, http.StatusOK)
	return page
}

// TestLimitIsSharedByServers: servers on one site count failed logins
// together, so that more servers (or Lambda instances) do not multiply
// the allowance.
func TestLimitIsSharedByServers(t *testing.T) {
	ts := newTestSite(t, nil)
	servers := []*testSite{ts, ts.secondServer(t)}
	checked := 0
	for i := range 20 {
		res := servers[i%2].loginFrom(t, "192.0.2.1", testUser, fmt.Sprint("guess ", i))
		if res.StatusCode == http.StatusUnauthorized {
			checked++
		}
	}
	if checked != 5 {
		t.Errorf("20 guesses from one address on two servers: %d passwords checked, want 5", checked)
	}
	for i := range 20 {
		servers[i%2].loginFrom(t, fmt.Sprintf("203.0.113.%d", i), "bob", fmt.Sprint("guess ", i))
	}
	if got := ts.loginFrom(t, "198.51.100.1", "bob", "one more").Header.Get("Retry-After"); got != "15" {
		t.Errorf("20 guesses at one name on two servers: then Retry-After %q, want 15", got)
	}
}
