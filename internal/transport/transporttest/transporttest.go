// Package transporttest holds what tests of the transport and of the sites
// it serves share: raw exchanges on a connection, and the comparison of an
// answer from net/http with the fast path's. Only tests import it.
package transporttest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// T is the part of *testing.T these helpers use.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Exchange sends raw on a new connection to addr and reads a response per
// method (the method tells whether a body follows), bodies read in full.
func Exchange(t T, addr, raw string, methods ...string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
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

// SameResponse reports how a (from net/http) and b (from the fast path)
// differ, but for their Date.
func SameResponse(t T, what string, a, b *http.Response) {
	t.Helper()
	if a.StatusCode != b.StatusCode {
		t.Errorf("%s: status %d (net/http) vs %d (fast path)", what, a.StatusCode, b.StatusCode)
	}
	for _, h := range []http.Header{a.Header, b.Header} {
		h.Del("Date")
	}
	if ka, kb := headerLines(a.Header), headerLines(b.Header); !slices.Equal(ka, kb) {
		t.Errorf("%s: headers differ:\nnet/http  %q\nfast path %q", what, ka, kb)
	}
	ba, _ := io.ReadAll(a.Body)
	bb, _ := io.ReadAll(b.Body)
	if !bytes.Equal(ba, bb) {
		t.Errorf("%s: bodies differ (%d vs %d bytes)", what, len(ba), len(bb))
	}
}

func headerLines(h http.Header) []string {
	var lines []string
	for name, v := range h {
		lines = append(lines, name+": "+strings.Join(v, ","))
	}
	slices.Sort(lines)
	return lines
}

// Request is a raw request head (without its blank line) and the method
// that tells whether a body comes back.
type Request struct{ Name, Head, Method string }

// PageRequests are the ways a reader asks for the cached pages /blog/first
// and /blog/long (a large one), whose ETag is etag, that the fast path and
// net/http must answer alike: negotiation, conditions, a query, HTTPS
// behind a proxy, and what the fast path must hand over (a POST, an
// encoded path, HTTP/1.0).
func PageRequests(etag string) []Request {
	return []Request{
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
		{"post", "POST /blog/first HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n", "POST"},
		{"encoded", "GET /blog/%66irst HTTP/1.1\r\nHost: h\r\n", "GET"},
		{"http/1.0", "GET /blog/first HTTP/1.0\r\nHost: h\r\n", "GET"},
	}
}
