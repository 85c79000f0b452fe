package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/transport"

	"github.com/grailblog/grail/internal/transport/transporttest"
)

func bigSite() map[string]string {
	files := map[string]string{}
	for k, v := range basicSite {
		files[k] = v
	}
	var b strings.Builder
	for i := range 600 {
		fmt.Fprintf(&b, "Paragraph %d of a long post, with enough words to make the page large.\n\n", i)
	}
	files["posts/long.md"] = post("Long", "2024-03-01T10:00:00+01:00") + b.String()
	return files
}

// twoFronts serves one site through net/http alone and through the fast
// path, so that their answers can be compared.
func twoFronts(t *testing.T, ts *testSite) (plain, fast string) {
	t.Helper()
	a, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: ts.srv, ConnContext: transport.ConnContext}
	go srv.Serve(transport.CorkListener(a))
	t.Cleanup(func() { srv.Close() })
	b, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- transport.Serve(ctx, b, ts.srv, transport.Options{IdleTimeout: 5 * time.Second, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return a.Addr().String(), b.Addr().String()
}

// TestFastPathAnswersAsNetHTTP: for every kind of request, the fast path
// (serving hits, handing the rest over) answers exactly as net/http does.
func TestFastPathAnswersAsNetHTTP(t *testing.T) {
	ts := newTestSite(t, bigSite())
	plain, fast := twoFronts(t, ts)
	_, first := ts.get(t, "/blog/first")
	etag := ts.srvETag(t, "/blog/first")
	requests := append(transporttest.PageRequests(etag),
		transporttest.Request{Name: "miss", Head: "GET /no/such/page HTTP/1.1\r\nHost: h\r\n", Method: "GET"},
		transporttest.Request{Name: "miss, brotli", Head: "GET /no/such/page HTTP/1.1\r\nHost: h\r\nAccept-Encoding: br\r\n", Method: "GET"},
		transporttest.Request{Name: "feed", Head: "GET /feed.atom HTTP/1.1\r\nHost: localhost\r\n", Method: "GET"},
		transporttest.Request{Name: "feed for an unknown host", Head: "GET /feed.atom HTTP/1.1\r\nHost: elsewhere.example\r\n", Method: "GET"},
		transporttest.Request{Name: "media", Head: "GET /media/2024/pic.bin HTTP/1.1\r\nHost: h\r\n", Method: "GET"},
	)
	for _, tt := range requests {
		raw := tt.Head + "Connection: close\r\n\r\n"
		transporttest.Exchange(t, plain, raw, tt.Method) // warm the cache
		want := transporttest.Exchange(t, plain, raw, tt.Method)[0]
		got := transporttest.Exchange(t, fast, raw, tt.Method)[0]
		transporttest.SameResponse(t, tt.Name, want, got)
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
	if body, _ := io.ReadAll(resps[2].Body); string(body) != first {
		t.Error("pipelined: the third response's body differs")
	}
}

// srvETag returns the ETag the server gives path.
func (ts *testSite) srvETag(t *testing.T, path string) string {
	resp, _ := ts.get(t, path)
	return resp.Header.Get("ETag")
}
