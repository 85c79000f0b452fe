package transport

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// The fast path answers the requests a site mostly gets — a plain GET or
// HEAD of a stored reply — without going through net/http: it reads the
// request, asks the Site the same question net/http's side asks (Lookup),
// writes the stored reply with one system call (or sendfile), and reads
// the next one. net/http's own work per request (a Request and header
// maps, deadlines, header sorting, a goroutine hand-off) cost more than
// everything else the server does for a stored reply, and kept it well
// short of a static file server.
//
// It only ever serves what it fully understands. Any other request — a
// Decision other than Stored, another method, a body, an unusual header,
// HTTP/1.0, anything it does not parse the way net/http would — hands the
// connection, with the bytes already read, to net/http, which serves it
// and every later request on that connection. So the fast path can be
// wrong only by being slow.

// fastListener accepts connections, serves them on the fast path for as
// long as it can, and hands them to an http.Server through Accept.
type fastListener struct {
	net.Listener
	site  Site
	opts  *Options
	slots chan struct{} // one per open connection, up to MaxConns

	handoff   chan net.Conn
	closeOnce sync.Once
	closed    chan struct{}
	acceptErr atomic.Value // the error that ended acceptLoop

	mu    sync.Mutex
	conns map[net.Conn]struct{} // on the fast path now
}

func newFastListener(ln net.Listener, site Site, o *Options) *fastListener {
	l := &fastListener{Listener: ln, site: site, opts: o, slots: make(chan struct{}, o.MaxConns),
		handoff: make(chan net.Conn), closed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	go l.acceptLoop()
	return l
}

// acceptLoop accepts connections while there are fewer than MaxConns
// open; beyond that, new ones wait in the kernel's backlog.
func (l *fastListener) acceptLoop() {
	var delay time.Duration
	for {
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return
		}
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.slots
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() { // out of file descriptors and the like
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			l.acceptErr.Store(err)
			l.Close()
			return
		}
		delay = 0
		go l.serve(c)
	}
}

// release frees the connection slot of a connection that was closed.
func (l *fastListener) release() { <-l.slots }

// Accept returns the next connection the fast path hands to net/http.
func (l *fastListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.handoff:
		return c, nil
	case <-l.closed:
		if err, ok := l.acceptErr.Load().(error); ok {
			return nil, err
		}
		return nil, net.ErrClosed
	}
}

// Close stops accepting, and wakes the fast path's idle connections so
// that they close (a graceful shutdown waits for no idle connection).
func (l *fastListener) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.closed)
		err = l.Listener.Close()
		l.mu.Lock()
		for c := range l.conns {
			c.SetReadDeadline(time.Now())
		}
		l.mu.Unlock()
	})
	return err
}

func (l *fastListener) track(c net.Conn, on bool) {
	l.mu.Lock()
	if on {
		l.conns[c] = struct{}{}
	} else {
		delete(l.conns, c)
	}
	l.mu.Unlock()
}

func (l *fastListener) closing() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

// maxFastRequest bounds the request head the fast path reads; a larger
// one goes to net/http, whose limit is higher.
const maxFastRequest = 8 << 10

var fastBufs = sync.Pool{New: func() any { b := make([]byte, maxFastRequest); return &b }}

// fastConn is one connection on the fast path.
type fastConn struct {
	net.Conn
	l      *fastListener
	buf    *[]byte
	n      int // bytes of buf read and not yet answered
	req    simpleRequest
	remote string // the peer's address, formatted once
	// trustedPeer: the peer is one of Options.Proxies, whose forwarded
	// headers are believed; client is the address its last
	// X-Forwarded-For named (clientFor), formatted once.
	trustedPeer       bool
	peer              netip.Addr
	clientFor, client string
	head              []byte // the last response head written, its buffer reused
	// headerDue is when the request head being read must be complete:
	// ReadHeaderTimeout after its first byte (zero between requests).
	headerDue time.Time
}

// serve answers requests on c for as long as they are stored replies. A
// panic here (in the Site's Lookup, say) must not end the process, as it
// would in a goroutine that net/http did not start.
func (l *fastListener) serve(c net.Conn) {
	fc := &fastConn{Conn: c, l: l, buf: fastBufs.Get().(*[]byte), remote: c.RemoteAddr().String()}
	fc.peer, _ = peerAddr(fc.remote)
	fc.trustedPeer = l.opts.Proxies.trustsAddr(fc.peer)
	l.track(c, true)
	defer func() {
		if v := recover(); v != nil {
			l.opts.Log.Error("panic on the fast path", "panic", fmt.Sprint(v))
			fc.close()
		}
	}()
	fc.serve()
}

func (fc *fastConn) serve() {
	for {
		complete, simple := fc.readHead()
		if fc.Conn == nil {
			return // closed while reading
		}
		if !complete || !simple || !fc.answer() {
			fc.handOff()
			return
		}
		buf := *fc.buf
		fc.n = copy(buf, buf[fc.req.size:fc.n])
		fc.headerDue = time.Time{}
		if fc.req.close || fc.l.closing() {
			fc.close()
			return
		}
	}
}

// readHead reads until a request head is complete, or is one the fast
// path will not serve. It closes the connection on a read error.
func (fc *fastConn) readHead() (complete, simple bool) {
	buf := *fc.buf
	prev := fc.req
	fc.req, complete, simple = parseSimple(buf[:fc.n], &prev)
	for !complete && simple && fc.n < len(buf) {
		fc.SetReadDeadline(fc.readDeadline())
		m, err := fc.Read(buf[fc.n:])
		fc.n += m
		if err != nil || fc.l.closing() {
			fc.close()
			return false, false
		}
		fc.req, complete, simple = parseSimple(buf[:fc.n], &prev)
	}
	return complete, simple
}

// readDeadline is how long to wait for more of a request: an idle
// connection gets IdleTimeout for a request to begin, and a request has
// ReadHeaderTimeout from its first byte for its whole head, however
// slowly it trickles in (as net/http counts it).
func (fc *fastConn) readDeadline() time.Time {
	o := fc.l.opts
	now := time.Now()
	if fc.n == 0 {
		if o.IdleTimeout > 0 {
			return now.Add(o.IdleTimeout)
		}
		return time.Time{}
	}
	if fc.headerDue.IsZero() && o.ReadHeaderTimeout > 0 {
		fc.headerDue = now.Add(o.ReadHeaderTimeout)
	}
	return fc.headerDue
}

// close closes the connection and gives back its buffer and slot.
func (fc *fastConn) close() {
	if fc.Conn == nil {
		return
	}
	fc.Conn.Close()
	fc.done()
	fc.l.release()
}

// done ends the fast path's part in the connection.
func (fc *fastConn) done() {
	fc.l.track(fc.Conn, false)
	fastBufs.Put(fc.buf)
	fc.Conn, fc.buf = nil, nil
}

// handOff gives net/http the connection, with the bytes read so far still
// to be read, and with what is left of the head's ReadHeaderTimeout:
// net/http starts that clock again when it begins reading.
func (fc *fastConn) handOff() {
	l := fc.l
	pending := bytes.Clone((*fc.buf)[:fc.n])
	raw, due := fc.Conn, fc.headerDue
	fc.done()
	raw.SetReadDeadline(time.Time{})
	conn := &handedConn{Conn: raw, prefix: pending, headerDue: due, release: l.release}
	select {
	case l.handoff <- &corkConn{Conn: conn}:
	case <-l.closed:
		conn.Close()
	}
}

// answer writes the stored reply for the request, or reports false (and
// writes nothing) when net/http must answer it.
func (fc *fastConn) answer() bool {
	l, req := fc.l, &fc.req
	req.HTTPS, req.RemoteAddr = false, fc.remote
	site, ok := fc.forwarded(req)
	if !ok {
		return false
	}
	d, ok := l.lookup(site)
	if !ok || d.Kind != Stored {
		return false
	}
	req.HTTPS, req.RemoteAddr = site.HTTPS, site.RemoteAddr
	if l.opts.throttler != nil && l.opts.throttler.Wait(req.RemoteAddr) > 0 {
		return false // net/http answers 429: the token is taken, so it will be refused there too
	}
	start := time.Now()
	r := d.Reply
	rep := r.representation(req.acceptEncoding)
	status := r.status
	if r.notModified(req.ifNoneMatch, req.ifModifiedSince) {
		status = http.StatusNotModified
	}
	head := r.fastHead(fc.head[:0], rep, status, req.HTTPS, req.close)
	fc.head = head
	if l.opts.WriteTimeout > 0 {
		fc.SetWriteDeadline(time.Now().Add(l.opts.WriteTimeout))
	}
	sent, err := writeResponse(fc.Conn, head, rep, status != http.StatusNotModified && req.Method != http.MethodHead)
	if l.opts.AccessLog != nil {
		logRequest(l.opts.AccessLog, req.Method, req.Path, status, sent, time.Since(start), req.RemoteAddr)
	}
	if err != nil {
		fc.Conn.Close() // the next read fails and the loop ends
	}
	return true
}

// forwarded is the request as the Site is asked about it: with a trusted
// proxy's forwarded headers applied, as Proxies.Normalise applies them on
// the net/http path, and anyone else's ignored. It reports false for a
// request only net/http can judge (Proxies.Trusts must be asked).
func (fc *fastConn) forwarded(req *simpleRequest) (Request, bool) {
	site := req.Request
	if req.forwardedProto == "" && req.forwardedHost == "" && req.forwardedFor == "" {
		return site, true
	}
	if !fc.trustedPeer {
		return site, fc.l.opts.Proxies.Trusts == nil
	}
	if h := firstElem(req.forwardedHost); PlainHost(h) {
		site.Host = h
	}
	site.HTTPS = forwardedHTTPS(firstElem(req.forwardedProto))
	if req.forwardedFor != "" {
		if req.forwardedFor != fc.clientFor {
			fc.clientFor, fc.client = req.forwardedFor, fc.remote
			if ip, ok := fc.l.opts.Proxies.clientOf([]string{req.forwardedFor}, fc.peer); ok {
				fc.client = netip.AddrPortFrom(ip, 0).String()
			}
		}
		site.RemoteAddr = fc.client
	}
	return site, true
}

// lookup asks the Site, reporting false if Lookup panicked: net/http then
// asks again, and answers 500 if it panics again.
func (l *fastListener) lookup(req Request) (d Decision, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			l.opts.Log.Error("panic in Lookup on the fast path", "path", req.Path, "panic", fmt.Sprint(v))
			ok = false
		}
	}()
	return l.site.Lookup(req), true
}

// handedConn is a connection handed to net/http: its first reads return
// the bytes the fast path read already, and closing it frees its slot.
type handedConn struct {
	net.Conn
	prefix []byte
	// headerDue, if set, bounds the first read deadline net/http sets
	// (that of the head the fast path began to read), so that the head
	// gets ReadHeaderTimeout in all. Later deadlines are net/http's own.
	headerDue time.Time
	clamped   atomic.Bool
	release   func()
	closeOnce sync.Once
}

func (c *handedConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *handedConn) SetReadDeadline(t time.Time) error {
	if !c.clamped.Swap(true) {
		if !c.headerDue.IsZero() && (t.IsZero() || t.After(c.headerDue)) {
			t = c.headerDue
		}
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *handedConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(c.release)
	return err
}
