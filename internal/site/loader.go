package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// Source is what the loader reads a site from (a *store.Store).
type Source interface {
	Config(ctx context.Context) (config.Config, error)
	Sources(ctx context.Context) ([]store.Source, error)
	Read(ctx context.Context, key string) ([]byte, store.ObjectInfo, error)
}

// Loader keeps the current Site and rebuilds it when the sources change.
// Rebuilds are incremental: a file whose version has not changed is not
// read again.
type Loader struct {
	src Source
	log *slog.Logger
	now func() time.Time

	cur atomic.Pointer[Site]
	gen atomic.Uint64

	// mu guards the parsed state and the swap. It is held only for work
	// in memory, never across a store call or a hook, because Current
	// takes it too: a reader must never wait on the network.
	mu sync.Mutex
	// parsed is replaced, never changed in place, so that a pass holding
	// an older map can read it without mu.
	parsed map[string]parsedSource
	cfg    config.Config
	// jekyll is a Jekyll site's settings, which parsing its files needs
	// (jekyll.go); nil for other sites.
	jekyll atomic.Pointer[config.Jekyll]

	// syncMu makes passes that read the store or write the index (Reload,
	// Refresh, Start, saveIndex) run one at a time. It is held across
	// store calls; readers and the install of a save never wait for it.
	syncMu sync.Mutex
	// indexETag is the version of the index snapshot this state matches.
	// syncMu guards it.
	indexETag string
	// sources keeps recently rendered source files (see sourceCache).
	sources *sourceCache

	// ReadOnly loaders never write the index snapshot (grail check must
	// not change the site it checks).
	ReadOnly bool

	// OnChanged, when set, is told the addresses whose pages a Changed
	// call altered (a CDN in front may be holding them).
	OnChanged func(ctx context.Context, paths []string)
}

type parsedSource struct {
	etag     string
	doc      *content.Doc // nil when the file was skipped
	problems []content.Problem
}

// NewLoader returns a loader for src. now is the clock (nil: time.Now).
func NewLoader(src Source, log *slog.Logger, now func() time.Time) *Loader {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loader{src: src, log: log, now: now, parsed: map[string]parsedSource{}, sources: newSourceCache(32 << 20)}
}

// Current returns the snapshot to serve. When a scheduled post has come
// due it first rebuilds the indexes (not the sources), so the post
// appears at its time with no restart and no polling.
func (l *Loader) Current() *Site {
	s := l.cur.Load()
	if s != nil && s.Stale(l.now()) {
		l.mu.Lock()
		if s = l.cur.Load(); s.Stale(l.now()) {
			s = l.swap(Build(s.Config, s.Docs, l.problems(), l.now()))
		}
		l.mu.Unlock()
	}
	return s
}

// Generation identifies the current snapshot; it changes with every swap.
func (l *Loader) Generation() uint64 { return l.gen.Load() }

func (l *Loader) swap(s *Site) *Site {
	s.Generation = l.gen.Add(1)
	l.cur.Store(s)
	return s
}

// Reload reads what changed in the sources and swaps in a new Site. It
// returns whether anything changed. On error the current Site stays.
func (l *Loader) Reload(ctx context.Context) (changed bool, err error) {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	changed, err = l.reconcileChanged(ctx)
	if changed && err == nil {
		l.saveIndex(ctx)
	}
	return changed, err
}

// reconcile brings the state up to date with the sources. l.syncMu is held.
func (l *Loader) reconcile(ctx context.Context) error {
	_, err := l.reconcileChanged(ctx)
	return err
}

// reconcileChanged compares the state with the sources and reads what
// changed. The store is read without l.mu; a save installed meanwhile
// is kept (see install). l.syncMu is held.
func (l *Loader) reconcileChanged(ctx context.Context) (changed bool, err error) {
	cfg, err := l.src.Config(ctx)
	if err != nil {
		return false, err
	}
	l.mu.Lock()
	base, known := l.parsed, l.parsed
	l.jekyll.Store(cfg.Jekyll)
	if zoneName(cfg) != zoneName(l.cfg) || jekyllChanged(cfg, l.cfg) {
		// Dates without an offset depend on the time zone: parse again.
		// Nothing else in the settings changes what a file says, and
		// reading every file of a bucket again for a new title is slow.
		known = nil
	}
	l.cfg = cfg
	cur := l.cur.Load()
	l.mu.Unlock()
	// Compared with what is served, so that new settings still show if
	// this Reload fails further on and the next one finds no file changed.
	if cur != nil && !reflect.DeepEqual(cfg, cur.Config) {
		changed = true
	}
	sources, err := l.src.Sources(ctx)
	if err != nil {
		return false, err
	}
	next := make(map[string]parsedSource, len(sources))
	var todo []store.Source
	for _, s := range sources {
		if p, ok := known[s.Key]; ok && p.etag == s.ETag {
			next[s.Key] = p
		} else {
			todo = append(todo, s)
		}
	}
	if len(todo) > 0 || len(next) != len(known) {
		changed = true
	}
	if !changed && cur != nil {
		return false, nil
	}
	for key, p := range l.parseAll(ctx, todo, cfg.Location) {
		next[key] = p
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	l.mu.Lock()
	l.install(base, next)
	l.mu.Unlock()
	return true, nil
}

// install makes next the state and swaps in its site. next was built
// from base without l.mu: whatever changed in l.parsed since base (a save
// installed meanwhile) is newer than next and wins. l.mu is held.
func (l *Loader) install(base, next map[string]parsedSource) *Site {
	for key, p := range l.parsed {
		if b, ok := base[key]; !ok || !b.same(p) {
			next[key] = p
		}
	}
	for key := range base {
		if _, ok := l.parsed[key]; !ok {
			delete(next, key) // deleted meanwhile
		}
	}
	l.parsed = next
	return l.swap(Build(l.cfg, l.docs(), l.problems(), l.now()))
}

// same reports whether p and q are the same parse of the same version.
func (p parsedSource) same(q parsedSource) bool {
	return p.etag == q.etag && p.doc == q.doc
}

// zoneName names the zone dates are read in; "" before any settings.
func zoneName(c config.Config) string {
	if c.Location == nil {
		return ""
	}
	return c.Location.String()
}

// Changed tells the loader that this server wrote (or deleted) the
// sources at keys. It reads just those again and installs them (see
// Saved). Without keys it writes the index again, so that other servers
// look at the site anew.
func (l *Loader) Changed(ctx context.Context, keys ...string) error {
	versions := make([]Version, 0, len(keys))
	for _, key := range keys {
		v, err := l.readVersion(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			versions = append(versions, Version{Key: key}) // deleted
			continue
		}
		if err != nil {
			return err
		}
		versions = append(versions, v)
	}
	l.Saved(ctx, versions...)
	return nil
}

// Saved installs versions this server has just written, as the store
// took them, without reading them back: a new site is swapped in at once,
// then the index is updated so that other servers see the change, and
// OnChanged is told which pages changed. A Version without an ETag stands
// for a deleted source. Only the swap holds l.mu; the index write and
// OnChanged, which reach the network, run after it is released.
func (l *Loader) Saved(ctx context.Context, versions ...Version) {
	keys := make([]string, len(versions))
	for i, v := range versions {
		keys[i] = v.Key
		if v.ETag != "" {
			l.sources.put(v)
		}
	}
	l.mu.Lock()
	before := l.cur.Load()
	next := maps.Clone(l.parsed)
	for _, v := range versions {
		if v.ETag == "" {
			delete(next, v.Key)
		} else {
			next[v.Key] = v.indexed()
		}
	}
	l.parsed = next
	after := l.swap(Build(l.cfg, l.docs(), l.problems(), l.now()))
	l.mu.Unlock()

	if _, ok := l.src.(IndexStore); ok && !l.ReadOnly {
		// Waits for a pass that is reading the store, if one is running;
		// the new site is served already.
		l.syncMu.Lock()
		l.saveIndex(ctx)
		l.syncMu.Unlock()
	}
	if l.OnChanged != nil && before != nil && len(keys) > 0 {
		l.OnChanged(ctx, ChangedPaths(before, after, keys))
	}
}

// kindOf asks the source whether key is a post or a page, when it can tell.
func (l *Loader) kindOf(key string) (content.Kind, bool) {
	if k, ok := l.src.(interface {
		KindOf(string) (content.Kind, bool)
	}); ok {
		return k.KindOf(key)
	}
	return content.KindPost, false
}

func (l *Loader) docs() []*content.Doc {
	docs := make([]*content.Doc, 0, len(l.parsed))
	for _, p := range l.parsed {
		if p.doc != nil {
			docs = append(docs, p.doc)
		}
	}
	return docs
}

func (l *Loader) problems() []content.Problem {
	var out []content.Problem
	for _, p := range l.parsed {
		out = append(out, p.problems...)
	}
	return out
}

// parseAll reads and parses sources on all cores, dates read in loc.
// Bodies are dropped after parsing: they are read again when a page is
// rendered, which keeps a server with thousands of posts small.
func (l *Loader) parseAll(ctx context.Context, todo []store.Source, loc *time.Location) map[string]parsedSource {
	out := make(map[string]parsedSource, len(todo))
	var mu sync.Mutex
	work := make(chan store.Source)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)*2, len(todo)) {
		wg.Go(func() {
			for s := range work {
				p := l.parseOne(ctx, s, loc)
				mu.Lock()
				out[s.Key] = p
				mu.Unlock()
			}
		})
	}
	for _, s := range todo {
		if ctx.Err() != nil {
			break
		}
		work <- s
	}
	close(work)
	wg.Wait()
	return out
}

func (l *Loader) parseOne(ctx context.Context, s store.Source, loc *time.Location) parsedSource {
	data, info, err := l.src.Read(ctx, s.Key)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) { // deleted since the listing
			return parsedSource{etag: s.ETag}
		}
		return parsedSource{etag: "", problems: []content.Problem{{File: s.Key, Message: fmt.Sprintf("cannot be read: %v", err), Skipped: true}}}
	}
	v := l.parse(s.Key, s.Kind, data, loc)
	for _, p := range v.Problems {
		l.log.Warn("content problem", "problem", p.String())
	}
	v.ETag = info.ETag
	p := v.indexed()
	// The listing's ETag is what the next Reload compares with: a store
	// may spell the one it returns on reads differently.
	if s.ETag != "" {
		p.etag = s.ETag
	}
	return p
}

// location is the zone of the current snapshot. Body and Lead run in
// requests, without l.mu, and must not read l.cfg, which Reload writes.
func (l *Loader) location() *time.Location {
	if s := l.cur.Load(); s != nil {
		return s.Config.Location
	}
	return time.UTC
}
