package web

import (
	"net"
	"strings"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/transport"
)

// cspFeed replaces the transport's Content-Security-Policy on feeds, which
// may load their XSLT stylesheet (browsers treat it as a script).
var cspFeed = []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'self'"}

// hostRedirect returns, for a request to one of the site's other host
// names, the same path on the canonical host; otherwise "".
func (s *Server) hostRedirect(req transport.Request, st *site.Site) string {
	cfg := &st.Config
	if len(cfg.Redirects) == 0 {
		return ""
	}
	host := hostName(req.Host)
	for _, from := range cfg.Redirects {
		if host == from {
			return scheme(req.HTTPS) + "://" + cfg.Canonical + req.RequestURI()
		}
	}
	return ""
}

// hostOrigin is the origin that feeds and the sitemap link to when no
// base URL is set, and whether responses made for it may be cached.
//
// Each cached host costs memory, and the Host header is the client's to
// choose, so only a fixed set of hosts get responses of their own, cached:
// loopback names (a local preview) and the hosts the configuration names
// (canonicalHost and redirectHosts). Any other host is answered as the
// canonical host when one is configured; without one, it gets links to
// itself, rendered for that request and not kept — the links stay right
// and a forged Host changes nothing for other readers, at the price of a
// render (set baseURL or canonicalHost to avoid it).
func (s *Server) hostOrigin(reqHost string, https bool, st *site.Site) (origin string, cached bool) {
	cfg := &st.Config
	host := hostName(reqHost)
	switch {
	case isLoopbackName(host) || host == cfg.Canonical && host != "":
		return scheme(https) + "://" + strings.ToLower(reqHost), true
	case cfg.Canonical != "":
		return scheme(https) + "://" + cfg.Canonical, true
	}
	return scheme(https) + "://" + reqHost, false
}

// hostName is the lower-case host of a Host header, without its port.
func hostName(hostport string) string {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

func isLoopbackName(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func scheme(https bool) string {
	if https {
		return "https"
	}
	return "http"
}
