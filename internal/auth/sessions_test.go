package auth

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/transport"
)

func loadSessions(t *testing.T, st *store.Store) *Sessions {
	t.Helper()
	s := NewSessions(st)
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// start logs user in over HTTP or HTTPS and returns the session and the
// cookie the browser was given.
func start(t *testing.T, s *Sessions, user string, https bool) (Session, *http.Cookie) {
	t.Helper()
	r := httptest.NewRequest("POST", "http://blog.example/login", nil)
	if https {
		r.TLS = &tls.ConnectionState{}
	}
	w := httptest.NewRecorder()
	sess, err := s.Start(w, r, user)
	if err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "session" {
		t.Fatalf("Start set %v, want one session cookie", cookies)
	}
	return sess, cookies[0]
}

// get asks s about a request that carries cookie value.
func get(s *Sessions, value string) (Session, bool) {
	r := httptest.NewRequest("GET", "http://blog.example/admin/", nil)
	r.AddCookie(&http.Cookie{Name: "session", Value: value})
	return s.Get(r)
}

func TestStartAndGet(t *testing.T) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s := loadSessions(t, openStore(t, "mem://"))
	s.Now = func() time.Time { return clock }
	sess, cookie := start(t, s, "ada", false)
	if sess.User != "ada" || !sess.Expires.Equal(clock.Add(14*24*time.Hour)) || !sess.Issued.Equal(clock) {
		t.Errorf("session %+v", sess)
	}
	if raw, err := b64url.DecodeString(sess.CSRF); err != nil || len(raw) != 32 {
		t.Errorf("CSRF token %q is not 32 bytes in base64url", sess.CSRF)
	}
	got, ok := get(s, cookie.Value)
	if !ok || got != sess {
		t.Errorf("Get: %+v, %v; want %+v", got, ok, sess)
	}
	other, _ := start(t, s, "ada", false)
	if other.CSRF == sess.CSRF {
		t.Error("two sessions have one CSRF token")
	}
	if sess.ID == "" || other.ID == sess.ID || sess.ID == sess.CSRF {
		t.Errorf("session ids %q and %q: want two, unlike the CSRF token", sess.ID, other.ID)
	}
	// A cookie of the same name set by a neighbouring site comes first.
	r := httptest.NewRequest("GET", "http://blog.example/admin/", nil)
	r.Header.Set("Cookie", "session=planted.value; session="+cookie.Value)
	if got, ok := s.Get(r); !ok || got != sess {
		t.Errorf("with a planted cookie first: %+v, %v", got, ok)
	}
	clock = clock.Add(14*24*time.Hour - time.Second)
	if _, ok := get(s, cookie.Value); !ok {
		t.Error("the session ended a second early")
	}
}

// TestSessionsAcrossServers: a cookie from one server is good on another
// sharing the site, and after a restart.
func TestSessionsAcrossServers(t *testing.T) {
	dir := t.TempDir()
	one := loadSessions(t, openStore(t, dir))
	two := loadSessions(t, openStore(t, dir))
	sess, cookie := start(t, one, "ada", false)
	if got, ok := get(two, cookie.Value); !ok || got != sess {
		t.Errorf("the other server: %+v, %v", got, ok)
	}
	restarted := loadSessions(t, openStore(t, dir))
	if _, ok := get(restarted, cookie.Value); !ok {
		t.Error("a restarted server refuses the cookie")
	}
}

func TestInvalidCookies(t *testing.T) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s := loadSessions(t, openStore(t, "mem://"))
	s.Now = func() time.Time { return clock }
	_, cookie := start(t, s, "ada", false)
	payload, sig, _ := strings.Cut(cookie.Value, ".")
	data, _ := b64url.DecodeString(payload)

	asEve := b64url.EncodeToString([]byte(strings.Replace(string(data), `"u":"ada"`, `"u":"eve"`, 1)))
	other := loadSessions(t, openStore(t, "mem://"))
	other.Now = s.Now
	_, foreign := start(t, other, "ada", false)
	flipped := string(sig[0]^1) + sig[1:]
	// Correctly signed, but not a usable session.
	signed := func(p map[string]any) string {
		data, _ := json.Marshal(p)
		return b64url.EncodeToString(data) + "." + b64url.EncodeToString(sign(s.key.Load().mac, data))
	}
	future := clock.Add(time.Hour).UnixMilli()

	tests := []struct {
		what, value string
	}{
		{"empty", ""},
		{"garbage", "garbage"},
		{"a dot", "."},
		{"payload changed to another user", asEve + "." + sig},
		{"signature changed", payload + "." + flipped},
		{"signature of another payload", payload + "." + strings.Split(foreign.Value, ".")[1]},
		{"truncated signature", cookie.Value[:len(cookie.Value)-5]},
		{"no signature", payload},
		{"empty signature", payload + "."},
		{"signature only", "." + sig},
		{"padded base64", payload + "=." + sig},
		{"signed by another site", foreign.Value},
		{"huge", strings.Repeat("A", 5000) + "." + sig},
		{"signed without a user", signed(map[string]any{"s": "id", "c": "tok", "e": future})},
		{"signed without a CSRF token", signed(map[string]any{"u": "ada", "s": "id", "e": future})},
		{"signed without an expiry", signed(map[string]any{"u": "ada", "s": "id", "c": "tok"})},
		// Cookies from before sessions had ids could not be logged out.
		{"signed without an id", signed(map[string]any{"u": "ada", "c": "tok", "e": future})},
	}
	for _, tt := range tests {
		if sess, ok := get(s, tt.value); ok {
			t.Errorf("%s: accepted as %+v", tt.what, sess)
		}
	}
	if _, ok := get(s, signed(map[string]any{"u": "ada", "s": "id", "c": "tok", "e": future})); !ok {
		t.Error("the forging helper makes invalid cookies; the cases above prove nothing")
	}

	clock = clock.Add(14 * 24 * time.Hour)
	if _, ok := get(s, cookie.Value); ok {
		t.Error("expired: accepted")
	}
}

// TestRotation: deleting the secret ends every session on every server
// once it reloads; until something changes, Reload keeps the key.
func TestRotation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	one := loadSessions(t, openStore(t, dir))
	two := loadSessions(t, openStore(t, dir))
	_, cookie := start(t, one, "ada", false)

	// The first Reload after the Load that created the key reads it once
	// more (there was no version to compare yet); later ones only look.
	if err := one.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	key := one.key.Load()
	if err := one.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if one.key.Load() != key {
		t.Error("Reload read the key again though it had not changed")
	}
	if _, ok := get(one, cookie.Value); !ok {
		t.Fatal("a Reload with no rotation ended the session")
	}

	if err := os.Remove(filepath.Join(dir, "_grail", "secret")); err != nil {
		t.Fatal(err)
	}
	for i, s := range []*Sessions{one, two} {
		if err := s.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := get(s, cookie.Value); ok {
			t.Errorf("server %d: the old cookie still works after the rotation", i+1)
		}
	}
	_, fresh := start(t, two, "ada", false)
	if _, ok := get(one, fresh.Value); !ok {
		t.Error("after the rotation the servers do not share a key")
	}
}

func TestNotLoaded(t *testing.T) {
	s := NewSessions(openStore(t, "mem://"))
	r := httptest.NewRequest("POST", "/login", nil)
	if _, err := s.Start(httptest.NewRecorder(), r, "ada"); err == nil {
		t.Error("Start without a key succeeded")
	}
	if _, ok := get(s, "x.y"); ok {
		t.Error("Get without a key accepted a cookie")
	}
}

func TestStartRefusesBadNames(t *testing.T) {
	s := loadSessions(t, openStore(t, "mem://"))
	for _, name := range []string{"", "Ada", strings.Repeat("a", 5000)} {
		r := httptest.NewRequest("POST", "/login", nil)
		if _, err := s.Start(httptest.NewRecorder(), r, name); err == nil {
			t.Errorf("Start(%.20q) succeeded", name)
		}
	}
}

func TestCookieAttributes(t *testing.T) {
	tests := []struct {
		what       string
		tls        bool
		proto      string
		trust      bool
		wantSecure bool
	}{
		{"plain HTTP", false, "", false, false},
		{"HTTPS", true, "", false, true},
		{"forwarded HTTPS, not trusted", false, "https", false, false},
		{"forwarded HTTPS, trusted", false, "https", true, true},
		{"forwarded HTTP, trusted", false, "http", true, false},
	}
	s := loadSessions(t, openStore(t, "mem://"))
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "http://blog.example/login", nil)
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if tt.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		// The transport applies a trusted proxy's header on the way in.
		var proxies transport.Proxies
		if tt.trust {
			proxies.Addrs = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} // httptest's peer
		}
		proxies.Normalise(r)
		w := httptest.NewRecorder()
		if _, err := s.Start(w, r, "ada"); err != nil {
			t.Fatal(err)
		}
		s.End(w, r)
		set := w.Result().Header.Values("Set-Cookie")
		if len(set) != 2 {
			t.Fatalf("%s: Set-Cookie %q", tt.what, set)
		}
		for i, want := range []string{"Max-Age=1209600", "Max-Age=0"} {
			attrs := strings.Split(set[i], "; ")
			has := map[string]bool{}
			for _, a := range attrs[1:] {
				has[a] = true
			}
			for _, a := range []string{"Path=/", "HttpOnly", "SameSite=Lax", want} {
				if !has[a] {
					t.Errorf("%s: %q lacks %s", tt.what, set[i], a)
				}
			}
			if has["Secure"] != tt.wantSecure {
				t.Errorf("%s: %q: Secure is %v, want %v", tt.what, set[i], has["Secure"], tt.wantSecure)
			}
		}
		if !strings.HasPrefix(set[1], "session=;") {
			t.Errorf("%s: End sets %q, want an empty session cookie", tt.what, set[1])
		}
	}
}

func TestValidCSRF(t *testing.T) {
	sess := Session{User: "ada", CSRF: "the-token_0123456789abcdefghijklmnopqrstuv"}
	form := func(v url.Values) *http.Request {
		r := httptest.NewRequest("POST", "/admin/save", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	header := func(token string) *http.Request {
		r := httptest.NewRequest("POST", "/admin/save", nil)
		r.Header.Set("X-CSRF-Token", token)
		return r
	}
	tests := []struct {
		what string
		sess Session
		r    *http.Request
		want bool
	}{
		{"form field", sess, form(url.Values{"csrf": {sess.CSRF}, "title": {"x"}}), true},
		{"header", sess, header(sess.CSRF), true},
		{"missing", sess, form(url.Values{"title": {"x"}}), false},
		{"wrong form field", sess, form(url.Values{"csrf": {sess.CSRF[1:] + "x"}}), false},
		{"wrong header", sess, header("not-the-token"), false},
		{"prefix of the token", sess, header(sess.CSRF[:10]), false},
		{"empty header", sess, header(""), false},
		{"in the URL only", sess, httptest.NewRequest("POST", "/admin/save?csrf="+sess.CSRF, nil), false},
		{"session without a token", Session{User: "ada"}, header(""), false},
	}
	for _, tt := range tests {
		if got := tt.sess.ValidCSRF(tt.r); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.what, got, tt.want)
		}
	}
}
