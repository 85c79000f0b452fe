package transport

import (
	"bytes"
	"net/http"

	"golang.org/x/net/http/httpguts"
)

// simpleRequest is a request the fast path read: what the Site is asked
// about, and what the fast path itself needs.
type simpleRequest struct {
	Request
	// The headers that choose among a stored reply's forms: the transport
	// reads them, the Site need not.
	acceptEncoding, ifNoneMatch, ifModifiedSince string
	// The forwarded headers, believed only from a trusted proxy.
	forwardedProto, forwardedHost, forwardedFor string
	close                                       bool // the client sent Connection: close
	size                                        int  // bytes of the request head
}

// parseSimple reads a request head from b. complete is false while the
// head has not all arrived; simple is false for anything but a plain
// HTTP/1.1 GET or HEAD with no body, in the strict syntax of RFC 9112.
// Strings equal to prev's (the connection's previous request: a browser
// sends the same Host and Accept-Encoding every time) are reused, so that
// a request allocates next to nothing.
func parseSimple(b []byte, prev *simpleRequest) (req simpleRequest, complete, simple bool) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		// A bare LF, or a NUL, will never make a head we serve: let
		// net/http judge it now rather than wait for more.
		return req, false, bytes.IndexByte(b, 0) < 0 && !bareLF(b)
	}
	req.size = end + 4
	head := b[:end+2]
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	if !parseRequestLine(line, &req, prev) {
		return req, true, false
	}
	var seen uint16 // the headers read, each allowed once: net/http reads the first of several
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := headerField(line)
		if !ok {
			return req, true, false
		}
		h := headerID(name)
		if h == otherHeader {
			continue
		}
		if seen&(1<<h) != 0 || h == refusedHeader {
			return req, true, false
		}
		seen |= 1 << h
		switch h {
		case hostHeader:
			// net/http answers 400 to a Host it finds invalid.
			if !httpguts.ValidHostHeader(string(value)) {
				return req, true, false
			}
			req.Host = reuse(value, prev.Host)
		case acceptEncodingHeader:
			req.acceptEncoding = reuse(value, prev.acceptEncoding)
		case ifNoneMatchHeader:
			req.ifNoneMatch = string(value)
		case ifModifiedSinceHeader:
			req.ifModifiedSince = reuse(value, prev.ifModifiedSince)
		case forwardedProtoHeader:
			req.forwardedProto = reuse(value, prev.forwardedProto)
		case forwardedHostHeader:
			req.forwardedHost = reuse(value, prev.forwardedHost)
		case forwardedForHeader:
			req.forwardedFor = reuse(value, prev.forwardedFor)
		case connectionHeader:
			switch {
			case equalFoldASCII(value, "close"):
				req.close = true
			case equalFoldASCII(value, "keep-alive"):
			default:
				return req, true, false
			}
		case contentLengthHeader:
			if string(value) != "0" {
				return req, true, false
			}
		}
	}
	return req, true, seen&(1<<hostHeader) != 0
}

// The headers the fast path reads, or refuses.
const (
	hostHeader = iota
	acceptEncodingHeader
	ifNoneMatchHeader
	ifModifiedSinceHeader
	forwardedProtoHeader
	forwardedHostHeader
	forwardedForHeader
	connectionHeader
	contentLengthHeader
	refusedHeader // a body, an upgrade, an expectation: net/http's business
	otherHeader
)

var headerNames = []struct {
	name string
	id   int
}{
	{"host", hostHeader}, {"accept-encoding", acceptEncodingHeader}, {"if-none-match", ifNoneMatchHeader},
	{"if-modified-since", ifModifiedSinceHeader}, {"x-forwarded-proto", forwardedProtoHeader},
	{"x-forwarded-host", forwardedHostHeader}, {"x-forwarded-for", forwardedForHeader},
	{"connection", connectionHeader}, {"content-length", contentLengthHeader},
	{"transfer-encoding", refusedHeader}, {"expect", refusedHeader}, {"upgrade", refusedHeader},
	{"te", refusedHeader}, {"trailer", refusedHeader}, {"http2-settings", refusedHeader},
}

func headerID(name []byte) int {
	for _, h := range headerNames {
		if equalFoldASCII(name, h.name) {
			return h.id
		}
	}
	return otherHeader
}

// equalFoldASCII compares b with lower, a lower-case ASCII string,
// ignoring the case of b's letters.
func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// reuse returns prev if it holds b's bytes, else a new string.
func reuse(b []byte, prev string) string {
	if string(b) == prev {
		return prev
	}
	return string(b)
}

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
func parseRequestLine(line []byte, req *simpleRequest, prev *simpleRequest) bool {
	method, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return false
	}
	switch string(method) {
	case http.MethodGet:
		req.Method = http.MethodGet
	case http.MethodHead:
		req.Method = http.MethodHead
	default:
		return false
	}
	target, proto, ok := bytes.Cut(rest, []byte(" "))
	if !ok || string(proto) != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return false
	}
	for _, c := range target {
		if !plainTargetByte(c) {
			return false
		}
	}
	path, query, _ := bytes.Cut(target, []byte("?"))
	req.Path = reuse(path, prev.Path)
	req.RawQuery = reuse(query, prev.RawQuery)
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
func headerField(line []byte) (name, value []byte, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return nil, nil, false
	}
	name = line[:i]
	for _, c := range name {
		if !tokenByte(c) {
			return nil, nil, false
		}
	}
	value = bytes.Trim(line[i+1:], " \t")
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return nil, nil, false
		}
	}
	return name, value, true
}

func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}
