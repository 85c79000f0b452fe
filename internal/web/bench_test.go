package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/transport"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark
// measures the handler and not the recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkCachedPage is the hot path: a warm post page, as a reader's
// browser asks for it.
func BenchmarkCachedPage(b *testing.B) {
	ts := newTestSite(b, basicSite)
	req := httptest.NewRequest(http.MethodGet, "/blog/first", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	w := &discardWriter{h: http.Header{}}
	ts.srv.ServeHTTP(w, req)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		ts.srv.ServeHTTP(w, req)
	}
}

// BenchmarkFastPath is a reader's browser asking, on one keep-alive
// connection, for a cached post and for an address that does not exist
// (whose 404 page is cached too), through the fast path. Allocations are
// the server's: the client reads into one buffer.
func BenchmarkFastPath(b *testing.B) {
	ts := newTestSite(b, basicSite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- transport.Serve(ctx, ln, ts.srv, transport.Options{}) }()
	defer func() { cancel(); <-done }()
	for _, bc := range []struct{ name, path string }{{"post", "/blog/first"}, {"missing", "/no/such/page"}} {
		b.Run(bc.name, func(b *testing.B) {
			if resp, err := http.Get(ts.http.URL + bc.path); err == nil { // cache it
				resp.Body.Close()
			}
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			req := []byte("GET " + bc.path + " HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n")
			c.Write(req) // the first tells the response's length
			c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
			first, _ := io.ReadAll(c)
			c.SetReadDeadline(time.Time{})
			buf := make([]byte, len(first))
			b.ReportAllocs()
			for b.Loop() {
				c.Write(req)
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
