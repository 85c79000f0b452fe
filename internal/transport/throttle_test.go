package transport

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
	"unsafe"
)

// throttleClock is a settable clock for the throttle.
type throttleClock struct{ t time.Time }

func (c *throttleClock) now() time.Time          { return c.t }
func (c *throttleClock) advance(d time.Duration) { c.t = c.t.Add(d) }

var throttleOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

func throttled(h http.Handler, from string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/blog/post", nil)
	r.RemoteAddr = from
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestThrottleBurstThen429(t *testing.T) {
	clock := &throttleClock{t: time.Unix(1_700_000_000, 0)}
	h := Throttle(throttleOK, ThrottleOptions{Rate: 2, Burst: 3, Now: clock.now})
	for i := range 3 {
		if w := throttled(h, "203.0.113.5:40000"); w.Code != http.StatusNoContent {
			t.Fatalf("request %d of the burst: %d", i+1, w.Code)
		}
	}
	w := throttled(h, "203.0.113.5:40001")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("request past the burst: %d, Retry-After %q; want 429 and 1", w.Code, w.Header().Get("Retry-After"))
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("a 429 must not be cached by a proxy for everyone")
	}
	if w := throttled(h, "198.51.100.7:1234"); w.Code != http.StatusNoContent {
		t.Errorf("another client was throttled too: %d", w.Code)
	}
	clock.advance(500 * time.Millisecond) // one token at 2 a second
	if w := throttled(h, "203.0.113.5:40002"); w.Code != http.StatusNoContent {
		t.Errorf("after half a second: %d, want one more request let through", w.Code)
	}
	if w := throttled(h, "203.0.113.5:40003"); w.Code != http.StatusTooManyRequests {
		t.Errorf("and only one: %d", w.Code)
	}
}

func TestThrottleRetryAfterRoundsUp(t *testing.T) {
	clock := &throttleClock{t: time.Unix(1_700_000_000, 0)}
	h := Throttle(throttleOK, ThrottleOptions{Rate: 0.1, Burst: 1, Now: clock.now})
	throttled(h, "203.0.113.5:1")
	clock.advance(2500 * time.Millisecond)
	if got := throttled(h, "203.0.113.5:1").Header().Get("Retry-After"); got != "8" {
		t.Errorf("Retry-After = %q, want 8 (7.5 s rounded up)", got)
	}
}

func TestThrottleClients(t *testing.T) {
	clock := &throttleClock{t: time.Unix(1_700_000_000, 0)}
	h := Throttle(throttleOK, ThrottleOptions{Rate: 1, Burst: 1, Now: clock.now})
	for _, tc := range []struct {
		first, second string
		shared        bool
	}{
		{"127.0.0.1:1", "127.0.0.1:2", false},                     // loopback: never limited
		{"[::1]:1", "[::1]:2", false},                             // nor over IPv6
		{"[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff::9]:2", true}, // one /64 is one client
		{"[2001:db8:1:3::1]:1", "[2001:db8:1:4::1]:2", false},     // another /64 is not
		{"[::ffff:192.0.2.1]:1", "192.0.2.1:2", true},             // IPv4-mapped is IPv4
		{"[fe80::1%eth0]:1", "[fe80::2%eth1]:2", true},            // zones do not matter
	} {
		throttled(h, tc.first)
		limited := throttled(h, tc.second).Code == http.StatusTooManyRequests
		if limited != tc.shared {
			t.Errorf("%s then %s: second limited = %v, want %v", tc.first, tc.second, limited, tc.shared)
		}
	}
	if w := throttled(h, "not an address"); w.Code != http.StatusNoContent {
		t.Errorf("unparsable RemoteAddr: %d, want served", w.Code)
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	clock := &throttleClock{t: time.Unix(1_700_000_000, 0)}
	lim := NewThrottler(ThrottleOptions{Rate: 10, Burst: 20, MaxClients: 6400, Now: clock.now})
	h, state := lim.Wrap(throttleOK), lim.t
	count := func() int {
		n := 0
		for i := range state.shards {
			n += len(state.shards[i].clients)
		}
		return n
	}
	for i := range 100_000 { // a scan from many addresses in one instant
		throttled(h, fmt.Sprintf("10.%d.%d.%d:1", i>>16, i>>8&255, i&255))
	}
	if n := count(); n > 6400 {
		t.Errorf("%d clients remembered, want at most 6400", n)
	}
	// Once idle (bucket full again), clients make room without anyone
	// being forgotten early.
	clock.advance(3 * time.Second)
	for i := range 100 {
		throttled(h, fmt.Sprintf("192.0.2.%d:1", i))
	}
	ip := netip.MustParseAddr("192.0.2.1")
	if state.shards[shardOf(ip)].clients[ip] == nil {
		t.Error("a new client was dropped")
	}
	if n := count(); n > 6400 {
		t.Errorf("%d clients remembered, want at most 6400", n)
	}
}

func TestShardIsOneCacheLine(t *testing.T) {
	if size := unsafe.Sizeof(shard{}); size != 64 {
		t.Errorf("shard is %d bytes, want 64", size)
	}
}

// BenchmarkThrottle measures what the throttle adds to every request: the
// same no-op handler with and without it, from 4096 clients.
func BenchmarkThrottle(b *testing.B) {
	addrs := make([]string, 4096)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("10.0.%d.%d:443", i>>8, i&255)
	}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"off", throttleOK},
		{"on", Throttle(throttleOK, ThrottleOptions{Rate: 1e9, Burst: 1e9})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := httptest.NewRequest("GET", "/blog/post", nil)
				w := throttleSink{http.Header{}}
				i := 0
				for pb.Next() {
					r.RemoteAddr = addrs[i&4095]
					bc.h.ServeHTTP(w, r)
					i++
				}
			})
		})
	}
}

// BenchmarkThrottleHTTP puts that in proportion: a 20 KB page over HTTP
// on loopback, keep-alive, with and without the throttle. The client is
// made to look remote, since loopback is not limited.
func BenchmarkThrottleHTTP(b *testing.B) {
	page := bytes.Repeat([]byte("<p>A cached article, twenty kilobytes of it.</p>\n"), 400)
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	remote := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.RemoteAddr = "203.0.113.7:40000"
			h.ServeHTTP(w, r)
		})
	}
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"off", remote(serve)},
		{"on", remote(Throttle(serve, ThrottleOptions{Rate: 1e9, Burst: 1e9}))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(bc.h)
			defer srv.Close()
			client := srv.Client()
			for b.Loop() {
				resp, err := client.Get(srv.URL + "/blog/post")
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

type throttleSink struct{ h http.Header }

func (s throttleSink) Header() http.Header       { return s.h }
func (throttleSink) Write(p []byte) (int, error) { return len(p), nil }
func (throttleSink) WriteHeader(int)             {}
