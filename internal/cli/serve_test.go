package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// serveSite runs grail serve with args on a site folder holding files and
// an account, until the test ends, and returns its base URL.
func serveSite(t *testing.T, files map[string]string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, files)
	st, err := store.Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.NewUsers(st).Add(context.Background(), "ada", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		args := append(append([]string{"serve", "--addr", addr, "--access-log=false"}, args...), dir)
		done <- Main(ctx, args, Stdio{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	base := "http://" + addr
	waitFor(t, base+"/healthz", http.StatusNoContent, 10*time.Second)
	return base
}

// TestServeBehindATLSProxy: with the proxy named (by flag or in
// grail.toml), a request it forwards with X-Forwarded-Proto: https gets
// HSTS, and logging in gives a Secure session cookie; without, the same
// header from a client changes nothing.
func TestServeBehindATLSProxy(t *testing.T) {
	post := map[string]string{"posts/one.md": "---\ntitle: One\ndate: 2024-01-01\n---\nFirst.\n"}
	withConfig := map[string]string{"grail.toml": "trustedProxies = [\"127.0.0.1/32\"]\n"}
	for k, v := range post {
		withConfig[k] = v
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		args    []string
		trusted bool
	}{
		{"flag", post, []string{"--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "127.0.0.1/32,::1"}, true},
		{"grail.toml", withConfig, nil, true},
		{"no proxy named", post, nil, false},
	} {
		base := serveSite(t, tc.files, tc.args...)
		req, _ := http.NewRequest("GET", base+"/blog/one", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		resp := do(t, req)
		if got := resp.Header.Get("Strict-Transport-Security") != ""; got != tc.trusted {
			t.Errorf("%s: HSTS sent: %v, want %v", tc.name, got, tc.trusted)
		}

		form := url.Values{"name": {"ada"}, "password": {"correct horse battery"}}
		req, _ = http.NewRequest("POST", base+"/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp = do(t, req)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: login: status %d", tc.name, resp.StatusCode)
		}
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "session" {
				session = c
			}
		}
		if session == nil {
			t.Fatalf("%s: no session cookie: %q", tc.name, resp.Header.Values("Set-Cookie"))
		}
		if session.Secure != tc.trusted {
			t.Errorf("%s: session cookie Secure: %v, want %v", tc.name, session.Secure, tc.trusted)
		}
	}
}

func TestServeRefusesABadTrustedProxy(t *testing.T) {
	var stderr bytes.Buffer
	code := Main(context.Background(), []string{"serve", "--trusted-proxy", "127.0.0.1,proxy.lan", t.TempDir()}, Stdio{Out: io.Discard, Err: &stderr})
	if code != 2 || !strings.Contains(stderr.String(), `"proxy.lan"`) {
		t.Errorf("exit %d, %q; want 2 and an error naming the value", code, stderr.String())
	}
}

// do sends req without following redirects.
func do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestWarnUnknownHosts: a server other machines can reach, without a
// base URL or canonical host, says once that feeds answer 421 to other
// hosts; a local one, or one with either setting, says nothing.
func TestWarnUnknownHosts(t *testing.T) {
	public := &net.TCPAddr{IP: net.ParseIP("192.0.2.10"), Port: 80}
	local := &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 8080}
	withBase, withCanonical := config.Default(), config.Default()
	withBase.BaseURL = "https://blog.example.org"
	withCanonical.Canonical = "blog.example.org"
	for _, tc := range []struct {
		name string
		cfg  config.Config
		addr net.Addr
		warn bool
	}{
		{"public, no baseURL", config.Default(), public, true},
		{"local", config.Default(), local, false},
		{"public, baseURL", withBase, public, false},
		{"public, canonicalHost", withCanonical, public, false},
	} {
		var logs bytes.Buffer
		warnUnknownHosts(slog.New(slog.NewTextHandler(&logs, nil)), tc.cfg, tc.addr)
		if got := strings.Contains(logs.String(), "421"); got != tc.warn {
			t.Errorf("%s: warned %v, want %v: %q", tc.name, got, tc.warn, logs.String())
		}
	}
}
