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
	forwardedProto string
	close          bool // the client sent Connection: close
	size           int  // bytes of the request head
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
		case "host":
			// net/http answers 400 to a Host it finds invalid.
			if !httpguts.ValidHostHeader(value) {
				return req, true, false
			}
			req.Host = value
		case "accept-encoding":
			req.AcceptEncoding = value
		case "if-none-match":
			req.IfNoneMatch = value
		case "if-modified-since":
			req.IfModifiedSince = value
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
	req.Path = string(path)
	req.RawQuery = string(query)
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
