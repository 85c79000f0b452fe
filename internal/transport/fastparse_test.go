package transport

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http/httpguts"
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
		{"host with port", "GET / HTTP/1.1\r\nHost: example.org:8080\r\n\r\n", true, true, "/"},
		{"incomplete", "GET / HTTP/1.1\r\nHost: x\r\n", false, true, ""},
		{"empty", "", false, true, ""},
		{"no host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", true, false, ""},
		{"two hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", true, false, ""},
		{"host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", true, false, ""},
		{"host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", true, false, ""},
		{"host with a quote", "GET / HTTP/1.1\r\nHost: a\"b\r\n\r\n", true, false, ""},
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
		req, complete, simple := parseSimple([]byte(tt.req), &simpleRequest{})
		if complete != tt.complete || simple != tt.simple {
			t.Errorf("%s: complete %v simple %v, want %v %v", tt.name, complete, simple, tt.complete, tt.simple)
			continue
		}
		if simple && complete && req.Path != tt.path {
			t.Errorf("%s: path %q, want %q", tt.name, req.Path, tt.path)
		}
	}
	head := "GET /x?a=1 HTTP/1.1\r\nHOST: a\r\naccept-encoding: gzip, br\r\nIf-None-Match: \"t\"\r\nIf-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\nX-Forwarded-Proto: HTTPS\r\nConnection: Close\r\n\r\n"
	req, _, _ := parseSimple([]byte(head+"GET /next"), &simpleRequest{})
	if req.Host != "a" || req.RawQuery != "a=1" || req.acceptEncoding != "gzip, br" || req.ifNoneMatch != `"t"` ||
		req.ifModifiedSince == "" || req.forwardedProto != "HTTPS" || !req.close {
		t.Errorf("headers not read: %+v", req)
	}
	if req.size != len(head) {
		t.Errorf("size %d, want %d", req.size, len(head))
	}
}

// FuzzParseSimple: whatever the fast path accepts, net/http reads the
// same way — same method, path, host and headers, no body — and would
// serve rather than refuse with 400 (its server checks the Host); and
// when the client asks to close, the fast path's answer says so, as
// net/http's does.
func FuzzParseSimple(f *testing.F) {
	for _, s := range []string{
		"GET /blog/a HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /?q=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br;q=0, gzip\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\", W/\"b\"\r\nContent-Length: 0\r\n\r\n",
		"GET /a/b/c.xml HTTP/1.1\r\nUser-Agent: x\r\nHost: example.org:8080\r\nX-Forwarded-Proto: https\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: [::1]:80\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	reply := NewReply(200, "text/plain", "no-store", []byte("x"), time.Time{})
	f.Fuzz(func(t *testing.T, b []byte) {
		req, complete, simple := parseSimple(b, &simpleRequest{Request: Request{Host: "x", Path: "/"}, acceptEncoding: "gzip"})
		if !complete || !simple {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:req.size])))
		if err != nil {
			t.Fatalf("fast path accepted what net/http refuses (%v): %q", err, b[:req.size])
		}
		if r.Method != req.Method || r.URL.Path != req.Path || r.URL.RawQuery != req.RawQuery || r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
			t.Fatalf("read differently: net/http %s %q (len %d), fast %s %q: %q",
				r.Method, r.URL.Path, r.ContentLength, req.Method, req.Path, b[:req.size])
		}
		if hosts := r.Header.Values("Host"); r.Host != req.Host || len(hosts) > 1 || !httpguts.ValidHostHeader(r.Host) {
			t.Fatalf("fast path accepted a Host net/http answers 400 to (%q, read as %q): %q", hosts, req.Host, b[:req.size])
		}
		if r.Header.Get("Accept-Encoding") != req.acceptEncoding || r.Header.Get("If-None-Match") != req.ifNoneMatch ||
			r.Header.Get("If-Modified-Since") != req.ifModifiedSince || r.Header.Get("X-Forwarded-Proto") != req.forwardedProto ||
			r.Header.Get("X-Forwarded-Host") != req.forwardedHost || r.Header.Get("X-Forwarded-For") != req.forwardedFor ||
			r.Close != req.close {
			t.Fatalf("headers read differently: %q", b[:req.size])
		}
		head := string(reply.fastHead(nil, reply.identity, 200, false, req.close))
		if says := strings.Contains(head, "\r\nConnection: close\r\n"); says != r.Close {
			t.Fatalf("client asked to close: %v; the answer says Connection: close: %v: %q", r.Close, says, b[:req.size])
		}
	})
}
