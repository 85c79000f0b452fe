package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBadKeysAreNotServerErrors: a key that cannot name a file of the
// site — one that climbs out of it, one too long for the file system, one
// that uses a file as a folder — is the request's fault: 404 or 400 on
// every screen that takes a key, never a 500.
func TestBadKeysAreNotServerErrors(t *testing.T) {
	ts := newTestSite(t, nil)
	b := ts.loggedIn(t)
	keys := []string{
		"posts/../../../etc/passwd.md",
		"posts/" + strings.Repeat("a", 300) + ".md",
		"posts/hello.md/x.md",
		"pages/" + strings.Repeat("b", 256) + ".md",
	}
	for _, key := range keys {
		for _, screen := range []string{"/admin/edit", "/admin/delete"} {
			res, body := b.get(screen + "?key=" + url.QueryEscape(key))
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s?key=%.30s…: %d, want 404 or 400\n%.300s", screen, key, res.StatusCode, body)
			}
		}
	}
}
