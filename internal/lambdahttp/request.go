package lambdahttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/grailblog/grail/internal/transport"
)

// ErrBadBody is returned by NewRequest when the event says its body is
// base64 but it is not.
var ErrBadBody = errors.New("lambdahttp: event body is not valid base64")

// NewRequest builds the *http.Request that ev stands for, the way a
// net/http server would have built it from the client's request: URL with
// path and raw query only, Host, RemoteAddr, TLS set for HTTPS, RequestURI,
// and the front door's headers. The request's context is ctx with ev
// attached (see EventFromContext).
func (a *Adapter) NewRequest(ctx context.Context, ev *Event) (*http.Request, error) {
	raw := &ev.raw
	body, err := decodeBody(raw.Body, raw.IsBase64Encoded)
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(withEvent(ctx, ev), method(ev), "/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("lambdahttp: %w", err)
	}
	setPath(r.URL, a.path(ev))
	r.URL.RawQuery = rawQuery(ev)
	r.RequestURI = r.URL.RequestURI()
	setProto(r, ev)
	fillHeader(r.Header, ev)
	r.Host = a.host(r.Header, raw)
	r.Header.Del("Host") // as net/http does: the host lives in r.Host
	if ip := clientIP(ev.Kind, raw, r.Header); ip != "" {
		// Port 0: the client's port is not known, but handlers that split
		// RemoteAddr with net.SplitHostPort, as they must for a net/http
		// server, keep working.
		r.RemoteAddr = net.JoinHostPort(ip, "0")
	}
	if isHTTPS(ev.Kind, r.Header) {
		// Only the scheme is known; there is no connection to describe.
		r.TLS = &tls.ConnectionState{HandshakeComplete: true}
	}
	return r, nil
}

func decodeBody(body string, isBase64 bool) ([]byte, error) {
	if !isBase64 {
		return []byte(body), nil
	}
	b, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBody, err)
	}
	return b, nil
}

func method(ev *Event) string {
	switch ev.Kind {
	case KindAPIGatewayV2, KindFunctionURL:
		return ev.raw.RequestContext.HTTP.Method
	}
	return ev.raw.HTTPMethod
}

// path returns the request path with the stage and base path removed.
func (a *Adapter) path(ev *Event) string {
	raw := &ev.raw
	p := raw.Path
	switch ev.Kind {
	case KindAPIGatewayV2, KindFunctionURL:
		p = raw.RawPath
		if p == "" {
			p = raw.RequestContext.HTTP.Path
		}
	}
	// The execute-api URL of a named stage puts the stage in the path; the
	// application's routes do not know about it. "$default" is never in it.
	if !a.opts.KeepStage && (ev.Kind == KindAPIGatewayV1 || ev.Kind == KindAPIGatewayV2) {
		if stage := raw.RequestContext.Stage; stage != "" && stage != "$default" {
			p = stripSegment(p, stage)
		}
	}
	if a.basePath != "" {
		p = stripSegment(p, a.basePath[1:])
	}
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return p
}

// stripSegment removes the leading path segments seg ("prod", "blog/v1")
// from p if p starts with them as whole segments: "/prod/x" → "/x",
// "/prod" → "/", but "/production" is left alone.
func stripSegment(p, seg string) string {
	if len(p) <= len(seg) || p[0] != '/' || !strings.HasPrefix(p[1:], seg) {
		return p
	}
	rest := p[1+len(seg):]
	switch {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	}
	return p
}

// setPath sets u's path from the path as the front door gave it. Front doors
// pass the path on as the client escaped it; when it unescapes cleanly the
// escaped form is kept in RawPath so that "%2F" stays distinguishable from
// "/", as with a net/http server.
func setPath(u *url.URL, p string) {
	u.Path = p
	if !strings.Contains(p, "%") {
		return
	}
	if dec, err := url.PathUnescape(p); err == nil {
		u.Path, u.RawPath = dec, p
	}
}

// rawQuery returns the query string in the order the client sent it.
func rawQuery(ev *Event) string {
	raw := &ev.raw
	switch ev.Kind {
	case KindAPIGatewayV2, KindFunctionURL:
		// Already the client's query string, untouched.
		return raw.RawQueryString
	case KindAPIGatewayV1:
		// API Gateway hands over decoded values: encode them again.
		return buildQuery(queryParams(raw), url.QueryEscape)
	case KindALB, KindALBMultiValue:
		// The ALB hands over keys and values as the client encoded them;
		// encoding them again would turn "%20" into "%2520".
		return buildQuery(queryParams(raw), nil)
	}
	return ""
}

// queryParams prefers the multi-value parameters, which keep repeated keys.
func queryParams(raw *rawEvent) fields {
	if raw.MultiValueQueryStringParameters != nil {
		return raw.MultiValueQueryStringParameters
	}
	return raw.QueryStringParameters
}

func buildQuery(ps fields, escape func(string) string) string {
	if len(ps) == 0 {
		return ""
	}
	if escape == nil {
		escape = func(s string) string { return s }
	}
	var b strings.Builder
	for _, p := range ps {
		for _, v := range p.values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(escape(p.key))
			b.WriteByte('=')
			b.WriteString(escape(v))
		}
	}
	return b.String()
}

func setProto(r *http.Request, ev *Event) {
	proto := ev.raw.RequestContext.Protocol
	if ev.Kind == KindAPIGatewayV2 || ev.Kind == KindFunctionURL {
		proto = ev.raw.RequestContext.HTTP.Protocol
	}
	if major, minor, ok := http.ParseHTTPVersion(proto); ok {
		r.Proto, r.ProtoMajor, r.ProtoMinor = proto, major, minor
	}
}

// fillHeader copies the event's headers into h with canonical keys.
func fillHeader(h http.Header, ev *Event) {
	raw := &ev.raw
	if raw.MultiValueHeaders != nil {
		// The multi-value form is the only one that keeps repeated headers.
		addFields(h, raw.MultiValueHeaders)
	} else {
		addFields(h, raw.Headers)
	}
	if len(raw.Cookies) > 0 {
		// Payload 2.0 moves the client's cookies out of the headers into an
		// array; a handler expects them back as one Cookie header.
		h["Cookie"] = []string{strings.Join(raw.Cookies, "; ")}
	}
}

func addFields(h http.Header, fs fields) {
	for _, f := range fs {
		key := http.CanonicalHeaderKey(f.key)
		if h[key] == nil {
			h[key] = f.values // owned by the event, which the request keeps
		} else {
			h[key] = append(h[key], f.values...) // the same name in two cases
		}
	}
}

// host picks the Host the client asked for.
func (a *Adapter) host(h http.Header, raw *rawEvent) string {
	if a.opts.TrustForwardedHost {
		if fh := firstListElem(h.Get("X-Forwarded-Host")); transport.PlainHost(fh) {
			return fh
		}
	}
	if host := h.Get("Host"); host != "" {
		return host
	}
	return raw.RequestContext.DomainName
}

// clientIP returns the address of the client as the front door saw it.
func clientIP(k Kind, raw *rawEvent, h http.Header) string {
	switch k {
	case KindAPIGatewayV1:
		return raw.RequestContext.Identity.SourceIP
	case KindAPIGatewayV2, KindFunctionURL:
		return raw.RequestContext.HTTP.SourceIP
	case KindALB, KindALBMultiValue:
		// The ALB appends the address it was connected from as the last
		// hop; earlier hops are whatever the client claimed.
		xff := h.Values("X-Forwarded-For")
		if len(xff) == 0 {
			return ""
		}
		return lastListElem(xff[len(xff)-1])
	}
	return ""
}

// isHTTPS reports whether the client used HTTPS. API Gateway and Function
// URLs accept nothing else; the ALB says so in X-Forwarded-Proto, which it
// sets itself.
func isHTTPS(k Kind, h http.Header) bool {
	if proto := firstListElem(h.Get("X-Forwarded-Proto")); proto != "" {
		return strings.EqualFold(proto, "https")
	}
	return k != KindALB && k != KindALBMultiValue
}

func firstListElem(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func lastListElem(s string) string {
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}
