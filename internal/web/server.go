// Package web is the blog's side of HTTP: the reader's pages, feeds,
// media and assets, rendered and cached per snapshot. It is a
// transport.Site: the transport package carries requests to it (Lookup)
// and writes what it answers.
package web

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/transport"
	"github.com/grailblog/grail/internal/urls"
)

// Options configure a Server.
type Options struct {
	Store  *store.Store
	Loader *site.Loader
	Log    *slog.Logger
	// CacheBytes bounds the memory used by rendered pages (default 64 MiB).
	CacheBytes int64
	// Proxies are those whose forwarded headers are believed, for requests
	// that come through ServeHTTP (see transport.Proxies).
	Proxies transport.Proxies
	// HostsBounded says that every request comes through a front door that
	// answers only the site's own names (CloudFront holding the origin
	// secret): any Host that arrives is then one of a fixed few, and gets
	// feeds and a sitemap of its own without a base URL (see hostOrigin).
	HostsBounded bool
	// Mounts hand the paths under a prefix (urls.AdminPrefix covers /admin and
	// /admin/…) to another handler: any method, never cached, but with the
	// same security headers and host redirects as the reader's pages.
	Mounts []Mount
}

// Mount is a handler for the paths under Prefix.
type Mount struct {
	Prefix  string
	Handler http.Handler
}

// Server is a site as the transport serves it (a transport.Site), and,
// through the transport's Handler, an http.Handler for it.
type Server struct {
	store    *store.Store
	loader   *site.Loader
	log      *slog.Logger
	md       *content.Markdown       // guarded by mu, as view is
	mdOpts   content.MarkdownOptions // what md was made for
	cache    *renderCache
	misses   *renderCache // 404 pages, by path
	mounts   []Mount
	bounded  bool // every Host comes from a fixed set (Options.HostsBounded)
	renders  singleflight.Group
	rendered atomic.Uint64 // routes rendered (for tests and metrics)
	handler  http.Handler  // the transport's, asking Lookup
	renderer http.Handler  // what Lookup hands what is not stored

	mu       sync.Mutex // guards theme, themeSum and view, and writes of themeGen
	theme    *Theme
	themeSum [32]byte
	view     *view
	// layouts are the site's shortcode templates and render hooks
	// (shortcodes.go).
	layouts layoutSource
	// themeGen counts theme reloads; rendered pages are cached under it.
	themeGen atomic.Uint64
}

// New returns a Server for the site the loader has loaded.
func New(ctx context.Context, o Options) (*Server, error) {
	if o.CacheBytes == 0 {
		o.CacheBytes = 64 << 20
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		store:   o.Store,
		loader:  o.Loader,
		log:     o.Log,
		cache:   newRenderCache(o.CacheBytes),
		misses:  newRenderCache(missCacheBytes),
		mounts:  o.Mounts,
		bounded: o.HostsBounded,
	}
	s.handler = transport.Handler(s, transport.HandlerOptions{Proxies: o.Proxies, Log: o.Log})
	s.renderer = http.HandlerFunc(s.serveRendered)
	if err := s.ReloadTheme(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// ReloadTheme reads the site's theme/ folder again. A broken override
// keeps the previous theme and is reported.
//
// Nothing happens when the files are the same as last time, so that
// callers can reload after any change without emptying the render cache.
func (s *Server) ReloadTheme(ctx context.Context) error {
	if err := s.reloadLayouts(ctx); err != nil {
		return err
	}
	files, err := s.store.ThemeFiles(ctx)
	if err != nil {
		return fmt.Errorf("read theme: %w", err)
	}
	sum := fingerprint(files)
	s.mu.Lock()
	same := s.theme != nil && s.themeSum == sum
	s.mu.Unlock()
	if same {
		return nil
	}
	t, err := LoadTheme(files)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.theme, s.themeSum, s.view = t, sum, nil
	s.themeGen.Add(1)
	s.mu.Unlock()
	return nil
}

// fingerprint identifies a set of files by their names and contents.
func fingerprint(files map[string][]byte) [32]byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// currentView binds the theme to the current snapshot, once per snapshot.
func (s *Server) currentView() (*view, error) {
	st := s.loader.Current()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.view != nil && s.view.site == st {
		return s.view, nil
	}
	v, err := newView(cacheGen{st.Generation, s.themeGen.Load()}, st, s.loader, s.theme, s.markdownFor(st))
	if err != nil {
		return nil, err
	}
	v.bodies = bodyRenderer{shortcodes: s.shortcodeSet(st), liquid: liquidSite(st, s.store), store: s.store, log: s.log}
	s.view = v
	return v, nil
}

// markdownFor is the renderer for a snapshot's Markdown settings and the
// site's render hooks, made anew only when they change. s.mu is held.
func (s *Server) markdownFor(st *site.Site) *content.Markdown {
	if o := markdownOptions(st, s.layouts.hooks); s.md == nil || o != s.mdOpts {
		s.md, s.mdOpts = content.NewMarkdown(o), o
	}
	return s.md
}

// markdownOptions are the snapshot's Markdown settings with the site's
// render hooks.
func markdownOptions(st *site.Site, hooks *content.Hooks) content.MarkdownOptions {
	o := st.MarkdownOptions()
	o.Hooks = hooks
	return o
}

var _ transport.Site = (*Server)(nil)

// ServeHTTP answers a request through the transport's Handler, which asks
// Lookup (as the fast path and the Lambda adapter do).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Lookup is the one question the transport asks about every request: a
// host redirect, a mounted handler, a stored page or 404 page of the
// current snapshot (which the fast path writes itself), or else a render.
func (s *Server) Lookup(req transport.Request) transport.Decision {
	st := s.loader.Current()
	if to := s.hostRedirect(req, st); to != "" {
		return transport.Decision{Kind: transport.Redirect, Location: to}
	}
	if h := s.mounted(req.Path); h != nil {
		return transport.Decision{Kind: transport.Mounted, Handler: h}
	}
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		if resp := s.stored(req, st); resp != nil {
			return transport.Decision{Kind: transport.Stored, Reply: resp.Reply}
		}
	}
	return transport.Decision{Kind: transport.Render, Handler: s.renderer}
}

// stored finds the cached response for req: a page, a feed or sitemap
// made for the host asked for, or a 404 page.
func (s *Server) stored(req transport.Request, st *site.Site) *response {
	gen := s.generation(st)
	if resp := s.cache.get(gen, req.Path); resp != nil {
		return resp
	}
	if st.Config.BaseURL == "" && hostDependent(st, req.Path) {
		origin, known := s.hostOrigin(req.Host, req.HTTPS, st)
		if !known {
			return misdirected
		}
		if resp := s.cache.get(gen, origin+req.Path); resp != nil {
			return resp
		}
	}
	return s.misses.get(gen, req.Path)
}

// serveRendered answers what Lookup found no stored response for.
func (s *Server) serveRendered(w http.ResponseWriter, r *http.Request) {
	defer s.recover(w, r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.methodNotAllowed(w, r)
		return
	}
	s.serveUncached(w, r, s.loader.Current())
}

// generation is what pages rendered now are made from.
func (s *Server) generation(st *site.Site) cacheGen {
	return cacheGen{st.Generation, s.themeGen.Load()}
}

func (s *Server) mounted(path string) http.Handler {
	for _, m := range s.mounts {
		if rest, ok := strings.CutPrefix(path, m.Prefix); ok && (rest == "" || rest[0] == '/' || strings.HasSuffix(m.Prefix, "/")) {
			return m.Handler
		}
	}
	return nil
}

func (s *Server) serveUncached(w http.ResponseWriter, r *http.Request, st *site.Site) {
	path := r.URL.Path
	switch rt := st.URLs.Match(path); rt.Kind {
	case urls.HealthCheck:
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	case urls.Asset:
		s.serveAsset(w, r)
		return
	case urls.Media:
		s.serveFile(w, r, func(ctx context.Context) (store.File, error) {
			return s.store.OpenMedia(ctx, rt.Name)
		})
		return
	}
	key := path
	if st.Config.BaseURL == "" && hostDependent(st, path) {
		// Without a base URL, feeds and the sitemap link to the host the
		// request named: they are cached per host (see hostOrigin), or one
		// forged Host header would put another site's links in every
		// reader's feed; a host the site does not know is not rendered.
		origin, known := s.hostOrigin(r.Host, transport.IsHTTPS(r), st)
		if !known {
			misdirected.write(w, r)
			return
		}
		key = origin + path
	}
	v, err := s.currentView()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	resp, err := s.render(r, v, key)
	switch {
	case errors.Is(err, errNotFound):
		if !s.tryFile(w, r, v) {
			s.serveNotFound(w, r, v)
		}
	case err != nil:
		s.serverError(w, r, err)
	case resp.Status() == http.StatusOK:
		s.cache.put(v.gen, key, resp) // what it was made from, which may since have been replaced
		resp.write(w, r)
	default:
		resp.write(w, r)
	}
}

// missCacheBytes bounds the 404 pages kept (a few hundred): a crawl of
// random missing addresses can take no more.
const missCacheBytes = 4 << 20

// serveNotFound answers a path that names nothing, and keeps the 404 page
// for the snapshot: a missing address asked for again (a broken link, a
// scanner) is then answered like a cached page, on the fast path.
func (s *Server) serveNotFound(w http.ResponseWriter, r *http.Request, v *view) {
	resp := s.notFoundPage(r, v)
	if resp == nil {
		s.plainError(w, http.StatusNotFound, "Not found.")
		return
	}
	s.misses.put(v.gen, r.URL.Path, resp)
	resp.write(w, r)
}

var errNotFound = errors.New("no such page")

// render routes and renders a page once however many readers ask for it
// at the same moment: right after a change every page is a miss, and a
// popular one would otherwise be rendered by each of its readers.
func (s *Server) render(r *http.Request, v *view, key string) (*response, error) {
	flight := strconv.FormatUint(v.gen.site, 10) + "." + strconv.FormatUint(v.gen.theme, 10) + " " + key
	resp, err, _ := s.renders.Do(flight, func() (any, error) {
		s.rendered.Add(1)
		// The first reader's request renders for all: its going away must
		// not fail the others.
		return s.route(r.WithContext(context.WithoutCancel(r.Context())), v, r.URL.Path)
	})
	if err != nil {
		return nil, err
	}
	return resp.(*response), nil
}

// hostDependent tells the responses that hold absolute URLs.
func hostDependent(st *site.Site, path string) bool {
	k := st.URLs.Match(path).Kind
	return k == urls.Feed || k == urls.Sitemap
}

// route renders the page at path, or returns errNotFound.
func (s *Server) route(r *http.Request, v *view, path string) (*response, error) {
	ctx, st := r.Context(), v.site
	if d := st.ByPath(path); d != nil {
		return s.renderDoc(ctx, v, d)
	}
	m := st.URLs
	at := m.Match(path)
	if to := m.Canonical(path, at); to != "" {
		return redirect(to), nil
	}
	switch at.Kind {
	case urls.Home:
		return s.renderHome(ctx, v, at.Page)
	case urls.Categories:
		return s.renderCategories(v)
	case urls.Tags:
		return s.renderTags(v)
	case urls.Archive:
		return s.renderArchive(v, nil)
	case urls.Year:
		if y := st.Year(at.Year); y != nil {
			return s.renderArchive(v, y)
		}
		return nil, errNotFound
	case urls.Category:
		return s.renderCategory(v, at.Name, at.Page)
	case urls.Tag:
		return s.renderTag(v, at.Name, at.Page)
	case urls.Section:
		return s.renderSection(ctx, v, at.Name, at.Page)
	case urls.Terms:
		return s.renderTerms(v, at.Taxonomy)
	case urls.Term:
		return s.renderTerm(v, at.Taxonomy, at.Name, at.Page)
	case urls.Feed:
		if f, ok := feedFor(v, at); ok {
			return s.renderFeed(ctx, v, s.origin(r, st), f)
		}
		return nil, errNotFound
	case urls.Robots:
		return s.renderRobots(v)
	case urls.Favicon: // asked for by browsers that did not read the page's icon link
		return redirect(v.theme.AssetURL("favicon.svg")), nil
	case urls.Sitemap:
		return s.renderSitemap(v, s.origin(r, st))
	case urls.Doc:
		return s.routeOldAddress(st, path)
	}
	return nil, errNotFound
}

// routeOldAddress redirects a document's address spelt with or without
// the trailing slash of its canonical form, the old addresses its
// author listed as aliases, and Hugo's addresses of a Hugo site that
// chose grail's URL style.
func (s *Server) routeOldAddress(st *site.Site, path string) (*response, error) {
	if d := st.ByPathOrTwin(path); d != nil {
		return redirect(st.URL(d)), nil
	}
	if to := st.Alias(path); to != "" {
		return redirect(to), nil
	}
	if to, ok := st.URLs.FromHugo(path); ok {
		return redirect(to), nil
	}
	return nil, errNotFound
}

// redirect is a permanent redirect, cacheable like any page.
func redirect(to string) *response {
	r := newResponse(http.StatusMovedPermanently, "text/html; charset=utf-8", "public, max-age=3600",
		[]byte(`<!DOCTYPE html><title>Moved</title><p>Moved to <a href="`+htmlEscape(to)+`">`+htmlEscape(to)+`</a>.`), time.Time{})
	r.Header()["Location"] = []string{to}
	return r
}

// origin is the scheme and host that absolute URLs (feeds, sitemap) use:
// the configured base URL, or else one for the host the request came to
// (see hostOrigin).
func (s *Server) origin(r *http.Request, st *site.Site) string {
	if st.Config.BaseURL != "" {
		return st.Config.BaseURL
	}
	origin, _ := s.hostOrigin(r.Host, transport.IsHTTPS(r), st)
	return origin
}

func (s *Server) pageCacheControl(st *site.Site) string {
	return "public, max-age=" + strconv.Itoa(int(st.Config.CacheMaxAge.Std()/time.Second))
}

func (s *Server) recover(w http.ResponseWriter, r *http.Request) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		s.log.Error("panic serving request", "path", r.URL.Path, "panic", v)
		s.serverError(w, r, fmt.Errorf("panic: %v", v))
	}
}
