package transport

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// gcWriter collects what is written, after running the garbage collector
// and giving cleanups time to run: whatever is not kept alive for the
// length of a Write is released in the middle of it.
type gcWriter struct {
	h    http.Header
	body []byte
}

func (w *gcWriter) Header() http.Header { return w.h }
func (w *gcWriter) WriteHeader(int)     {}
func (w *gcWriter) Write(p []byte) (int, error) {
	for range 3 {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// TestMappedBodyOutlivesItsReply: a large body lives in a memory mapping
// that a cleanup unmaps once its reply is unreachable. A reply that every
// cache has dropped while it is being written must still be written whole.
func TestMappedBodyOutlivesItsReply(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), max(zeroCopyMin, 1<<16)/8)
	for _, enc := range []string{"", "gzip"} {
		w := &gcWriter{h: http.Header{}}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", enc)
		NewReply(200, "text/plain", "no-store", body, time.Time{}).Write(w, r)
		if enc == "" && !bytes.Equal(w.body, body) {
			t.Errorf("identity: %d bytes written, want %d", len(w.body), len(body))
		}
		if enc != "" && len(w.body) == 0 {
			t.Errorf("%s: nothing written", enc)
		}
	}
}
