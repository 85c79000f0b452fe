package web

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseSimple(t *testing.T) {
	tests := []struct {
		name             string
		req              string
		complete, simple bool
		path             string
	}{
		{"get", "GET /blog/a HTTP/1.1\r\nHost: x\r\n\r\n", true, true, "/blog/a"},
		{"head with query", "HEAD /?utm=1&b=2 HTTP/1.1\r\nhost: x\r\nAccept-Encoding: br\r\n\r\n", true, true, "/"},
		{"connection close", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true, true, "/"},
		{"content-length 0", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", true, true, "/"},
		{"incomplete", "GET / HTTP/1.1\r\nHost: x\r\n", false, true, ""},
		{"empty", "", false, true, ""},
		{"no host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", true, false, ""},
		{"two hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", true, false, ""},
		{"two accept-encodings", "GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nAccept-Encoding: gzip\r\n\r\n", true, false, ""},
		{"post", "POST / HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
		{"lower-case method", "get / HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
		{"http/1.0", "GET / HTTP/1.0\r\nHost: x\r\n\r\n", true, false, ""},
		{"percent-encoded", "GET /blog/caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
		{"absolute form", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
		{"backslash", "GET /media/..\\etc HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
		{"body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", true, false, ""},
		{"chunked", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", true, false, ""},
		{"expect", "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", true, false, ""},
		{"upgrade", "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", true, false, ""},
		{"folded header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", true, false, ""},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", true, false, ""},
		{"control character", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", true, false, ""},
		{"bare LF", "GET / HTTP/1.1\nHost: x\n\n", false, false, ""},
		{"NUL", "GET /\x00 HTTP/1.1\r\n", false, false, ""},
		{"double space", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", true, false, ""},
	}
	for _, tt := range tests {
		req, complete, simple := parseSimple([]byte(tt.req))
		if complete != tt.complete || simple != tt.simple {
			t.Errorf("%s: complete %v simple %v, want %v %v", tt.name, complete, simple, tt.complete, tt.simple)
			continue
		}
		if simple && complete && req.path != tt.path {
			t.Errorf("%s: path %q, want %q", tt.name, req.path, tt.path)
		}
	}
	req, _, _ := parseSimple([]byte("GET /x HTTP/1.1\r\nHOST: a\r\naccept-encoding: gzip, br\r\nIf-None-Match: \"t\"\r\nIf-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: Close\r\n\r\nGET /next"))
	if req.acceptEncoding != "gzip, br" || req.ifNoneMatch != `"t"` || req.ifModifiedSince == "" || !req.close {
		t.Errorf("headers not read: %+v", req)
	}
	if want := len("GET /x HTTP/1.1\r\nHOST: a\r\naccept-encoding: gzip, br\r\nIf-None-Match: \"t\"\r\nIf-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\nConnection: Close\r\n\r\n"); req.size != want {
		t.Errorf("size %d, want %d", req.size, want)
	}
}

// FuzzParseSimple: whatever the fast path accepts, net/http reads the
// same way — same method, path and headers, and no body.
func FuzzParseSimple(f *testing.F) {
	for _, s := range []string{
		"GET /blog/a HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /?q=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br;q=0, gzip\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\", W/\"b\"\r\nContent-Length: 0\r\n\r\n",
		"GET /a/b/c.xml HTTP/1.1\r\nUser-Agent: x\r\nHost: example.org:8080\r\nX-Forwarded-Proto: https\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, complete, simple := parseSimple(b)
		if !complete || !simple {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:req.size])))
		if err != nil {
			t.Fatalf("fast path accepted what net/http refuses (%v): %q", err, b[:req.size])
		}
		if r.Method != req.method || r.URL.Path != req.path || r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
			t.Fatalf("read differently: net/http %s %q (len %d), fast %s %q: %q",
				r.Method, r.URL.Path, r.ContentLength, req.method, req.path, b[:req.size])
		}
		if r.Header.Get("Accept-Encoding") != req.acceptEncoding || r.Header.Get("If-None-Match") != req.ifNoneMatch ||
			r.Header.Get("If-Modified-Since") != req.ifModifiedSince || r.Close != req.close {
			t.Fatalf("headers read differently: %q", b[:req.size])
		}
	})
}

// twoFronts serves one site through net/http alone and through the fast
// path, so that their answers can be compared.
func twoFronts(t *testing.T, ts *testSite, log *slog.Logger) (plain, fast string) {
	t.Helper()
	serve := func(ln net.Listener) string {
		srv := HTTPServer(ts.srv, slog.New(slog.DiscardHandler))
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return ln.Addr().String()
	}
	a, _ := net.Listen("tcp", "127.0.0.1:0")
	b, _ := net.Listen("tcp", "127.0.0.1:0")
	fl := ts.srv.FastListener(b, FastOptions{Log: log, IdleTimeout: 5 * time.Second, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	t.Cleanup(func() { fl.Close() })
	return serve(CorkListener(a)), serve(fl)
}

// exchange sends raw on a new connection and reads n responses.
func exchange(t *testing.T, addr, raw string, methods ...string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, raw)
	br := bufio.NewReader(c)
	var out []*http.Response
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

func sameResponse(t *testing.T, what string, a, b *http.Response) {
	t.Helper()
	if a.StatusCode != b.StatusCode {
		t.Errorf("%s: status %d (net/http) vs %d (fast path)", what, a.StatusCode, b.StatusCode)
	}
	for _, h := range []http.Header{a.Header, b.Header} {
		h.Del("Date")
	}
	keys := func(h http.Header) []string {
		var k []string
		for name, v := range h {
			k = append(k, name+": "+strings.Join(v, ","))
		}
		slices.Sort(k)
		return k
	}
	if ka, kb := keys(a.Header), keys(b.Header); !slices.Equal(ka, kb) {
		t.Errorf("%s: headers differ:\nnet/http  %q\nfast path %q", what, ka, kb)
	}
	ba, _ := io.ReadAll(a.Body)
	bb, _ := io.ReadAll(b.Body)
	if !bytes.Equal(ba, bb) {
		t.Errorf("%s: bodies differ (%d vs %d bytes)", what, len(ba), len(bb))
	}
}

// TestFastPathAnswersAsNetHTTP: for every kind of request, the fast path
// (serving hits, handing the rest over) answers exactly as net/http does.
func TestFastPathAnswersAsNetHTTP(t *testing.T) {
	ts := newTestSite(t, bigSite())
	plain, fast := twoFronts(t, ts, nil)
	_, first := ts.get(t, "/blog/first")
	etag := ts.srvETag(t, "/blog/first")
	requests := []struct{ name, head, method string }{
		{"hit", "GET /blog/first HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"large hit (sendfile)", "GET /blog/long HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"brotli", "GET /blog/first HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip, br\r\n", "GET"},
		{"gzip", "GET /blog/long HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n", "GET"},
		{"head", "HEAD /blog/long HTTP/1.1\r\nHost: h\r\n", "HEAD"},
		{"query", "GET /blog/first?utm_source=x HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"if-none-match", "GET /blog/first HTTP/1.1\r\nHost: h\r\nIf-None-Match: " + etag + "\r\n", "GET"},
		{"stale etag", "GET /blog/first HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"nope\"\r\n", "GET"},
		{"if-modified-since", "GET /blog/first HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: Sat, 01 Jan 2050 00:00:00 GMT\r\n", "GET"},
		{"https behind a proxy", "GET /blog/first HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: https\r\n", "GET"},
		{"miss", "GET /no/such/page HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"post", "POST /blog/first HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n", "POST"},
		{"encoded", "GET /blog/%66irst HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"http/1.0", "GET /blog/first HTTP/1.0\r\nHost: h\r\n", "GET"},
		{"media", "GET /media/2024/pic.bin HTTP/1.1\r\nHost: h\r\n", "GET"},
	}
	for _, tt := range requests {
		raw := tt.head + "Connection: close\r\n\r\n"
		exchange(t, plain, raw, tt.method) // warm the cache
		want := exchange(t, plain, raw, tt.method)[0]
		got := exchange(t, fast, raw, tt.method)[0]
		sameResponse(t, tt.name, want, got)
	}
	// Pipelined on one connection: a hit, a miss (the connection goes to
	// net/http), then a hit that net/http serves.
	raw := "GET /blog/first HTTP/1.1\r\nHost: h\r\n\r\nGET /nope HTTP/1.1\r\nHost: h\r\n\r\nGET /blog/first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
	resps := exchange(t, fast, raw, "GET", "GET", "GET")
	for i, want := range []int{200, 404, 200} {
		if resps[i].StatusCode != want {
			t.Errorf("pipelined %d: status %d, want %d", i, resps[i].StatusCode, want)
		}
	}
	if body, _ := io.ReadAll(resps[2].Body); string(body) != first {
		t.Error("pipelined: the third response's body differs")
	}
}

// srvETag returns the ETag the server gives path.
func (ts *testSite) srvETag(t *testing.T, path string) string {
	resp, _ := ts.get(t, path)
	return resp.Header.Get("ETag")
}

// TestFastPathKeepAlive: many requests on each of several connections,
// every body exact, and the access log has one line per request.
func TestFastPathKeepAlive(t *testing.T) {
	ts := newTestSite(t, bigSite())
	var logged lockedBuffer
	_, fast := twoFronts(t, ts, slog.New(slog.NewTextHandler(&logged, nil)))
	want := map[string]string{}
	for _, p := range []string{"/blog/long", "/blog/first"} {
		_, want[p] = ts.get(t, p)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				p := []string{"/blog/long", "/blog/first"}[(g+i)%2]
				resp, err := client.Get("http://" + fast + p)
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != want[p] {
					t.Errorf("%s: %d bytes, want %d", p, len(body), len(want[p]))
					return
				}
			}
		})
	}
	wg.Wait()
	if n := strings.Count(logged.String(), "msg=request"); n != 400 {
		t.Errorf("%d access log lines, want 400", n)
	}
}

// TestFastPathShutdown: a graceful shutdown does not wait for idle
// connections on the fast path.
func TestFastPathShutdown(t *testing.T) {
	ts := newTestSite(t, basicSite)
	ts.get(t, "/blog/first")
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- Serve(ctx, HTTPServer(ts.srv, slog.New(slog.DiscardHandler)), ts.srv.FastListener(ln, FastOptions{}), 5*time.Second)
	}()
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

// TestFastPathSlowHeadTimesOut: a request head trickled in a byte at a
// time gets ReadHeaderTimeout in all, not per byte.
func TestFastPathSlowHeadTimesOut(t *testing.T) {
	ts := newTestSite(t, basicSite)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	fl := ts.srv.FastListener(ln, FastOptions{ReadHeaderTimeout: 300 * time.Millisecond, IdleTimeout: 5 * time.Second})
	srv := HTTPServer(ts.srv, slog.New(slog.DiscardHandler))
	srv.ReadHeaderTimeout = 300 * time.Millisecond
	go srv.Serve(fl)
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	closed := false
	for _, b := range []byte("GET /blog/first HTTP/1.1\r\nHost: h\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa") {
		if _, err := c.Write([]byte{b}); err != nil {
			closed = true
			break
		}
		time.Sleep(50 * time.Millisecond)
		if time.Since(start) > 3*time.Second {
			break
		}
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil && !closed {
		t.Fatal("the connection is still open")
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("a trickled head held the connection for %v; the limit is 300ms", d)
	}
}
