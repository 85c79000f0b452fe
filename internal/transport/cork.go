package transport

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
)

// A cached page is written by net/http in at least two writes to the
// socket once it is larger than net/http's 4 KiB buffer: the headers with
// the start of the body, then the rest. Each write is a system call and,
// on the wire, a packet of its own that wakes the client. Corking the
// connection while a cached response is written makes it one write, which
// is most of the difference between grail and a static file server (see
// docs/benchmarks.md). Only the cached-response path corks; every other
// handler writes straight through, so streaming is never held back.

// CorkListener wraps a listener so that its connections can be corked;
// use it with ConnContext. (Serve corks the connections it hands to
// net/http itself.)
func CorkListener(ln net.Listener) net.Listener { return corkListener{ln} }

// ConnContext makes a corkable connection reachable from its requests'
// contexts (http.Server.ConnContext).
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*corkConn); ok {
		return context.WithValue(ctx, corkKey{}, cc)
	}
	return ctx
}

type corkKey struct{}

type corkListener struct{ net.Listener }

func (l corkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &corkConn{Conn: c}, nil
}

// corkConn holds back what is written while it is corked and sends it in
// one write when the last cork is removed. Corks nest: HTTP/2 serves
// several requests on one connection at once.
type corkConn struct {
	net.Conn
	mu    sync.Mutex
	corks int
	buf   []byte
}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corks == 0 {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

func (c *corkConn) cork() {
	c.mu.Lock()
	c.corks++
	c.mu.Unlock()
}

func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corks--; c.corks > 0 || len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 64<<10 {
		c.buf = nil // do not keep a large page's buffer for a whole idle connection
	} else {
		c.buf = c.buf[:0]
	}
	return err
}

// ReadFrom sends a cached page's memory file with sendfile (see memBody).
// Other sources go to the socket's own ReadFrom once what is corked is out.
func (c *corkConn) ReadFrom(src io.Reader) (int64, error) {
	if r, ok := src.(*memBodyReader); ok {
		if n, err := c.sendBody(r); err != errNoSendfile {
			return n, err
		}
	}
	c.mu.Lock()
	pending := c.buf
	c.buf = c.buf[:0]
	c.mu.Unlock()
	if len(pending) > 0 {
		if _, err := c.Conn.Write(pending); err != nil {
			return 0, err
		}
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, src)
}

// corkedConn returns the request's corkable connection, or nil.
func corkedConn(r *http.Request) *corkConn {
	c, _ := r.Context().Value(corkKey{}).(*corkConn)
	return c
}

// writeCorked writes reply with the request's connection corked, and
// flushes net/http's own buffer into it before uncorking, so that the
// whole response leaves in one write.
func writeCorked(w http.ResponseWriter, r *http.Request, reply *Reply) {
	c := corkedConn(r)
	if c == nil {
		reply.Write(w, r)
		return
	}
	c.cork()
	reply.Write(w, r)
	http.NewResponseController(w).Flush()
	c.uncork()
}
