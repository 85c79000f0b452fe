package web

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/config"
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
// base URL is set, and whether the host may be answered at all.
//
// Such responses hold absolute links, so each host needs its own
// rendering, and the Host header is the client's to choose: were every
// host rendered, one request per made-up host would each cost a render (a
// large feed brought the server down to a few dozen requests a second).
// So only a fixed set of hosts get a rendering of their own, cached:
// loopback names (a local preview) and the hosts the configuration names
// (canonicalHost, redirectHosts), or any host when a front door that
// answers only the site's names stands before grail (Options.HostsBounded:
// CloudFront with the origin secret). Any other host gets the canonical
// host's rendering when one is configured, and otherwise is not known:
// it is answered 421 Misdirected Request (misdirected), never rendered.
func (s *Server) hostOrigin(reqHost string, https bool, st *site.Site) (origin string, known bool) {
	cfg := &st.Config
	host := hostName(reqHost)
	switch {
	case isLoopbackName(host) || configuredHost(cfg, host) || s.bounded && host != "":
		return scheme(https) + "://" + strings.ToLower(reqHost), true
	case cfg.Canonical != "":
		return scheme(https) + "://" + cfg.Canonical, true
	}
	return "", false
}

// configuredHost tells whether the configuration names host.
func configuredHost(cfg *config.Config, host string) bool {
	return host != "" && (host == cfg.Canonical || slices.Contains(cfg.Redirects, host))
}

// misdirected answers a feed or the sitemap asked for under a host the
// site does not know (see hostOrigin). It is fixed, so it is stored like a
// cached page and costs no render whatever Host a client makes up.
var misdirected = newResponse(http.StatusMisdirectedRequest, "text/plain; charset=utf-8", "public, max-age=60",
	[]byte("421 Misdirected Request: this server does not answer for that host name.\n"+
		"Ask for the feed at the blog's own address.\n"), time.Time{})

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
