// Package transport carries HTTP requests to a site and its answers back:
// the net/http server set-up (timeouts, body limit, connection cap,
// graceful shutdown), a fast path that answers stored replies without
// net/http, corked writes, memory-file bodies sent with sendfile,
// security headers, throttling and the access log.
//
// It knows nothing of blogs. For every request, on every path (the fast
// path, net/http, the Lambda adapter, which goes through Handler), it asks
// the Site one question — Lookup — and acts on the Decision. It imports
// only the standard library and golang.org/x packages.
package transport

import (
	"net/http"
	"strings"
)

// Site is what the transport serves.
type Site interface {
	// Lookup decides how to answer req. It runs for every request, on the
	// fast path too, so a stored reply must be found without allocating.
	// (req is passed by value: a pointer passed to an interface method
	// escapes to the heap, once per request.)
	Lookup(req Request) Decision
}

// Request is the part of a request that a Site's Lookup needs. The fast
// path fills it from the bytes it read, without building an
// *http.Request.
type Request struct {
	Method string
	Host   string
	// Path is the decoded path; RawQuery the query, without '?'.
	Path, RawQuery string
	// HTTPS tells whether the client's connection was encrypted (see IsHTTPS).
	HTTPS bool
	// RemoteAddr is the client's "ip:port".
	RemoteAddr string
	// HTTP is the request as net/http read it; nil on the fast path.
	HTTP *http.Request
}

// RequestURI is the path and query, as a redirect to another host keeps them.
func (r Request) RequestURI() string {
	if r.HTTP != nil {
		return r.HTTP.URL.RequestURI()
	}
	if r.RawQuery != "" {
		return r.Path + "?" + r.RawQuery
	}
	return r.Path
}

// Kind is what a Decision says to do.
type Kind uint8

const (
	// Render: Decision.Handler, the site's own handler, answers.
	Render Kind = iota
	// Stored: Decision.Reply is written as it is (the fast path can).
	Stored
	// Redirect: a permanent redirect to Decision.Location.
	Redirect
	// Mounted: Decision.Handler is another application's (never stored).
	Mounted
)

// Decision is a Site's answer to Lookup.
type Decision struct {
	Kind     Kind
	Reply    *Reply
	Handler  http.Handler
	Location string
}

// IsHTTPS tells whether the client's connection was encrypted: TLS to
// this server, or to a trusted proxy that said so in X-Forwarded-Proto
// (the transport applied it to r on the way in; see Proxies). It is the
// one place that rule lives.
func IsHTTPS(r *http.Request) bool { return r.TLS != nil }

// forwardedHTTPS reads an X-Forwarded-Proto value; schemes are
// case-insensitive (RFC 3986).
func forwardedHTTPS(proto string) bool { return strings.EqualFold(proto, "https") }
