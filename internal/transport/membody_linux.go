//go:build linux

package transport

import (
	"errors"
	"io"
	"net"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// zeroCopyMin is the body size from which a cached body is kept in a
// memory file and sent with sendfile: below it, copying costs less than
// the extra system calls.
const zeroCopyMin = 16 << 10

// memBody is a cached body kept in an anonymous in-memory file (memfd)
// and mapped read-only: Go code reads it as a []byte, and a corked
// connection hands it to the kernel with sendfile, which copies nothing
// through user space. For pages of tens of kilobytes that copy was most
// of what separated grail from a static file server.
type memBody struct {
	data []byte // the mapping; valid while the memBody is reachable
	fd   int
}

// newMemBody copies b into a memory file. It returns nil if the system
// cannot make one; the caller keeps b then.
func newMemBody(b []byte) *memBody {
	fd, err := unix.MemfdCreate("grail-page", unix.MFD_CLOEXEC)
	if err != nil {
		return nil
	}
	if _, err := unix.Write(fd, b); err != nil {
		unix.Close(fd)
		return nil
	}
	data, err := unix.Mmap(fd, 0, len(b), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		unix.Close(fd)
		return nil
	}
	m := &memBody{data: data, fd: fd}
	runtime.AddCleanup(m, func(r memRegion) { unix.Munmap(r.data); unix.Close(r.fd) }, memRegion{data, fd})
	return m
}

// memRegion is what the cleanup releases; it must not point at the
// memBody itself, or the memBody would never become unreachable.
type memRegion struct {
	data []byte
	fd   int
}

// reader returns a reader of the whole body for one response.
func (m *memBody) reader() io.Reader { return &memBodyReader{m: m} }

// memBodyReader is one response's read of a memBody. A corked connection
// recognises it and sends the file; anything else just reads it.
type memBodyReader struct {
	m   *memBody
	off int
}

func (r *memBodyReader) Read(p []byte) (int, error) {
	if r.off >= len(r.m.data) {
		return 0, io.EOF
	}
	n := copy(p, r.m.data[r.off:])
	r.off += n
	runtime.KeepAlive(r.m)
	return n, nil
}

// sendBody writes the corked bytes (the response's headers) and then the
// body with sendfile.
func (c *corkConn) sendBody(r *memBodyReader) (int64, error) {
	c.mu.Lock()
	head := c.buf
	c.mu.Unlock()
	n, err := sendFileWithHead(c.Conn, head, r.m)
	if err == errNoSendfile {
		return 0, err
	}
	c.mu.Lock()
	c.buf = c.buf[:0]
	c.mu.Unlock()
	r.off = len(r.m.data)
	return n - int64(len(head)), err
}

// sendFileWithHead writes head and then m's bytes with sendfile, as one
// segment: MSG_MORE on the head tells the kernel the body follows.
// Offsets are passed explicitly, so any number of responses may send the
// same file at once. It returns the bytes written, head included.
func sendFileWithHead(conn net.Conn, head []byte, m *memBody) (int64, error) {
	if hc, ok := conn.(*handedConn); ok {
		conn = hc.Conn
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return 0, errNoSendfile
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, errNoSendfile
	}
	var off, sent int64
	end := int64(len(m.data))
	var serr error
	err = raw.Write(func(fd uintptr) bool {
		for len(head) > 0 {
			n, err := unix.SendmsgN(int(fd), head, nil, nil, unix.MSG_MORE)
			if err == unix.EAGAIN {
				return false
			}
			if err != nil {
				serr = err
				return true
			}
			head, sent = head[n:], sent+int64(n)
		}
		for off < end {
			n, err := unix.Sendfile(int(fd), m.fd, &off, int(end-off))
			if err == unix.EAGAIN {
				return false
			}
			if err != nil {
				serr = err
				return true
			}
			sent += int64(n)
		}
		return true
	})
	runtime.KeepAlive(m) // m.fd must stay open until sendfile is done
	return sent, errors.Join(err, serr)
}

var errNoSendfile = errors.New("connection cannot sendfile")
