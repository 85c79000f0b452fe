package lambdahttp

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Response is a complete, buffered HTTP response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// responseWriter buffers what a handler writes. It follows net/http's
// server semantics where a handler can observe them: the header is fixed
// once the status is written, 1xx codes are not final, a body is refused
// for 204 and 304, and writes to a HEAD response are counted but dropped.
type responseWriter struct {
	header http.Header // what Header returns
	sent   http.Header // the header as it was when the status was written
	status int
	head   bool
	n      int64 // body bytes written, including those dropped for HEAD
	body   bytes.Buffer
}

var (
	_ http.ResponseWriter = (*responseWriter)(nil)
	_ http.Flusher        = (*responseWriter)(nil)
	_ io.ReaderFrom       = (*responseWriter)(nil)
	_ io.StringWriter     = (*responseWriter)(nil)
)

// maxPooledBody keeps a rare huge response from pinning its buffer in the pool.
const maxPooledBody = 256 << 10

var writerPool = sync.Pool{New: func() any { return new(responseWriter) }}

func getWriter(head bool) *responseWriter {
	w := writerPool.Get().(*responseWriter)
	w.head = head
	return w
}

// putWriter recycles w. Nothing from w may be used afterwards.
func putWriter(w *responseWriter) {
	if w.body.Cap() > maxPooledBody {
		return
	}
	h := w.sent
	if h == nil {
		h = w.header
	}
	clear(h)
	w.body.Reset()
	w.header, w.sent, w.status, w.head, w.n = h, nil, 0, false, 0
	writerPool.Put(w)
}

func (w *responseWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header)
	}
	return w.header
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 {
		return // superfluous, as with net/http
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code)) // as net/http does
	}
	if code < 200 {
		return // informational: the front doors cannot relay it
	}
	w.status = code
	// Later changes to the header map must not reach the client, as with
	// net/http; handing the handler a fresh map costs nothing unless it
	// touches the header again.
	w.sent, w.header = w.Header(), nil
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	w.n += int64(len(p))
	if w.head {
		return len(p), nil
	}
	return w.body.Write(p)
}

func (w *responseWriter) WriteString(s string) (int, error) {
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	w.n += int64(len(s))
	if w.head {
		return len(s), nil
	}
	return w.body.WriteString(s)
}

// ReadFrom lets io.Copy, and so http.ServeContent, fill the buffer directly.
func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	var n int64
	var err error
	if w.head {
		n, err = io.Copy(io.Discard, r)
	} else {
		n, err = w.body.ReadFrom(r)
	}
	w.n += n
	return n, err
}

// Flush is a no-op apart from fixing the status: the response leaves as a
// whole when the handler returns.
func (w *responseWriter) Flush() {
	w.WriteHeader(http.StatusOK)
}

// bodyAllowed commits the status if needed and reports whether it allows a body.
func (w *responseWriter) bodyAllowed() bool {
	w.WriteHeader(http.StatusOK)
	return w.status != http.StatusNoContent && w.status != http.StatusNotModified
}

// response returns what the handler wrote. The body aliases w's buffer.
func (w *responseWriter) response() *Response {
	w.WriteHeader(http.StatusOK)
	if w.sent == nil {
		w.sent = make(http.Header)
	}
	h, body := w.sent, w.body.Bytes()
	_, hasType := h["Content-Type"]
	if !hasType && h.Get("Content-Encoding") == "" && len(body) > 0 {
		// net/http sniffs the type of an untyped body; doing the same keeps
		// the application's responses identical under both servers, and
		// the type decides whether the body travels as text or base64.
		h.Set("Content-Type", http.DetectContentType(body))
	}
	if w.head && w.n > 0 && h.Get("Content-Length") == "" {
		// Tell HEAD clients the size a GET would have, as net/http does
		// when the handler wrote its whole body.
		h.Set("Content-Length", strconv.FormatInt(w.n, 10))
	}
	return &Response{StatusCode: w.status, Header: h, Body: body}
}

// plainResponse is a short text/plain response for errors the adapter
// answers itself.
func plainResponse(code int, msg string) *Response {
	return &Response{
		StatusCode: code,
		Header: http.Header{
			"Content-Type":           {"text/plain; charset=utf-8"},
			"X-Content-Type-Options": {"nosniff"},
			"Cache-Control":          {"no-store"},
		},
		Body: []byte(msg + "\n"),
	}
}
