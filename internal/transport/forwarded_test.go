package transport

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/grailblog/grail/internal/transport/transporttest"
)

// TestNormalise: a trusted proxy's forwarded headers describe the
// request; anyone else's are removed and change nothing.
func TestNormalise(t *testing.T) {
	proxies := Proxies{Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	tests := []struct {
		name, peer, proto, host, fwdFor string
		wantHost, wantRemote            string
		wantHTTPS                       bool
	}{
		{"untrusted peer", "203.0.113.9:4000", "https", "evil.example", "198.51.100.1",
			"blog.example", "203.0.113.9:4000", false},
		{"trusted proxy", "10.0.0.1:4000", "https", "blog.example.org", "198.51.100.1",
			"blog.example.org", "198.51.100.1:0", true},
		{"proxies skipped, the client's own claim ignored", "10.0.0.1:4000", "http", "", "6.6.6.6, 198.51.100.1, 10.0.0.2",
			"blog.example", "198.51.100.1:0", false},
		{"the reader's scheme and host, before inner proxies'", "10.0.0.1:4000", "https, http", "blog.example.org, inner.example", "",
			"blog.example.org", "10.0.0.1:4000", true},
		{"a host that is not a host", "10.0.0.1:4000", "", "evil.example/path", "2001:db8::1",
			"blog.example", "[2001:db8::1]:0", false},
		{"an unreadable hop", "10.0.0.1:4000", "", "", "198.51.100.1, bogus",
			"blog.example", "10.0.0.1:4000", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "http://blog.example/", nil)
		r.RemoteAddr = tt.peer
		r.Header.Set("X-Forwarded-Proto", tt.proto)
		r.Header.Set("X-Forwarded-Host", tt.host)
		r.Header.Set("X-Forwarded-For", tt.fwdFor)
		proxies.Normalise(r)
		if r.Host != tt.wantHost || r.RemoteAddr != tt.wantRemote || IsHTTPS(r) != tt.wantHTTPS {
			t.Errorf("%s: host %q, client %q, HTTPS %v; want %q, %q, %v", tt.name,
				r.Host, r.RemoteAddr, IsHTTPS(r), tt.wantHost, tt.wantRemote, tt.wantHTTPS)
		}
		for _, h := range []string{"X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-For"} {
			if v := r.Header.Values(h); v != nil {
				t.Errorf("%s: %s left in the request: %q", tt.name, h, v)
			}
		}
	}
}

// TestNormaliseAsksTrusts: a front door that knows its proxy by other
// means than its address (the origin secret) decides through Trusts.
func TestNormaliseAsksTrusts(t *testing.T) {
	p := Proxies{Trusts: func(r *http.Request) bool { return r.Header.Get("X-Secret") == "s3cret" }}
	for _, secret := range []string{"s3cret", "guess"} {
		r := httptest.NewRequest("GET", "http://function.example/", nil)
		r.RemoteAddr = "192.0.2.1:0"
		r.Header.Set("X-Secret", secret)
		r.Header.Set("X-Forwarded-Host", "blog.example.org")
		r.Header.Set("X-Forwarded-For", "198.51.100.1, 192.0.2.1")
		p.Normalise(r)
		trusted := secret == "s3cret"
		if got := r.Host == "blog.example.org"; got != trusted {
			t.Errorf("secret %q: host %q", secret, r.Host)
		}
		// The peer itself, trusted, is not the client.
		if got := r.RemoteAddr == "198.51.100.1:0"; got != trusted {
			t.Errorf("secret %q: client %q", secret, r.RemoteAddr)
		}
	}
}

// hostSite records the Host and client address Lookup was asked about.
type hostSite struct {
	*testSite
	mu           sync.Mutex
	host, remote string
	https        bool
}

func (s *hostSite) Lookup(req Request) Decision {
	s.mu.Lock()
	s.host, s.remote, s.https = req.Host, req.RemoteAddr, req.HTTPS
	s.mu.Unlock()
	return s.testSite.Lookup(req)
}

func (s *hostSite) asked() (host, remote string, https bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host, s.remote, s.https
}

// TestForwardedOnBothPaths: the fast path and net/http ask the site about
// the same request, whether the headers come from a trusted proxy or not.
func TestForwardedOnBothPaths(t *testing.T) {
	site := &hostSite{testSite: newTestSite(t)}
	trusted := fastFront(t, site, Options{Proxies: loopbackProxies})
	untrusted := fastFront(t, site, Options{Proxies: Proxies{Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}})
	head := "Host: blog.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-For: 198.51.100.1\r\nConnection: close\r\n\r\n"
	for _, path := range []string{firstPath, renderPath} { // stored (fast path) and rendered (net/http)
		transporttest.Exchange(t, trusted, "GET "+path+" HTTP/1.1\r\n"+head, "GET")
		if host, remote, https := site.asked(); host != "evil.example" || remote != "198.51.100.1:0" || !https {
			t.Errorf("%s from a trusted proxy: Lookup saw %q, %q, HTTPS %v", path, host, remote, https)
		}
		transporttest.Exchange(t, untrusted, "GET "+path+" HTTP/1.1\r\n"+head, "GET")
		if host, remote, https := site.asked(); host != "blog.example" || !strings.HasPrefix(remote, "127.0.0.1:") || https {
			t.Errorf("%s from anyone: Lookup saw %q, %q, HTTPS %v", path, host, remote, https)
		}
	}
}

// TestThrottleCountsTheForwardedClient: behind a trusted proxy the
// throttle counts the client X-Forwarded-For names; from anyone else it
// counts the peer, whatever the header says.
func TestThrottleCountsTheForwardedClient(t *testing.T) {
	site := newTestSite(t)
	throttle := &ThrottleOptions{Rate: 0.001, Burst: 1}
	behindProxy := fastFront(t, site, Options{Throttle: throttle, Proxies: loopbackProxies})
	get := func(addr, client, path string) int {
		raw := "GET " + path + " HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: " + client + "\r\nConnection: close\r\n\r\n"
		return transporttest.Exchange(t, addr, raw, "GET")[0].StatusCode
	}
	for _, path := range []string{firstPath, renderPath} {
		a, b := "198.51.100.1", "198.51.100.2"
		if path == renderPath {
			a, b = "198.51.100.3", "198.51.100.4"
		}
		if s := get(behindProxy, a, path); s != http.StatusOK {
			t.Fatalf("%s: first request of a client: %d", path, s)
		}
		if s := get(behindProxy, b, path); s != http.StatusOK {
			t.Errorf("%s: another client behind the proxy: %d, want it counted on its own", path, s)
		}
		if s := get(behindProxy, a, path); s != http.StatusTooManyRequests {
			t.Errorf("%s: the first client again: %d, want 429", path, s)
		}
	}

	// Not from a trusted proxy: the peer is counted, not the header.
	o := Options{Throttle: throttle, Proxies: Proxies{Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}.withDefaults()
	h := newHTTPServer(site, &o).Handler
	for i, client := range []string{"198.51.100.1", "198.51.100.2"} {
		r := httptest.NewRequest("GET", renderPath, nil)
		r.RemoteAddr = "203.0.113.9:4000"
		r.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if want := []int{http.StatusOK, http.StatusTooManyRequests}[i]; w.Code != want {
			t.Errorf("untrusted peer, X-Forwarded-For %s: %d, want %d", client, w.Code, want)
		}
	}
}
