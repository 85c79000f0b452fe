package transport

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// HandlerOptions configure Handler.
type HandlerOptions struct {
	// Proxies: see Options.
	Proxies Proxies
	// Log gets panics (nil: discarded).
	Log *slog.Logger
}

// Handler answers with net/http what site decides, request by request:
// the net/http side of Serve, and what the Lambda adapter calls. Every
// response carries the security headers; a panic anywhere below answers
// 500 for its request only.
func Handler(site Site, o HandlerOptions) http.Handler {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &handler{site: site, opts: o}
}

type handler struct {
	site Site
	opts HandlerOptions
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer h.recover(w, r)
	h.opts.Proxies.Normalise(r)
	https := IsHTTPS(r)
	setSecurityHeaders(w.Header(), https)
	d := h.site.Lookup(Request{Method: r.Method, Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		HTTPS: https, RemoteAddr: r.RemoteAddr, HTTP: r})
	switch d.Kind {
	case Stored:
		writeCorked(w, r, d.Reply)
	case Redirect:
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.Redirect(w, r, d.Location, http.StatusMovedPermanently)
	default:
		d.Handler.ServeHTTP(w, r)
	}
}

// recover answers 500 after a panic. net/http would survive it too, but
// by dropping the connection without an answer, and other callers (the
// Lambda adapter) might not survive it at all.
func (h *handler) recover(w http.ResponseWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v) // the handler's way of dropping the connection on purpose
	}
	h.opts.Log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	hd := w.Header()
	hd.Del("Content-Encoding")
	hd.Del("Content-Length")
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintln(w, "The server could not answer this request; the problem has been logged.")
}
