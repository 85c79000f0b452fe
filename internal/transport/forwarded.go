package transport

import (
	"crypto/tls"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies says whose forwarded headers (X-Forwarded-Proto, -Host, -For)
// are believed. They are the word of whoever sent the request, so they
// are believed from a proxy the operator put in front of the server and
// from nobody else: a client that sends them itself could otherwise
// choose the host that links and origin checks compare with, make a plain
// HTTP request look encrypted, or spread its requests over made-up
// addresses to escape the throttle and the login limiter.
//
// The transport applies them once, at the front door, to the request it
// hands on (Host, RemoteAddr, and the scheme that IsHTTPS reports), and
// removes them from every request, so that nothing downstream reads them.
type Proxies struct {
	// Addrs are the proxies, by address or network, whose requests carry
	// forwarded headers to believe.
	Addrs []netip.Prefix
	// Trusts, when set, also decides for a request (before Addrs): a
	// front door that knows its proxy by something other than its address
	// (on Lambda, the CloudFront origin secret) sets it. The fast path
	// cannot ask it: requests with forwarded headers from a peer not in
	// Addrs then go to net/http.
	Trusts func(r *http.Request) bool
}

// The forwarded headers, as net/http canonicalises them.
const (
	xForwardedProto = "X-Forwarded-Proto"
	xForwardedHost  = "X-Forwarded-Host"
	xForwardedFor   = "X-Forwarded-For"
)

// trustsAddr tells whether ip is one of the proxies.
func (p *Proxies) trustsAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, pre := range p.Addrs {
		if pre.Contains(ip) {
			return true
		}
	}
	return false
}

// peerAddr is the address of r's peer, if RemoteAddr holds one.
func peerAddr(remoteAddr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// Normalise applies r's forwarded headers to r if it came from a trusted
// proxy, and removes them whatever it came from. It is idempotent: the
// headers are gone after the first call.
func (p *Proxies) Normalise(r *http.Request) {
	// The keys are canonical already: indexing the map directly spares
	// every request three canonicalisations.
	h := r.Header
	proto, host, fwdFor := h[xForwardedProto], h[xForwardedHost], h[xForwardedFor]
	if proto == nil && host == nil && fwdFor == nil {
		return
	}
	delete(h, xForwardedProto)
	delete(h, xForwardedHost)
	delete(h, xForwardedFor)
	peer, _ := peerAddr(r.RemoteAddr)
	if !(p.Trusts != nil && p.Trusts(r) || p.trustsAddr(peer)) {
		return
	}
	if fh := firstOf(host); PlainHost(fh) {
		r.Host = fh
	}
	if fp := firstOf(proto); fp != "" {
		r.TLS = nil
		if forwardedHTTPS(fp) {
			// Only the scheme is known; there is no connection to describe
			// (the Lambda adapter says HTTPS the same way).
			r.TLS = &tls.ConnectionState{HandshakeComplete: true}
		}
	}
	if client, ok := p.clientOf(fwdFor, peer); ok {
		r.RemoteAddr = netip.AddrPortFrom(client, 0).String()
	}
}

// clientOf walks X-Forwarded-For from the right, past the proxies (and
// the peer itself, trusted by Trusts), to the first address that is not
// one: every address to its left is the client's own claim. It reports
// false when the list names no address it can read.
func (p *Proxies) clientOf(values []string, peer netip.Addr) (netip.Addr, bool) {
	var client netip.Addr
	for i := len(values) - 1; i >= 0; i-- {
		list := values[i]
		for list != "" {
			var item string
			if j := strings.LastIndexByte(list, ','); j >= 0 {
				list, item = list[:j], list[j+1:]
			} else {
				list, item = "", list
			}
			ip, err := netip.ParseAddr(strings.TrimSpace(item))
			if err != nil {
				return client, client.IsValid() // what is left of it is unreadable
			}
			client = ip.Unmap()
			if client != peer && !p.trustsAddr(client) {
				return client, true
			}
		}
	}
	return client, client.IsValid() // all proxies: the first of them is the client
}

// firstOf is the first element of a header's comma-separated values: the
// scheme or host the reader used, when a chain of proxies appends its own
// (the first one facing readers must set the header, not append to what
// the client sent; every common proxy does).
func firstOf(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return firstElem(values[0])
}

func firstElem(v string) string {
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// PlainHost accepts host names, IPv4 and bracketed IPv6 literals with an
// optional port: enough to keep a forwarded Host from smuggling a path or
// user info into the URLs a site builds from it.
func PlainHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == ':', c == '[', c == ']', c == '_':
		default:
			return false
		}
	}
	return true
}
