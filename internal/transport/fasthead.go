package transport

import (
	"bytes"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

// writeResponse writes head and, if withBody, the body: a large body by
// sendfile, else both in one writev. It returns the body bytes written.
func writeResponse(c net.Conn, head []byte, rep *representation, withBody bool) (int64, error) {
	if !withBody {
		_, err := c.Write(head)
		return 0, err
	}
	if rep.file != nil {
		n, err := sendFileWithHead(c, head, rep.file)
		if err != errNoSendfile {
			return max(n-int64(len(head)), 0), err
		}
	}
	bufs := net.Buffers{head, rep.body}
	n, err := bufs.WriteTo(c)
	runtime.KeepAlive(rep.file) // see writeBody
	return max(n-int64(len(head)), 0), err
}

// fastHead is the status line and headers of a stored reply exactly as
// the net/http path writes them (Handler, then Reply.Write), with the
// Date of this second and, if the client asked to close, Connection:
// close (net/http writes both after the sorted headers). It appends to
// dst, which a connection reuses from request to request.
func (r *Reply) fastHead(dst []byte, rep *representation, status int, https, closing bool) []byte {
	cached := &rep.heads[b2i(status == http.StatusNotModified)][b2i(https)]
	pre := cached.Load()
	if pre == nil {
		b := r.buildHead(rep, status, https)
		pre = &b
		cached.Store(pre)
	}
	head := append(dst, *pre...)
	head = append(head, httpDate()...)
	if closing {
		head = append(head, connectionClose...)
	}
	return append(head, "\r\n"...)
}

const connectionClose = "Connection: close\r\n"

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// buildHead serialises the headers that setSecurityHeaders and
// Reply.Write set, sorted as net/http sorts them, without Date.
func (r *Reply) buildHead(rep *representation, status int, https bool) []byte {
	h := http.Header{}
	setSecurityHeaders(h, https)
	for k, v := range r.header {
		h[k] = v
	}
	if r.status == http.StatusOK {
		h["Etag"] = rep.etag
		if r.lastModified != nil {
			h["Last-Modified"] = r.lastModified
		}
	}
	if status == http.StatusNotModified {
		delete(h, "Content-Type")
	} else {
		h["Content-Length"] = rep.length
		if rep.encoding != nil {
			h["Content-Encoding"] = rep.encoding
		}
	}
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	h.Write(&b)
	return b.Bytes()
}

// httpDate is "Date: <now>\r\n", formatted once a second.
func httpDate() []byte {
	now := time.Now().Unix()
	if d := dateCache.Load(); d != nil && d.unix == now {
		return d.line
	}
	d := &cachedDate{unix: now, line: []byte("Date: " + time.Unix(now, 0).UTC().Format(http.TimeFormat) + "\r\n")}
	dateCache.Store(d)
	return d.line
}

type cachedDate struct {
	unix int64
	line []byte
}

var dateCache atomic.Pointer[cachedDate]
