package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The fast path answers the requests a blog mostly gets — a plain GET or
// HEAD of a page already rendered and cached — without going through
// net/http: it reads the request, writes the stored response with one
// system call (or sendfile), and reads the next one. net/http's own work
// per request (a Request and header maps, deadlines, header sorting, a
// goroutine hand-off) cost more than everything else grail does for a
// cached page, and kept it well short of a static file server.
//
// It only ever serves what it fully understands. Any other request — a
// miss, another method, a body, an unusual header, HTTP/1.0, anything it
// does not parse the way net/http would — hands the connection, with the
// bytes already read, to net/http, which serves it and every later request
// on that connection. So the fast path can be wrong only by being slow.

// FastOptions configure FastListener. The timeouts mean what they mean
// for http.Server.
type FastOptions struct {
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// Log, when set, gets one access log line per request, as AccessLog.
	Log *slog.Logger
	// Throttle, when set, limits each client as the net/http side does.
	Throttle *Throttler
}

// FastListener wraps ln for an http.Server serving s: cache hits are
// answered on the fast path, and the server only ever accepts the
// connections (and requests) that the fast path hands over.
func (s *Server) FastListener(ln net.Listener, o FastOptions) net.Listener {
	l := &fastListener{Listener: ln, srv: s, opts: o, handoff: make(chan net.Conn),
		closed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	go l.acceptLoop()
	return l
}

type fastListener struct {
	net.Listener
	srv     *Server
	opts    FastOptions
	handoff chan net.Conn

	closeOnce sync.Once
	closed    chan struct{}
	acceptErr atomic.Value // the error that ended acceptLoop

	mu    sync.Mutex
	conns map[net.Conn]struct{} // on the fast path now
}

func (l *fastListener) acceptLoop() {
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
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

// serve answers requests on c for as long as they are cache hits.
func (l *fastListener) serve(c net.Conn) {
	l.track(c, true)
	bufp := fastBufs.Get().(*[]byte)
	buf, n := *bufp, 0
	release := func() { l.track(c, false); fastBufs.Put(bufp) }
	remote := c.RemoteAddr().String()
	for {
		req, complete, simple := parseSimple(buf[:n])
		var headerDue time.Time // when the head must be in, from its first byte
		for !complete && simple && n < len(buf) {
			c.SetReadDeadline(l.readDeadline(n, &headerDue))
			m, err := c.Read(buf[n:])
			n += m
			if err != nil || l.closing() {
				release()
				c.Close()
				return
			}
			req, complete, simple = parseSimple(buf[:n])
		}
		if !complete || !simple || !l.answer(c, req, remote) {
			pending := bytes.Clone(buf[:n])
			release()
			l.handOff(c, pending)
			return
		}
		n = copy(buf, buf[req.size:n])
		if req.close || l.closing() {
			release()
			c.Close()
			return
		}
	}
}

// readDeadline is how long to wait for more of a request: an idle
// connection gets IdleTimeout for a request to begin, and a request has
// ReadHeaderTimeout from its first byte for its whole head, however
// slowly it trickles in (as net/http counts it).
func (l *fastListener) readDeadline(have int, headerDue *time.Time) time.Time {
	now := time.Now()
	if have == 0 {
		if l.opts.IdleTimeout > 0 {
			return now.Add(l.opts.IdleTimeout)
		}
		return time.Time{}
	}
	if headerDue.IsZero() && l.opts.ReadHeaderTimeout > 0 {
		*headerDue = now.Add(l.opts.ReadHeaderTimeout)
	}
	return *headerDue
}

// handOff gives net/http the connection, with the bytes read so far still
// to be read.
func (l *fastListener) handOff(c net.Conn, pending []byte) {
	c.SetReadDeadline(time.Time{})
	var conn net.Conn = &prefixConn{Conn: c, prefix: pending}
	select {
	case l.handoff <- &corkConn{Conn: conn}:
	case <-l.closed:
		c.Close()
	}
}

// answer writes the cached response for req, or reports false (and
// writes nothing) when net/http must answer it.
func (l *fastListener) answer(c net.Conn, req simpleRequest, remote string) bool {
	s := l.srv
	st := s.loader.Current()
	if len(st.Config.Redirects) > 0 {
		return false // host redirects are net/http's business
	}
	resp := s.cache.get(s.generation(st), req.path)
	if resp == nil {
		return false
	}
	if t := l.opts.Throttle; t != nil && t.Wait(remote) > 0 {
		return false // net/http answers 429: the token is taken, so it will be refused there too
	}
	start := time.Now()
	rep := resp.representation(req.acceptEncoding)
	status := http.StatusOK
	if resp.notModified(req.ifNoneMatch, req.ifModifiedSince) {
		status = http.StatusNotModified
	}
	head := s.fastHead(resp, rep, status, req.forwardedProto == "https" && s.trustProto)
	if l.opts.WriteTimeout > 0 {
		c.SetWriteDeadline(time.Now().Add(l.opts.WriteTimeout))
	}
	sent, err := writeResponse(c, head, rep, status == http.StatusOK && req.method != http.MethodHead)
	if l.opts.Log != nil {
		logRequest(l.opts.Log, req.method, req.path, status, sent, time.Since(start), remote)
	}
	if err != nil {
		c.Close() // the next read fails and the loop ends
	}
	return true
}

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
	return max(n-int64(len(head)), 0), err
}

// fastHead is the status line and headers of a cached response as the
// net/http path would write them, with the Date of this second.
func (s *Server) fastHead(r *response, rep *representation, status int, https bool) []byte {
	cached := &rep.head200
	if status != http.StatusOK {
		cached = &rep.head304
	}
	pre := cached.Load()
	if pre == nil {
		b := buildHead(r, rep, status)
		pre = &b
		cached.Store(pre)
	}
	head := make([]byte, 0, len(*pre)+len(hstsLine)+40)
	head = append(head, *pre...)
	if https {
		head = append(head, hstsLine...)
	}
	head = append(head, httpDate()...)
	return append(head, "\r\n"...)
}

const hstsLine = "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"

// buildHead serialises the headers securityHeaders and response.write set,
// sorted as net/http sorts them, without Date.
func buildHead(r *response, rep *representation, status int) []byte {
	h := http.Header{
		"Content-Security-Policy": cspPublic,
		"X-Content-Type-Options":  nosniff,
		"Referrer-Policy":         referrerPolicy,
	}
	for k, v := range r.header {
		h[k] = v
	}
	h["Etag"] = rep.etag
	if r.lastModified != nil {
		h["Last-Modified"] = r.lastModified
	}
	if status == http.StatusOK {
		h["Content-Length"] = rep.length
		if rep.encoding != nil {
			h["Content-Encoding"] = rep.encoding
		}
	} else {
		delete(h, "Content-Type")
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

// prefixConn is a connection whose first reads return bytes that were
// read from it already.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// simpleRequest is what the fast path needs of a request.
type simpleRequest struct {
	method, path                                 string
	acceptEncoding, ifNoneMatch, ifModifiedSince string
	forwardedProto                               string
	close                                        bool
	size                                         int // bytes of the request head
}

// parseSimple reads a request head from b. complete is false while the
// head has not all arrived; simple is false for anything but a plain
// HTTP/1.1 GET or HEAD with no body, in the strict syntax of RFC 9112.
func parseSimple(b []byte) (req simpleRequest, complete, simple bool) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		// A bare LF, or a NUL, will never make a head we serve: let
		// net/http judge it now rather than wait for more.
		return req, false, bytes.IndexByte(b, 0) < 0 && !bareLF(b)
	}
	req.size = end + 4
	head := b[:end+2]
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	if !parseRequestLine(line, &req) {
		return req, true, false
	}
	var seen uint8 // the headers read, each allowed once: net/http reads the first of several
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := headerField(line)
		if !ok {
			return req, true, false
		}
		lower := string(toLowerASCII(name))
		if bit, read := readHeaders[lower]; read {
			if seen&bit != 0 {
				return req, true, false
			}
			seen |= bit
		}
		switch lower {
		case "accept-encoding":
			req.acceptEncoding = value
		case "if-none-match":
			req.ifNoneMatch = value
		case "if-modified-since":
			req.ifModifiedSince = value
		case "x-forwarded-proto":
			req.forwardedProto = value
		case "connection":
			switch string(toLowerASCII([]byte(value))) {
			case "close":
				req.close = true
			case "keep-alive":
			default:
				return req, true, false
			}
		case "content-length":
			if value != "0" {
				return req, true, false
			}
		case "transfer-encoding", "expect", "upgrade", "te", "trailer", "http2-settings":
			return req, true, false
		}
	}
	return req, true, seen&readHeaders["host"] != 0
}

var readHeaders = map[string]uint8{"host": 1, "accept-encoding": 2, "if-none-match": 4,
	"if-modified-since": 8, "x-forwarded-proto": 16, "connection": 32, "content-length": 64}

func bareLF(b []byte) bool {
	for i := bytes.IndexByte(b, '\n'); i >= 0; {
		if i == 0 || b[i-1] != '\r' {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '\n')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// parseRequestLine accepts "GET /path?query HTTP/1.1" with a target made
// of characters that need no decoding.
func parseRequestLine(line []byte, req *simpleRequest) bool {
	method, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return false
	}
	switch string(method) {
	case http.MethodGet:
		req.method = http.MethodGet
	case http.MethodHead:
		req.method = http.MethodHead
	default:
		return false
	}
	target, proto, ok := bytes.Cut(rest, []byte(" "))
	if !ok || string(proto) != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return false
	}
	path := target
	if i := bytes.IndexByte(target, '?'); i >= 0 {
		path = target[:i]
	}
	for _, c := range target {
		if !plainTargetByte(c) {
			return false
		}
	}
	req.path = string(path)
	return true
}

// plainTargetByte: letters, digits and the characters a path or query
// may hold as they are (RFC 3986), but not '%', which would need decoding.
func plainTargetByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("-._~/!$&'()*+,;=:@?"), c) >= 0
}

// headerField splits "Name: value" and trims the value's spaces. It
// refuses what net/http might read differently: an empty or non-token
// name, a folded line, control characters in the value.
func headerField(line []byte) (name []byte, value string, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return nil, "", false
	}
	name = line[:i]
	for _, c := range name {
		if !tokenByte(c) {
			return nil, "", false
		}
	}
	v := bytes.Trim(line[i+1:], " \t")
	for _, c := range v {
		if c < ' ' && c != '\t' || c == 0x7f {
			return nil, "", false
		}
	}
	return name, string(v), true
}

func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

func toLowerASCII(b []byte) []byte {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			out := make([]byte, len(b))
			copy(out, b)
			for j := i; j < len(out); j++ {
				if 'A' <= out[j] && out[j] <= 'Z' {
					out[j] += 'a' - 'A'
				}
			}
			return out
		}
	}
	return b
}
