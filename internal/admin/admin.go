// Package admin is the writer's side of grail, served under /admin: the
// dashboard, the editor with live preview and autosave, uploads, the
// trash, revision history and the conflict page.
//
// Every screen works without JavaScript; the script only adds the live
// preview, autosave, slug suggestions and drag-and-drop uploads. Every
// request that changes something is a POST that must carry the session's
// CSRF token, and every response forbids caching and inline script.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// Options configure the admin.
type Options struct {
	Store    *store.Store
	Loader   *site.Loader
	Users    *auth.Users
	Sessions *auth.Sessions
	// Limiter limits login attempts (nil: five a minute per address, and
	// growing delays per account, counted in Store).
	Limiter *auth.Limiter
	Log     *slog.Logger
	// MaxUpload is the largest file an author may upload (default 10 MiB).
	MaxUpload int64
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Preview renders an editor's text as the site would, shortcodes
	// expanded, as the document stored at key (nil: Markdown alone).
	Preview func(ctx context.Context, key, body string) ([]byte, error)
}

// Admin is the http.Handler for every path under /admin.
type Admin struct {
	store    *store.Store
	loader   *site.Loader
	users    *auth.Users
	sessions *auth.Sessions
	limiter  *auth.Limiter
	log      *slog.Logger
	toHTML   func(ctx context.Context, key, body string) ([]byte, error) // Options.Preview
	mdMu     sync.Mutex
	md       *content.Markdown       // the preview's, guarded by mdMu
	mdOpts   content.MarkdownOptions // what md was made for
	now      func() time.Time
	maxFile  int64
	pages    *pages
	mux      *http.ServeMux
}

const defaultMaxUpload = 10 << 20

// New returns the admin handler.
func New(o Options) (*Admin, error) {
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	a := &Admin{
		store:    o.Store,
		loader:   o.Loader,
		users:    o.Users,
		sessions: o.Sessions,
		limiter:  o.Limiter,
		log:      o.Log,
		now:      o.Now,
		maxFile:  o.MaxUpload,
		pages:    pg,
		toHTML:   o.Preview,
	}
	if a.limiter == nil {
		a.limiter = auth.NewLimiter(5, o.Store)
		a.limiter.Now = o.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.maxFile <= 0 {
		a.maxFile = defaultMaxUpload
	}
	a.routes()
	return a, nil
}

func (a *Admin) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /admin/static/{name}", a.serveStatic)
	m.HandleFunc("GET /admin/login", a.loginForm)
	m.HandleFunc("POST /admin/login", a.login)
	m.HandleFunc("POST /admin/logout", a.post(smallForm, a.logout))
	m.HandleFunc("POST /admin/logout/everywhere", a.post(smallForm, a.logoutEverywhere))

	m.HandleFunc("GET /admin", a.get(a.dashboard))
	m.HandleFunc("GET /admin/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
	})
	m.HandleFunc("GET /admin/new", a.get(a.newDoc))
	m.HandleFunc("GET /admin/edit", a.get(a.editDoc))
	m.HandleFunc("POST /admin/save", a.post(uploadForm, a.save))
	m.HandleFunc("POST /admin/preview", a.post(textForm, a.preview))
	m.HandleFunc("POST /admin/autosave", a.post(textForm, a.autosave))
	m.HandleFunc("POST /admin/upload", a.post(uploadForm, a.upload))

	m.HandleFunc("GET /admin/delete", a.get(a.confirmDelete))
	m.HandleFunc("POST /admin/delete", a.post(smallForm, a.deleteDoc))
	m.HandleFunc("GET /admin/trash", a.get(a.trash))
	m.HandleFunc("POST /admin/trash/restore", a.post(smallForm, a.restoreTrash))

	m.HandleFunc("GET /admin/history", a.get(a.history))
	m.HandleFunc("GET /admin/revision", a.get(a.revision))
	m.HandleFunc("POST /admin/revision/restore", a.post(smallForm, a.restoreRevision))

	m.HandleFunc("POST /admin/resolve", a.post(textForm, a.resolve))
	m.HandleFunc("/admin/", a.notFound)
	a.mux = m
}

// ServeHTTP answers every request under /admin.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setHeaders(w)
	a.mux.ServeHTTP(w, r)
}

// The admin runs its own script and nothing else: no inline script or
// style, no other origin, no framing.
var (
	cspAdmin = []string{"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"}
	noStore = []string{"no-store"}
)

func setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Security-Policy"] = cspAdmin
	h["Cache-Control"] = noStore
	h["X-Content-Type-Options"] = []string{"nosniff"}
	h["X-Frame-Options"] = []string{"DENY"}
	h["Referrer-Policy"] = []string{"same-origin"}
	// A login page must never be indexed, nor anything behind it.
	h["X-Robots-Tag"] = []string{"noindex, nofollow"}
}

// site is the current snapshot, drafts and scheduled posts included.
func (a *Admin) site() *site.Site { return a.loader.Current() }

// previewMarkdown renders previews as the site's pages are rendered, but
// with raw HTML dropped and no render hooks: the admin's own pages run
// its scripts, so nothing an author writes may reach them unescaped.
func (a *Admin) previewMarkdown() *content.Markdown {
	o := a.site().MarkdownOptions()
	o.Unsafe, o.Hooks = false, nil
	a.mdMu.Lock()
	defer a.mdMu.Unlock()
	if a.md == nil || o != a.mdOpts {
		a.md, a.mdOpts = content.NewMarkdown(o), o
	}
	return a.md
}

func (a *Admin) location() *time.Location {
	if loc := a.site().Config.Location; loc != nil {
		return loc
	}
	return time.UTC
}

// changed makes this server serve what was just written at once.
func (a *Admin) changed(ctx context.Context, keys ...string) {
	if err := a.loader.Changed(ctx, keys...); err != nil {
		// The write itself succeeded; the next refresh will pick it up.
		a.log.Error("admin: reload after a write", "keys", keys, "err", err)
	}
}

func (a *Admin) notFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, http.StatusNotFound, "There is nothing at this address.")
}
