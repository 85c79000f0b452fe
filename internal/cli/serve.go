package cli

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/grailblog/grail/examples/demo"
	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/transport"
)

func runServe(ctx context.Context, args []string, stdio Stdio, ext Extensions) error {
	fs := newFlagSet("serve", "[--addr HOST:PORT] [--rate N --burst N] [--max-conns N] [--trusted-proxy ADDR,…] [--demo] [SITE]", stdio)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	demoFlag := fs.Bool("demo", false, "serve the built-in demo blog")
	accessLog := fs.Bool("access-log", true, "log every request")
	rateLimit := fs.Float64("rate", 20, "requests a second one client address may make, sustained; 0 turns the limit off")
	burst := fs.Int("burst", 100, "requests one client address may make at once")
	maxConns := fs.Int("max-conns", 10000, "connections open at once; more wait until one closes")
	var proxyFlags listFlag
	fs.Var(&proxyFlags, "trusted-proxy", "address or network (comma-separated, repeatable) of a proxy whose X-Forwarded-Proto, -Host and -For are believed")
	sites, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	flagProxies, err := config.ParseProxies(proxyFlags)
	if err != nil {
		return usageError("--trusted-proxy: %v", err)
	}
	if len(sites) > 1 {
		return usageError("serve takes one SITE, got %d", len(sites))
	}
	if *rateLimit < 0 || *burst < 1 || *maxConns < 1 {
		return usageError("--rate must be 0 or more, and --burst and --max-conns at least 1")
	}
	// Listen before opening the site: opening writes into it (the session
	// key, the index), and a bad address must leave it as it was.
	if _, err := net.ResolveTCPAddr("tcp", *addr); err != nil {
		return usageError("--addr %s: %v", *addr, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close() // transport.Serve closes it too; this is for the returns before
	log := newLogger(stdio)
	location, cleanup, err := siteLocation(first(sites), *demoFlag)
	if err != nil {
		return err
	}
	defer cleanup()

	a, err := openApp(ctx, location, log, appOptions{ext: ext})
	if err != nil {
		return err
	}
	defer a.Close()
	a.watch(ctx)
	ctx, stop := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { a.jobs.Work(ctx, 2); close(jobsDone) }()
	defer func() { stop(); <-jobsDone }() // jobs record how they ended before the store closes

	cfg := a.loader.Current().Config
	opts := transport.Options{MaxConns: *maxConns, Log: log,
		Proxies: transport.Proxies{Addrs: append(flagProxies, cfg.Proxies...)}}
	if *rateLimit > 0 {
		opts.Throttle = &transport.ThrottleOptions{Rate: *rateLimit, Burst: *burst}
	}
	if *accessLog {
		opts.AccessLog = log
	}
	fmt.Fprintf(stdio.Err, "grail: serving %s at http://%s/\n", a.store.Describe(), ln.Addr())
	warnUnknownHosts(log, cfg, ln.Addr())
	return transport.Serve(ctx, ln, a.web, opts)
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// warnUnknownHosts says, once at start, that a server other machines can
// reach answers feeds and the sitemap only for the hosts grail.toml names
// (see web's hostOrigin); said per request, it would be a log line any
// client could write.
func warnUnknownHosts(log *slog.Logger, cfg config.Config, addr net.Addr) {
	if cfg.BaseURL == "" && cfg.Canonical == "" && !isLoopback(addr) {
		log.Warn("no baseURL in grail.toml: feeds and the sitemap answer 421 Misdirected Request "+
			"to hosts other than loopback names until baseURL (or canonicalHost) is set", "addr", addr.String())
	}
}

// isLoopback tells whether addr is reachable from this machine only.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// siteLocation picks the site to serve: the demo (copied to a temporary
// folder so that it can be edited like any site), the argument, $GRAIL_SITE
// or the current folder.
func siteLocation(arg string, demoSite bool) (location string, cleanup func(), err error) {
	cleanup = func() {}
	switch {
	case demoSite && arg != "":
		return "", cleanup, usageError("give either --demo or a SITE, not both")
	case demoSite:
		dir, err := os.MkdirTemp("", "grail-demo-")
		if err != nil {
			return "", cleanup, err
		}
		if err := os.CopyFS(dir, demo.Files); err != nil {
			os.RemoveAll(dir)
			return "", cleanup, fmt.Errorf("copy the demo site: %w", err)
		}
		makeWritable(dir)
		return dir, func() { os.RemoveAll(dir) }, nil
	case arg != "":
		return arg, cleanup, nil
	case os.Getenv("GRAIL_SITE") != "":
		return os.Getenv("GRAIL_SITE"), cleanup, nil
	}
	return ".", cleanup, nil
}

// makeWritable undoes os.CopyFS's read-only modes for the demo's copy.
func makeWritable(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			os.Chmod(p, mode)
		}
		return nil
	})
}

func newLogger(stdio Stdio) *slog.Logger {
	return slog.New(slog.NewTextHandler(stdio.Err, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
