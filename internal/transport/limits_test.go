package transport

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/transport/transporttest"
)

// TestFastPathSlowHeadTimesOut: a request head trickled in a byte at a
// time gets ReadHeaderTimeout in all, not per byte.
func TestFastPathSlowHeadTimesOut(t *testing.T) {
	ts := newTestSite(t)
	addr := fastFront(t, ts, Options{ReadHeaderTimeout: 300 * time.Millisecond, IdleTimeout: 5 * time.Second})
	c, err := net.Dial("tcp", addr)
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

// TestHandOffKeepsHeaderTimeout: a head the fast path began to read and
// then handed to net/http (here: it has a bare LF, which only net/http
// judges) still has ReadHeaderTimeout from its first byte in all; net/http
// does not start the clock again.
func TestHandOffKeepsHeaderTimeout(t *testing.T) {
	ts := newTestSite(t)
	const limit = time.Second
	addr := fastFront(t, ts, Options{ReadHeaderTimeout: limit, IdleTimeout: 5 * time.Second})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	io.WriteString(c, "GET /blog/first HTTP/1.1\r\n")
	time.Sleep(700 * time.Millisecond)
	io.WriteString(c, "Host: h\n") // handed over here, 700 ms into the head
	closedAt := make(chan time.Duration, 1)
	go func() {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.ReadAll(c)
		closedAt <- time.Since(start)
	}()
	for range 100 { // trickle the rest of the head, never finishing it
		if _, err := io.WriteString(c, "X"); err != nil {
			break
		}
		select {
		case d := <-closedAt:
			if d > limit+300*time.Millisecond {
				t.Errorf("the head was read for %v; the limit is %v from its first byte", d, limit)
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the connection was still open after %v", time.Since(start))
}

// TestMaxConns: beyond MaxConns, a new connection waits until one of the
// open ones closes, whether the fast path or net/http was serving it.
func TestMaxConns(t *testing.T) {
	ts := newTestSite(t)
	addr := fastFront(t, ts, Options{MaxConns: 2})
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	get := func(c net.Conn, br *bufio.Reader, path string, wait time.Duration) error {
		c.SetDeadline(time.Now().Add(wait))
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: h\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
		}
		return err
	}
	fastConn, fastBR := dial()
	if err := get(fastConn, fastBR, firstPath, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	slowConn, slowBR := dial()
	if err := get(slowConn, slowBR, renderPath, 5*time.Second); err != nil { // now net/http's
		t.Fatal(err)
	}
	third, thirdBR := dial()
	if err := get(third, thirdBR, firstPath, 300*time.Millisecond); err == nil {
		t.Fatal("a third connection was served with MaxConns 2")
	}
	slowConn.Close()
	third.SetDeadline(time.Now().Add(5 * time.Second))
	if resp, err := http.ReadResponse(thirdBR, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the waiting connection was not served once another closed: %v", err)
	}
}

// TestPanicsAnswer500: a panic in Lookup (on the fast path, and in net/http)
// or in a handler answers 500 for that request; the server goes on.
func TestPanicsAnswer500(t *testing.T) {
	ts := newTestSite(t)
	plain, fast := twoFronts(t, ts, nil)
	for _, addr := range []string{plain, fast} {
		for _, path := range []string{lookupPanic, handlerPanic} {
			resp := transporttest.Exchange(t, addr, "GET "+path+" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET")[0]
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("%s: status %d, want 500", path, resp.StatusCode)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s: the 500 lacks the security headers", path)
			}
		}
		resp := transporttest.Exchange(t, addr, "GET /blog/first HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET")[0]
		if resp.StatusCode != http.StatusOK {
			t.Errorf("after the panics: status %d", resp.StatusCode)
		}
	}
}

// TestSecurityHeadersEverywhere: whatever answers, the response has the
// security headers; HSTS only over HTTPS, which X-Forwarded-Proto says
// (in any case) only when trusted.
func TestSecurityHeadersEverywhere(t *testing.T) {
	ts := newTestSite(t)
	plain, fast := twoFronts(t, ts, nil)
	untrusted := fastFront(t, ts, Options{})
	want := map[string]string{
		"Content-Security-Policy":      "default-src 'none'",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Permissions-Policy":           "camera=()",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for _, addr := range []string{plain, fast, untrusted} {
		for _, path := range []string{firstPath, goneReply, renderPath, movedPath, "/nope", lookupPanic} {
			for _, proto := range []string{"", "https", "HTTPS"} {
				head := "GET " + path + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
				if proto != "" {
					head += "X-Forwarded-Proto: " + proto + "\r\n"
				}
				resp := transporttest.Exchange(t, addr, head+"\r\n", "GET")[0]
				for name, part := range want {
					if !strings.Contains(resp.Header.Get(name), part) {
						t.Errorf("%s %s: %s is %q", addr, path, name, resp.Header.Get(name))
					}
				}
				wantHSTS := proto != "" && addr != untrusted
				if got := resp.Header.Get("Strict-Transport-Security") != ""; got != wantHSTS {
					t.Errorf("%s %s (X-Forwarded-Proto %q): HSTS %v, want %v", addr, path, proto, got, wantHSTS)
				}
			}
		}
	}
}
