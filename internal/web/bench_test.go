package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
