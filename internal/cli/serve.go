package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/grailblog/grail/examples/demo"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/web"
)

func runServe(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("serve", "[--addr HOST:PORT] [--demo] [SITE]", stdio)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	demoFlag := fs.Bool("demo", false, "serve the built-in demo blog")
	accessLog := fs.Bool("access-log", true, "log every request")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError("serve takes one SITE, got %d", fs.NArg())
	}
	log := newLogger(stdio)
	location, cleanup, err := siteLocation(fs.Arg(0), *demoFlag)
	if err != nil {
		return err
	}
	defer cleanup()

	st, err := store.Open(ctx, location, log)
	if err != nil {
		return err
	}
	defer st.Close()
	loader := site.NewLoader(st, log, nil)
	start := time.Now()
	stale, err := loader.Start(ctx)
	if err != nil {
		return fmt.Errorf("load %s: %w", st.Describe(), err)
	}
	s := loader.Current()
	log.Info("site loaded", "site", st.Describe(), "posts", len(s.Posts), "pages", len(s.Pages),
		"problems", len(s.Problems), "from_index", stale, "took", time.Since(start).Round(time.Millisecond))
	if len(s.Problems) > 0 {
		log.Warn("some content has problems; run 'grail check' for the list", "count", len(s.Problems))
	}
	srv, err := web.New(ctx, web.Options{Store: st, Loader: loader, Log: log})
	if err != nil {
		return err
	}
	if stale { // served from the index snapshot: catch up with the sources
		go reload(ctx, loader, srv, log)
	}
	go watch(ctx, st, loader, srv, log)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	var h http.Handler = srv
	if *accessLog {
		h = web.AccessLog(h, log)
	}
	fmt.Fprintf(stdio.Err, "grail: serving %s at http://%s/\n", st.Describe(), ln.Addr())
	return web.Serve(ctx, web.HTTPServer(h, log), ln, 10*time.Second)
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

// watch reloads the site when its sources change: at once for a folder,
// and for a bucket (which other servers may write to) by looking at its
// version every refresh interval.
func watch(ctx context.Context, st *store.Store, loader *site.Loader, srv *web.Server, log *slog.Logger) {
	err := st.Watch(ctx, func() { reload(ctx, loader, srv, log) })
	if errors.Is(err, store.ErrCannotWatch) {
		poll(ctx, loader, srv, log)
		return
	}
	if err != nil {
		log.Error("watch site", "err", err)
	}
}

func poll(ctx context.Context, loader *site.Loader, srv *web.Server, log *slog.Logger) {
	failing := false
	for {
		interval := loader.Current().Config.Refresh.Std()
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		changed, err := loader.Refresh(ctx)
		switch {
		case err != nil && !failing:
			log.Warn("cannot check the store for changes; serving what is in memory", "err", err)
			failing = true
		case err == nil && failing:
			log.Info("the store is reachable again")
			failing = false
		}
		if changed {
			if err := srv.ReloadTheme(ctx); err != nil {
				log.Error("reload theme", "err", err)
			}
			s := loader.Current()
			log.Info("site changed on another server", "posts", len(s.Posts), "pages", len(s.Pages))
		}
	}
}

// reload brings the site and theme up to date with the store.
func reload(ctx context.Context, loader *site.Loader, srv *web.Server, log *slog.Logger) {
	changed, err := loader.Reload(ctx)
	if err != nil {
		log.Error("reload site", "err", err)
		return
	}
	if err := srv.ReloadTheme(ctx); err != nil {
		log.Error("reload theme", "err", err)
	}
	if changed {
		s := loader.Current()
		log.Info("site reloaded", "posts", len(s.Posts), "pages", len(s.Pages), "problems", len(s.Problems))
	}
}

func newLogger(stdio Stdio) *slog.Logger {
	return slog.New(slog.NewTextHandler(stdio.Err, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
