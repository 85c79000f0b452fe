package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// MaxBodyBytes bounds any request body (uploads included).
const MaxBodyBytes = 32 << 20

// Options configure Serve. Zero values take the defaults shown.
type Options struct {
	// Proxies are those whose X-Forwarded-Proto, -Host and -For are
	// believed; everyone else's are removed (see Proxies).
	Proxies Proxies
	// The timeouts mean what they mean for http.Server, on the fast path
	// too: ReadHeaderTimeout (10 s) counts from a request's first byte
	// however the request is served; ReadTimeout (60 s), WriteTimeout
	// (120 s), IdleTimeout (120 s).
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxConns bounds the connections open at once (10,000); more wait in
	// the listen backlog until one closes.
	MaxConns int
	// Throttle, when set, limits each client (see Throttle).
	Throttle *ThrottleOptions
	// AccessLog, when set, gets one line per request (see AccessLog).
	AccessLog *slog.Logger
	// Log gets errors: panics, and net/http's own complaints.
	Log *slog.Logger
	// Grace is how long a shutdown waits for requests in flight (10 s).
	Grace time.Duration

	throttler *Throttler // made from Throttle, shared by both paths
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.ReadHeaderTimeout, 10*time.Second)
	def(&o.ReadTimeout, 60*time.Second)
	def(&o.WriteTimeout, 120*time.Second)
	def(&o.IdleTimeout, 120*time.Second)
	def(&o.Grace, 10*time.Second)
	if o.MaxConns <= 0 {
		o.MaxConns = 10_000
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Throttle != nil {
		o.throttler = NewThrottler(*o.Throttle)
	}
	return o
}

// Serve serves site on ln until ctx is cancelled, then shuts down
// gracefully: requests in flight get up to Grace to finish. Stored
// replies are answered on the fast path; everything else by net/http,
// through the same Lookup.
func Serve(ctx context.Context, ln net.Listener, site Site, o Options) error {
	o = o.withDefaults()
	srv := newHTTPServer(site, &o)
	fl := newFastListener(ln, site, &o)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(fl) }()
	select {
	case err := <-errc:
		fl.Close()
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), o.Grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHTTPServer is the net/http side of Serve: timeouts that keep slow or
// idle clients from holding connections, a bound on bodies, and, around
// the site's Handler, the throttle and the access log, which see the
// request as the forwarded headers of a trusted proxy describe it.
func newHTTPServer(site Site, o *Options) *http.Server {
	h := Handler(site, HandlerOptions{Proxies: o.Proxies, Log: o.Log})
	if o.throttler != nil {
		h = o.throttler.Wrap(h)
	}
	if o.AccessLog != nil {
		h = AccessLog(h, o.AccessLog)
	}
	return &http.Server{
		Handler:           limitBody(normalised(h, &o.Proxies)),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ConnContext:       ConnContext,
		ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
	}
}

// normalised applies p to every request before h sees it.
func normalised(h http.Handler, p *Proxies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Normalise(r)
		h.ServeHTTP(w, r)
	})
}

func limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		}
		h.ServeHTTP(w, r)
	})
}
