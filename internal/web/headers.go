package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/grailblog/grail/internal/site"
)

// Header values are built once; net/http never modifies a header's slice.
var (
	// The reader's pages load nothing from any other origin and run no
	// script at all.
	cspPublic = []string{"default-src 'none'; img-src 'self' data:; style-src 'self'; font-src 'self'; media-src 'self'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'self'"}
	// Feeds may load their XSLT stylesheet, which browsers treat as a script.
	cspFeed = []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'none'; base-uri 'none'; frame-ancestors 'self'"}
	nosniff        = []string{"nosniff"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
	hsts           = []string{"max-age=31536000; includeSubDomains"}
)

// securityHeaders sets the headers every response carries. The policy's
// frame-ancestors replaces X-Frame-Options in every browser in use, and
// pages that run no script gain nothing from a Permissions-Policy or an
// opener policy; each header is work on every request of the hot path.
// (The admin, which runs scripts, sets those of its own.)
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Security-Policy"] = cspPublic
	h["X-Content-Type-Options"] = nosniff
	h["Referrer-Policy"] = referrerPolicy
	if s.isHTTPS(r) {
		h["Strict-Transport-Security"] = hsts
	}
}

// isHTTPS tells whether the reader's connection was encrypted, trusting
// X-Forwarded-Proto only when the server is configured to.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.trustProto && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// redirectHost answers a request for one of the site's other host names
// with a permanent redirect to the same path on the canonical host.
func (s *Server) redirectHost(w http.ResponseWriter, r *http.Request, st *site.Site) bool {
	cfg := &st.Config
	if len(cfg.Redirects) == 0 {
		return false
	}
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, from := range cfg.Redirects {
		if host == from {
			scheme := "http"
			if s.isHTTPS(r) {
				scheme = "https"
			}
			target := scheme + "://" + cfg.Canonical + r.URL.RequestURI()
			w.Header().Set("Cache-Control", "public, max-age=3600")
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return true
		}
	}
	return false
}
