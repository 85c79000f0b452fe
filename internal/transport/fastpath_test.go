package transport

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/transport/transporttest"
)

// loopbackProxies trusts the tests' own connections as a proxy's.
var loopbackProxies = Proxies{Addrs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}

// plainFront serves site through net/http alone (with corked writes).
func plainFront(t *testing.T, site Site) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: Handler(site, HandlerOptions{Proxies: loopbackProxies}), ConnContext: ConnContext}
	go srv.Serve(CorkListener(ln))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// fastFront serves site with Serve, fast path and all, until the test ends.
func fastFront(t *testing.T, site Site, o Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, site, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// twoFronts serves one site through net/http alone and through the fast
// path, so that their answers can be compared.
func twoFronts(t *testing.T, site Site, log *slog.Logger) (plain, fast string) {
	t.Helper()
	return plainFront(t, site), fastFront(t, site, Options{AccessLog: log, Proxies: loopbackProxies,
		IdleTimeout: 5 * time.Second, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
}

// rawResponse sends one request and returns the response's bytes as they
// came, up to the end of the connection (the request asks to close it).
func rawResponse(t *testing.T, addr, raw string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, raw)
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	return b
}

// dateLine matches the Date header, the one line that may differ.
func withoutDate(b []byte) []byte {
	i := bytes.Index(b, []byte("\r\nDate: "))
	if i < 0 {
		return b
	}
	j := bytes.Index(b[i+2:], []byte("\r\n"))
	return slices.Concat(b[:i], b[i+2+j:])
}

// TestFastPathAnswersAsNetHTTP: for every kind of request, the fast path
// (serving stored replies, handing the rest over) answers byte for byte
// as net/http does.
func TestFastPathAnswersAsNetHTTP(t *testing.T) {
	ts := newTestSite(t)
	plain, fast := twoFronts(t, ts, nil)
	etag := ts.replies[firstPath].etag
	requests := append(transporttest.PageRequests(etag),
		transporttest.Request{Name: "https in capitals", Head: "GET /blog/first HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: HTTPS\r\n", Method: "GET"},
		transporttest.Request{Name: "stored 404", Head: "GET /gone HTTP/1.1\r\nHost: h\r\nAccept-Encoding: br\r\n", Method: "GET"},
		transporttest.Request{Name: "stored 404 with an etag", Head: "GET /gone HTTP/1.1\r\nHost: h\r\nIf-None-Match: *\r\n", Method: "GET"},
		transporttest.Request{Name: "rendered", Head: "GET /rendered HTTP/1.1\r\nHost: h\r\n", Method: "GET"},
		transporttest.Request{Name: "redirect", Head: "GET /moved?a=1 HTTP/1.1\r\nHost: h\r\n", Method: "GET"},
		transporttest.Request{Name: "invalid host", Head: "GET /blog/first HTTP/1.1\r\nHost: a b\r\n", Method: "GET"},
	)
	for _, tt := range requests {
		raw := tt.Head + "Connection: close\r\n\r\n"
		want := transporttest.Exchange(t, plain, raw, tt.Method)[0]
		got := transporttest.Exchange(t, fast, raw, tt.Method)[0]
		transporttest.SameResponse(t, tt.Name, want, got)
		if a, b := withoutDate(rawResponse(t, plain, raw)), withoutDate(rawResponse(t, fast, raw)); !bytes.Equal(a, b) {
			t.Errorf("%s: bytes differ:\nnet/http  %.300q\nfast path %.300q", tt.Name, a, b)
		}
	}
	// Pipelined on one connection: a hit, a miss (the connection goes to
	// net/http), then a hit that net/http serves.
	raw := "GET /blog/first HTTP/1.1\r\nHost: h\r\n\r\nGET /nope HTTP/1.1\r\nHost: h\r\n\r\nGET /blog/first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	resps := transporttest.Exchange(t, fast, raw, "GET", "GET", "GET")
	for i, want := range []int{200, 404, 200} {
		if resps[i].StatusCode != want {
			t.Errorf("pipelined %d: status %d, want %d", i, resps[i].StatusCode, want)
		}
	}
	if body, _ := io.ReadAll(resps[2].Body); string(body) != string(ts.replies[firstPath].identity.body) {
		t.Error("pipelined: the third response's body differs")
	}
}

// TestFastPathConnectionClose: a client that sends Connection: close is
// told so and the connection is closed after the answer, as net/http does.
func TestFastPathConnectionClose(t *testing.T) {
	ts := newTestSite(t)
	_, fast := twoFronts(t, ts, nil)
	b := rawResponse(t, fast, "GET /blog/first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /blog/first HTTP/1.1\r\nHost: h\r\n\r\n")
	if !bytes.Contains(b, []byte("\r\nConnection: close\r\n")) {
		t.Errorf("no Connection: close in %.200q", b)
	}
	if n := bytes.Count(b, []byte("HTTP/1.1 200 OK")); n != 1 {
		t.Errorf("%d responses after Connection: close, want 1", n)
	}
}

// TestFastPathKeepAlive: many requests on each of several connections,
// every body exact, and the access log has one line per request.
func TestFastPathKeepAlive(t *testing.T) {
	ts := newTestSite(t)
	var logged lockedBuffer
	_, fast := twoFronts(t, ts, slog.New(slog.NewTextHandler(&logged, nil)))
	paths := []string{longPath, firstPath}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p := paths[(g+i)%2]
				resp, err := client.Get("http://" + fast + p)
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := ts.replies[p].identity.body; string(body) != string(want) {
					t.Errorf("%s: %d bytes, want %d", p, len(body), len(want))
					return
				}
			}
		})
	}
	wg.Wait()
	// A line is logged once its response is written, which is after
	// the client may have read it: wait for the last ones.
	lines := func() int { return strings.Count(logged.String(), "msg=request") }
	for deadline := time.Now().Add(5 * time.Second); lines() < 400 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := lines(); n != 400 {
		t.Errorf("%d access log lines, want 400", n)
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestFastPathShutdown: a graceful shutdown does not wait for idle
// connections on the fast path.
func TestFastPathShutdown(t *testing.T) {
	ts := newTestSite(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, ln, ts, Options{Grace: 5 * time.Second}) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /blog/first HTTP/1.1\r\nHost: h\r\n\r\n")
	if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("shutdown waited for an idle connection")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("the idle connection is still open")
	}
}
