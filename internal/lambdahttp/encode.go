package lambdahttp

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EncodeResponse appends to dst the JSON response that the front door of
// kind expects for resp, and returns the extended slice:
//
//   - payload 1.0: all headers as multiValueHeaders, which keeps repeated
//     headers such as Set-Cookie;
//   - payload 2.0 and Function URLs: headers joined with ", ", except
//     Set-Cookie, which goes to the cookies array;
//   - ALB: statusDescription ("200 OK"), and multiValueHeaders or headers
//     according to the target group's setting. Without multi-value headers
//     only the first Set-Cookie can be sent.
//
// KindUnknown gets the common subset (statusCode, headers, body) that every
// front door accepts. The body is sent as text when its type is textual,
// it has no Content-Encoding, and it is valid UTF-8; otherwise as base64.
func EncodeResponse(dst []byte, kind Kind, resp *Response) []byte {
	h := resp.Header
	dst = append(dst, `{"statusCode":`...)
	dst = strconv.AppendInt(dst, int64(resp.StatusCode), 10)
	if kind == KindALB || kind == KindALBMultiValue {
		dst = append(dst, `,"statusDescription":`...)
		dst = appendString(dst, statusDescription(resp.StatusCode))
	}
	switch kind {
	case KindAPIGatewayV1, KindALBMultiValue:
		dst = appendMultiValueHeaders(dst, h)
	case KindAPIGatewayV2, KindFunctionURL:
		dst = appendHeaders(dst, h, cookiesApart)
		dst = appendCookies(dst, h)
	default:
		dst = appendHeaders(dst, h, firstCookieOnly)
	}
	dst = append(dst, `,"body":"`...)
	if len(resp.Body) == 0 || maybeText(h.Get("Content-Type"), h.Get("Content-Encoding")) {
		mark := len(dst)
		var ok bool
		if dst, ok = appendBody(dst, resp.Body); ok {
			return append(dst, `","isBase64Encoded":false}`...)
		}
		dst = dst[:mark] // not UTF-8 after all
	}
	dst = base64.StdEncoding.AppendEncode(dst, resp.Body)
	return append(dst, `","isBase64Encoded":true}`...)
}

// encodedSizeHint estimates EncodeResponse's output to size its buffer
// once: exactly for base64, with room for a few escapes for text.
func encodedSizeHint(resp *Response) int {
	n := 256 + base64.StdEncoding.EncodedLen(len(resp.Body))
	if maybeText(resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding")) {
		n = 256 + len(resp.Body) + len(resp.Body)/8
	}
	for k, vs := range resp.Header {
		n += len(k) + 8
		for _, v := range vs {
			n += len(v) + 4
		}
	}
	return n
}

func statusDescription(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// hopByHop headers describe a connection, not the response; the front
// door owns the connection.
func hopByHop(key string) bool {
	switch key {
	case "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Trailer":
		return true
	}
	return false
}

func isSetCookie(key string) bool {
	return len(key) == len("Set-Cookie") && strings.EqualFold(key, "Set-Cookie")
}

func appendMultiValueHeaders(dst []byte, h http.Header) []byte {
	dst = append(dst, `,"multiValueHeaders":{`...)
	first := true
	for k, vs := range h {
		if len(vs) == 0 || hopByHop(k) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, k)
		dst = append(dst, ":["...)
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, v)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// cookieMode says what a single-value header map does with Set-Cookie,
// which cannot be folded into one line: its values contain commas.
type cookieMode bool

const (
	cookiesApart    cookieMode = true  // left out, for appendCookies
	firstCookieOnly cookieMode = false // the first kept, the rest dropped
)

func appendHeaders(dst []byte, h http.Header, mode cookieMode) []byte {
	dst = append(dst, `,"headers":{`...)
	first := true
	for k, vs := range h {
		if len(vs) == 0 || hopByHop(k) {
			continue
		}
		if isSetCookie(k) {
			if mode == cookiesApart {
				continue
			}
			vs = vs[:1]
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, k)
		dst = append(dst, ":\""...)
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendEscaped(dst, v)
		}
		dst = append(dst, '"')
	}
	return append(dst, '}')
}

func appendCookies(dst []byte, h http.Header) []byte {
	first := true
	for k, vs := range h {
		if !isSetCookie(k) {
			continue
		}
		for _, v := range vs {
			if first {
				dst = append(dst, `,"cookies":[`...)
				first = false
			} else {
				dst = append(dst, ',')
			}
			dst = appendString(dst, v)
		}
	}
	if !first {
		dst = append(dst, ']')
	}
	return dst
}

// maybeText reports whether a body with these headers may travel as a
// JSON string: compressed bodies never can, text can if it is valid UTF-8
// (which appendBody checks), since JSON would replace invalid bytes.
func maybeText(contentType, contentEncoding string) bool {
	if ce := strings.TrimSpace(contentEncoding); ce != "" && !strings.EqualFold(ce, "identity") {
		return false
	}
	return isTextType(contentType)
}

// isTextType reports whether a media type is text: text/*, JSON, XML,
// JavaScript and friends, and any +json or +xml type such as SVG or Atom.
func isTextType(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	if len(mt) >= 5 && strings.EqualFold(mt[:5], "text/") {
		return true
	}
	if hasSuffixFold(mt, "+json") || hasSuffixFold(mt, "+xml") {
		return true
	}
	switch strings.ToLower(mt) {
	case "application/json", "application/xml",
		"application/javascript", "application/ecmascript", "application/x-javascript",
		"application/x-www-form-urlencoded", "application/x-ndjson",
		"application/yaml", "application/x-yaml", "application/toml",
		"application/graphql", "application/sql":
		return true
	}
	return false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// appendString appends s as a quoted JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// plainJSON marks the bytes that stand for themselves inside a JSON string.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendEscaped appends s escaped for the inside of a JSON string, as
// encoding/json would (without its HTML escaping, which only costs bytes
// here): invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped
// for JavaScript consumers.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			dst = appendEscapedByte(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if special := r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029'; special {
			dst = append(dst, s[start:i]...)
			dst = appendEscapedRune(dst, r)
			start = i + size
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendBody appends a body as the inside of a JSON string. Unlike
// appendEscaped it refuses invalid UTF-8, which JSON cannot carry
// unchanged, so that one pass both checks and escapes. Bodies are the bulk
// of every response, so plain ASCII is skipped eight bytes at a time.
func appendBody(dst, b []byte) ([]byte, bool) {
	start := 0
	for i := 0; i < len(b); {
		if i+8 <= len(b) {
			m := escapeMask(binary.LittleEndian.Uint64(b[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8 // the first byte to look at
		}
		c := b[i]
		if plainJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, b[start:i]...)
			dst = appendEscapedByte(dst, c)
			i++
			start = i
			continue
		}
		if 0xC2 <= c && c <= 0xDF && i+1 < len(b) && b[i+1]&0xC0 == 0x80 {
			i += 2 // a valid two-byte sequence, the commonest in Latin text
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return dst, false
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, b[start:i]...)
			dst = appendEscapedRune(dst, r)
			start = i + size
		}
		i += size
	}
	return append(dst, b[start:]...), true
}

// escapeMask flags the bytes of the little-endian word w that are control
// characters, '"', '\\' or not ASCII, by setting their high bit. The lowest
// flagged byte is exact; bytes above it may be flagged without cause, which
// only sends the caller to look at them one by one.
func escapeMask(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	control := w - ones*0x20
	return (w | control&^w | (quote-ones)&^quote | (backslash-ones)&^backslash) & highs
}

func appendEscapedRune(dst []byte, r rune) []byte {
	if r == utf8.RuneError {
		return append(dst, `\ufffd`...)
	}
	return append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
}

func appendEscapedByte(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
