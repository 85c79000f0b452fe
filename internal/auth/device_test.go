package auth

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// remember gives a browser the device cookie for user (keeping id).
func remember(t *testing.T, s *Sessions, user, id string, https bool) *http.Cookie {
	t.Helper()
	r := httptest.NewRequest("POST", "http://blog.example/admin/login", nil)
	if https {
		r.TLS = &tls.ConnectionState{}
	}
	w := httptest.NewRecorder()
	if err := s.RememberDevice(w, r, user, id); err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "device" {
		t.Fatalf("RememberDevice set %v, want one device cookie", cookies)
	}
	return cookies[0]
}

// device asks s which device a request for user with cookie value is.
func device(s *Sessions, user, value string) string {
	r := httptest.NewRequest("POST", "http://blog.example/admin/login", nil)
	r.AddCookie(&http.Cookie{Name: "device", Value: value})
	return s.Device(r, user)
}

func TestDeviceCookie(t *testing.T) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	st := openStore(t, "mem://")
	s := loadSessions(t, st)
	s.Now = func() time.Time { return clock }
	c := remember(t, s, "ada", "", false)
	id := device(s, "ada", c.Value)
	if id == "" {
		t.Fatal("the device cookie just set is not recognised")
	}
	if again := device(s, "ada", remember(t, s, "ada", id, false).Value); again != id {
		t.Errorf("a renewed cookie names device %q, want %q", again, id)
	}
	if other := device(s, "ada", remember(t, s, "ada", "", false).Value); other == id {
		t.Error("two browsers got one device id")
	}
	_, session := start(t, s, "ada", false)
	payload, sig, _ := strings.Cut(c.Value, ".")
	foreign := loadSessions(t, openStore(t, "mem://"))
	for what, value := range map[string]string{
		"a session cookie":       session.Value,
		"signature changed":      payload + "." + string(sig[0]^1) + sig[1:],
		"signed by another site": remember(t, foreign, "ada", id, false).Value,
		"garbage":                "garbage",
	} {
		if got := device(s, "ada", value); got != "" {
			t.Errorf("%s: taken for device %q", what, got)
		}
	}
	if got := device(s, "bob", c.Value); got != "" {
		t.Error("ada's device cookie counts for bob")
	}
	// Nor can a device cookie pass for a session.
	if _, ok := get(s, c.Value); ok {
		t.Error("a device cookie was accepted as a session")
	}
	clock = clock.Add(DeviceMaxAge)
	if got := device(s, "ada", c.Value); got != "" {
		t.Error("an expired device cookie is still recognised")
	}
}

func TestDeviceCookieAttributes(t *testing.T) {
	s := loadSessions(t, openStore(t, "mem://"))
	for _, https := range []bool{false, true} {
		c := remember(t, s, "ada", "", https)
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.Secure != https {
			t.Errorf("HTTPS %v: cookie %s", https, c)
		}
		if c.MaxAge < 300*24*3600 {
			t.Errorf("the device is remembered for %d s only", c.MaxAge)
		}
	}
}
