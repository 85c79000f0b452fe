package lambdahttp

import (
	"unicode/utf16"
	"unicode/utf8"
)

// fastDecode decodes an event in the shape the front doors send without
// reflection or maps: encoding/json spends most of an invocation's time on
// a cached page building header maps that are thrown away.
//
// It reports false as soon as the payload strays from that shape: malformed
// JSON, a known key in another letter case or repeated, a value of an
// unexpected type, a null where the front doors never send one. The caller
// then falls back to encoding/json. Whenever it reports true, the result is
// what encoding/json would have decoded; the fuzz test holds it to that.
func fastDecode(data []byte, ev *rawEvent) bool {
	*ev = rawEvent{}
	d := scanner{data: data}
	var seen uint32
	var headers []byte // the headers object, decoded only if needed
	ok := d.object(func(key []byte) bool {
		i := lookup(eventKeys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		if eventKeys[i] == "headers" {
			d.space()
			start := d.i
			ok := d.skip()
			headers = data[start:d.i]
			return ok
		}
		return d.eventField(i, ev)
	})
	d.space()
	if !ok || d.i != len(data) {
		return false
	}
	// Payload 1.0 repeats every header in multiValueHeaders, which is all
	// the adapter reads when it is there.
	if headers != nil && ev.MultiValueHeaders == nil {
		h := scanner{data: headers}
		return h.fields(&ev.Headers, false, headersHint) && h.i == len(headers)
	}
	return true
}

// Keys are matched exactly. encoding/json would also take them in another
// letter case; lookup reports those as foldedKey so that the decoder bails.
const (
	unknownKey = -1
	foldedKey  = -2
)

var eventKeys = []string{
	"version", "routeKey", "rawPath", "rawQueryString", "cookies",
	"httpMethod", "path", "headers", "multiValueHeaders",
	"queryStringParameters", "multiValueQueryStringParameters",
	"body", "isBase64Encoded", "requestContext",
}

func lookup(keys []string, key []byte) int {
	for i, k := range keys {
		if k == string(key) {
			return i
		}
	}
	for _, k := range keys {
		if equalFoldASCII(k, key) {
			return foldedKey
		}
	}
	return unknownKey
}

// equalFoldASCII is strings.EqualFold for the ASCII keys plainKey lets
// through, without converting key to a string.
func equalFoldASCII(k string, key []byte) bool {
	if len(k) != len(key) {
		return false
	}
	for i := range len(k) {
		a, b := k[i], key[i]
		if a == b {
			continue
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

func (d *scanner) eventField(i int, ev *rawEvent) bool {
	switch eventKeys[i] {
	case "version":
		return d.stringOrNull(&ev.Version)
	case "routeKey":
		return d.stringOrNull(&ev.RouteKey)
	case "rawPath":
		return d.stringOrNull(&ev.RawPath)
	case "rawQueryString":
		return d.stringOrNull(&ev.RawQueryString)
	case "cookies":
		return d.stringArray(&ev.Cookies)
	case "httpMethod":
		return d.stringOrNull(&ev.HTTPMethod)
	case "path":
		return d.stringOrNull(&ev.Path)
	case "multiValueHeaders":
		return d.fields(&ev.MultiValueHeaders, true, headersHint)
	case "queryStringParameters":
		return d.fields(&ev.QueryStringParameters, false, 0)
	case "multiValueQueryStringParameters":
		return d.fields(&ev.MultiValueQueryStringParameters, true, 0)
	case "body":
		return d.stringOrNull(&ev.Body)
	case "isBase64Encoded":
		return d.boolOrNull(&ev.IsBase64Encoded)
	case "requestContext":
		return d.requestContext(&ev.RequestContext)
	}
	return false
}

var (
	contextKeys  = []string{"stage", "domainName", "protocol", "identity", "http", "elb"}
	identityKeys = []string{"sourceIp"}
	httpKeys     = []string{"method", "path", "protocol", "sourceIp"}
	elbKeys      = []string{"targetGroupArn"}
)

func (d *scanner) requestContext(rc *rawContext) bool {
	if d.null() {
		return true
	}
	var seen uint32
	return d.object(func(key []byte) bool {
		i := lookup(contextKeys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		switch contextKeys[i] {
		case "stage":
			return d.stringOrNull(&rc.Stage)
		case "domainName":
			return d.stringOrNull(&rc.DomainName)
		case "protocol":
			return d.stringOrNull(&rc.Protocol)
		case "identity":
			return d.stringFields(identityKeys, &rc.Identity.SourceIP)
		case "http":
			h := &rc.HTTP
			return d.stringFields(httpKeys, &h.Method, &h.Path, &h.Protocol, &h.SourceIP)
		case "elb":
			if d.null() {
				return true
			}
			rc.ELB = new(elbContext)
			return d.stringFields(elbKeys, &rc.ELB.TargetGroupARN)
		}
		return false
	})
}

// stringFields decodes an object whose interesting members are all
// strings: keys[i] into dst[i]. A null object leaves them as they are.
func (d *scanner) stringFields(keys []string, dst ...*string) bool {
	if d.null() {
		return true
	}
	var seen uint32
	return d.object(func(key []byte) bool {
		i := lookup(keys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		return d.stringOrNull(dst[i])
	})
}

// A browser request through CloudFront carries about twenty headers.
const headersHint = 24

// fields decodes a header or query object. Single-value objects share one
// backing array for their values; each value's slice is capped so that an
// append by the handler cannot overwrite its neighbour.
func (d *scanner) fields(dst *fields, multi bool, sizeHint int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	out := make(fields, 0, sizeHint)
	var single []string
	if !multi {
		single = make([]string, 0, sizeHint)
	}
	ok := d.object(func(key []byte) bool {
		k := string(key) // keys are plain: object() refuses escaped keys
		for _, f := range out {
			if f.key == k {
				return false // encoding/json would keep only the last
			}
		}
		if !multi {
			s, ok := d.str()
			if !ok {
				return false
			}
			single = append(single, s)
			n := len(single)
			out = append(out, field{k, single[n-1 : n : n]})
			return true
		}
		var vs []string
		if !d.stringArray(&vs) || vs == nil {
			return false // null: encoding/json keeps the key with no values
		}
		out = append(out, field{k, vs})
		return true
	})
	*dst = out
	return ok
}

// scanner reads JSON from data[i:]. Its methods return false on anything
// they do not accept, after which the scanner is not to be used again.
type scanner struct {
	data  []byte
	i     int
	depth int
}

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

func (d *scanner) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *scanner) peek() byte {
	d.space()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

func (d *scanner) literal(lit string) bool {
	if d.peek() != lit[0] || len(d.data)-d.i < len(lit) || string(d.data[d.i:d.i+len(lit)]) != lit {
		return false
	}
	d.i += len(lit)
	return true
}

func (d *scanner) null() bool { return d.literal("null") }

// object reads an object, calling member for each key with the scanner at
// the value, which member must consume. Keys with escapes are refused.
func (d *scanner) object(member func(key []byte) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	if d.depth++; d.depth > maxDepth {
		return false
	}
	defer func() { d.depth-- }()
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		key, ok := d.plainKey()
		if !ok || d.peek() != ':' {
			return false
		}
		d.i++
		if !member(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// plainKey reads a key that needs no unescaping and is valid UTF-8: the
// raw bytes are then the key.
func (d *scanner) plainKey() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.i = i + 1
			return d.data[start:i], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
	}
	return nil, false
}

func (d *scanner) stringOrNull(dst *string) bool {
	if d.null() {
		return true // encoding/json leaves the field alone
	}
	s, ok := d.str()
	*dst = s
	return ok
}

func (d *scanner) boolOrNull(dst *bool) bool {
	switch {
	case d.null():
	case d.literal("true"):
		*dst = true
	case d.literal("false"):
		*dst = false
	default:
		return false
	}
	return true
}

// stringArray reads an array of strings, or null as a nil slice.
func (d *scanner) stringArray(dst *[]string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if d.peek() != '[' {
		return false
	}
	d.i++
	out := []string{}
	if d.peek() == ']' {
		d.i++
		*dst = out
		return true
	}
	for {
		s, ok := d.str() // a null element would be "": not worth the trouble
		if !ok {
			return false
		}
		out = append(out, s)
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			*dst = out
			return true
		default:
			return false
		}
	}
}

// str reads a string, unescaping it as encoding/json does: invalid
// UTF-8 and unpaired surrogates become U+FFFD.
func (d *scanner) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.i + 1
	for i := start; i < len(d.data); {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(d.data[start:i]), true
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			if r == utf8.RuneError && size == 1 {
				return d.unescape(start)
			}
			i += size
		}
	}
	return "", false
}

// unescape decodes the string starting at data[start] the slow way.
func (d *scanner) unescape(start int) (string, bool) {
	buf := make([]byte, 0, 64)
	for i := start; i < len(d.data); {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c == '\\':
			n, ok := d.escape(&buf, i)
			if !ok {
				return "", false
			}
			i += n
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(d.data[i:])
			buf = utf8.AppendRune(buf, r) // RuneError for an invalid byte
			i += size
		}
	}
	return "", false
}

// escape appends the escape sequence at data[i] to buf and returns its length.
func (d *scanner) escape(buf *[]byte, i int) (int, bool) {
	if i+1 >= len(d.data) {
		return 0, false
	}
	switch c := d.data[i+1]; c {
	case '"', '\\', '/':
		*buf = append(*buf, c)
	case 'b':
		*buf = append(*buf, '\b')
	case 'f':
		*buf = append(*buf, '\f')
	case 'n':
		*buf = append(*buf, '\n')
	case 'r':
		*buf = append(*buf, '\r')
	case 't':
		*buf = append(*buf, '\t')
	case 'u':
		r := hex4(d.data[i+2:])
		if r < 0 {
			return 0, false
		}
		if utf16.IsSurrogate(r) {
			// A pair takes both escapes; anything else is U+FFFD and
			// leaves the next escape to be read on its own.
			if i+7 < len(d.data) && d.data[i+6] == '\\' && d.data[i+7] == 'u' {
				if dec := utf16.DecodeRune(r, hex4(d.data[i+8:])); dec != utf8.RuneError {
					*buf = utf8.AppendRune(*buf, dec)
					return 12, true
				}
			}
			r = utf8.RuneError
		}
		*buf = utf8.AppendRune(*buf, r)
		return 6, true
	default:
		return 0, false
	}
	return 2, true
}

// escapeLen returns the length of the escape sequence at the start of b,
// or 0 if it is not one.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if hex4(b[2:]) >= 0 {
			return 6
		}
	}
	return 0
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skip consumes any JSON value, checking its syntax.
func (d *scanner) skip() bool {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func([]byte) bool { return d.skip() })
	case c == '[':
		return d.skipArray()
	case c == '"':
		return d.skipString()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.null()
	case c == '-' || '0' <= c && c <= '9':
		return d.skipNumber()
	}
	return false
}

func (d *scanner) skipArray() bool {
	d.i++ // '['
	if d.depth++; d.depth > maxDepth {
		return false
	}
	defer func() { d.depth-- }()
	if d.peek() == ']' {
		d.i++
		return true
	}
	for {
		if !d.skip() {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return true
		default:
			return false
		}
	}
}

// skipString consumes a string, checking escapes and control characters
// but not decoding it.
func (d *scanner) skipString() bool {
	for i := d.i + 1; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			n := escapeLen(d.data[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		}
	}
	return false
}

// skipNumber consumes a number of JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *scanner) skipNumber() bool {
	b, i := d.data, d.i
	digits := func() bool {
		n := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	d.i = i
	return true
}
