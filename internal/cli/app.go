package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/grailblog/grail/internal/admin"
	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/jobs"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/transport"
	"github.com/grailblog/grail/internal/urls"
	"github.com/grailblog/grail/internal/web"
)

// app is a site being served: its store, its loader and the HTTP handler.
// grail serve and the Lambda function build the same app, so a request is
// answered the same way on both.
type app struct {
	store    *store.Store
	loader   *site.Loader
	web      *web.Server
	jobs     *jobs.Manager
	sessions *auth.Sessions
	log      *slog.Logger
	// stale is true when the site was loaded from the index snapshot and
	// has yet to be compared with the sources.
	stale bool
}

// appOptions are what differs between the ways of running grail.
type appOptions struct {
	// proxies are those whose forwarded headers are believed (see
	// transport.Proxies), for requests that come through a.web.ServeHTTP.
	proxies transport.Proxies
	// hostsBounded: a front door that answers only the site's own names
	// stands before every request (see web.Options.HostsBounded).
	hostsBounded bool
	// jobs says where jobs run (Dispatch) and how long requests wait for
	// them; the zero value runs them in this process (a.jobs.Work).
	jobs jobs.Options
	// ext adds the kinds of job the server runs.
	ext Extensions
}

// openApp opens the store at location, loads the site (from the index
// snapshot when there is one) and builds the handler.
func openApp(ctx context.Context, location string, log *slog.Logger, o appOptions) (*app, error) {
	st, err := store.Open(ctx, location, log)
	if err != nil {
		return nil, err
	}
	a := &app{store: st, loader: site.NewLoader(st, log, nil), log: log}
	start := time.Now()
	if a.stale, err = a.loader.Start(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("load %s: %w", st.Describe(), err)
	}
	s := a.loader.Current()
	log.Info("site loaded", "site", st.Describe(), "posts", len(s.Posts), "pages", len(s.Pages),
		"problems", len(s.Problems), "from_index", a.stale, "took", time.Since(start).Round(time.Millisecond))
	if len(s.Problems) > 0 {
		log.Warn("some content has problems; run 'grail check' for the list", "count", len(s.Problems))
	}
	a.jobs = newJobs(st, log, o)
	a.sessions = newSessions(ctx, st, log)
	// The preview renders as the site does; a.web is set below, before
	// any request.
	preview := func(ctx context.Context, key, body string) ([]byte, error) { return a.web.Preview(ctx, key, body) }
	adm, err := admin.New(admin.Options{Store: st, Loader: a.loader, Users: auth.NewUsers(st), Sessions: a.sessions, Log: log, Preview: preview})
	if err != nil {
		st.Close()
		return nil, err
	}
	a.web, err = web.New(ctx, web.Options{Store: st, Loader: a.loader, Log: log, Proxies: o.proxies, HostsBounded: o.hostsBounded,
		Mounts: []web.Mount{{Prefix: urls.AdminPrefix, Handler: adm}, {Prefix: urls.JobsPrefix, Handler: a.jobs.Handler()}}})
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// newSessions reads the key that signs the writers' sessions. A store
// where it cannot be read or made (a read-only one) still serves readers;
// only logging in to /admin fails, and the log says why.
func newSessions(ctx context.Context, st *store.Store, log *slog.Logger) *auth.Sessions {
	sessions := auth.NewSessions(st)
	if err := sessions.Load(ctx); err != nil {
		log.Warn("no session key, so nobody can log in to /admin", "err", err)
	}
	return sessions
}

// newJobs makes the job manager, with the kinds of job the program that
// runs grail added (grail itself has none yet).
func newJobs(st *store.Store, log *slog.Logger, o appOptions) *jobs.Manager {
	jo := o.jobs
	jo.Log = log
	jo.Kinds = o.ext.JobKinds
	return jobs.New(st, jo)
}

func (a *app) Close() error { return a.store.Close() }

// reload brings the site and theme up to date with the store.
func (a *app) reload(ctx context.Context) {
	changed, err := a.loader.Reload(ctx)
	if err != nil {
		a.log.Error("reload site", "err", err)
		return
	}
	if err := a.web.ReloadTheme(ctx); err != nil { // the change may be to the theme alone
		a.log.Error("reload theme", "err", err)
	}
	a.afterChange(ctx, changed, "site reloaded")
}

// refresh looks for changes made by other servers (a cheap check), and
// for a rotated session key.
func (a *app) refresh(ctx context.Context) error {
	changed, err := a.loader.Refresh(ctx)
	if err != nil {
		return err
	}
	a.afterChange(ctx, changed, "site changed on another server")
	return a.sessions.Reload(ctx)
}

func (a *app) afterChange(ctx context.Context, changed bool, msg string) {
	if !changed {
		return
	}
	if err := a.web.ReloadTheme(ctx); err != nil {
		a.log.Error("reload theme", "err", err)
	}
	s := a.loader.Current()
	a.log.Info(msg, "posts", len(s.Posts), "pages", len(s.Pages), "problems", len(s.Problems))
}

// watch keeps the site current until ctx ends: a folder is watched and
// reloaded within a moment of a change; a bucket, which other servers may
// write to, is checked every refresh interval. It returns once watching
// has begun, so that no change made after it is missed.
func (a *app) watch(ctx context.Context) {
	if a.stale { // loaded from the index snapshot: catch up with the sources
		go a.reload(ctx)
	}
	if !a.store.CanWatch() {
		go a.poll(ctx)
		return
	}
	if err := a.store.Watch(ctx, func() { a.reload(ctx) }); err != nil {
		a.log.Error("watch site", "err", err)
	}
	go a.keepSessionKey(ctx) // the folder watcher leaves grail's own _grail/ alone
}

// keepSessionKey picks up a rotated session key (someone deleted
// _grail/secret, ending every session) and retries a Load that failed.
func (a *app) keepSessionKey(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.loader.Current().Config.Refresh.Std()):
		}
		if err := a.sessions.Reload(ctx); err != nil {
			a.log.Warn("cannot check the session key; keeping the one in memory", "err", err)
		}
	}
}

func (a *app) poll(ctx context.Context) {
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.loader.Current().Config.Refresh.Std()):
		}
		err := a.refresh(ctx)
		switch {
		case err != nil && !failing:
			a.log.Warn("cannot check the store for changes; serving what is in memory", "err", err)
			failing = true
		case err == nil && failing:
			a.log.Info("the store is reachable again")
			failing = false
		}
	}
}
