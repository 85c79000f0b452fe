package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

	mu     sync.Mutex // one rebuild at a time
	parsed map[string]parsedSource
	cfg    config.Config
	// indexETag is the version of the index snapshot this state matches.
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
	l.mu.Lock()
	defer l.mu.Unlock()
	changed, err = l.reconcileChanged(ctx)
	if changed && err == nil {
		l.saveIndex(ctx)
	}
	return changed, err
}

// reconcile brings the state up to date with the sources. l.mu is held.
func (l *Loader) reconcile(ctx context.Context) error {
	_, err := l.reconcileChanged(ctx)
	return err
}

func (l *Loader) reconcileChanged(ctx context.Context) (changed bool, err error) {
	cfg, err := l.src.Config(ctx)
	if err != nil {
		return false, err
	}
	if zoneName(cfg) != zoneName(l.cfg) {
		// Dates without an offset depend on the time zone: parse again.
		// Nothing else in the settings changes what a file says, and
		// reading every file of a bucket again for a new title is slow.
		l.parsed = map[string]parsedSource{}
	}
	l.cfg = cfg
	// Compared with what is served, so that new settings still show if
	// this Reload fails further on and the next one finds no file changed.
	if cur := l.cur.Load(); cur != nil && !reflect.DeepEqual(cfg, cur.Config) {
		changed = true
	}
	sources, err := l.src.Sources(ctx)
	if err != nil {
		return false, err
	}
	next := make(map[string]parsedSource, len(sources))
	var todo []store.Source
	for _, s := range sources {
		if p, ok := l.parsed[s.Key]; ok && p.etag == s.ETag {
			next[s.Key] = p
		} else {
			todo = append(todo, s)
		}
	}
	if len(todo) > 0 || len(next) != len(l.parsed) {
		changed = true
	}
	if !changed && l.cur.Load() != nil {
		return false, nil
	}
	for key, p := range l.parseAll(ctx, todo) {
		next[key] = p
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	l.parsed = next
	l.swap(Build(cfg, l.docs(), l.problems(), l.now()))
	return true, nil
}

// zoneName names the zone dates are read in; "" before any settings.
func zoneName(c config.Config) string {
	if c.Location == nil {
		return ""
	}
	return c.Location.String()
}

// Changed tells the loader that this server wrote (or deleted) the
// sources at keys. It reads just those again, swaps in the new site at
// once, and updates the index so that other servers see the change.
func (l *Loader) Changed(ctx context.Context, keys ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	before := l.cur.Load()
	for _, key := range keys {
		_, info, err := l.src.Read(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			delete(l.parsed, key)
			continue
		}
		if err != nil {
			return err
		}
		kind := content.KindPost
		if p, ok := l.parsed[key]; ok && p.doc != nil {
			kind = p.doc.Kind
		} else if k, ok := l.kindOf(key); ok {
			kind = k
		}
		l.parsed[key] = l.parseOne(ctx, store.Source{ObjectInfo: info, Kind: kind})
	}
	after := l.swap(Build(l.cfg, l.docs(), l.problems(), l.now()))
	l.saveIndex(ctx)
	if l.OnChanged != nil && before != nil {
		l.OnChanged(ctx, ChangedPaths(before, after, keys))
	}
	return nil
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

// parseAll reads and parses sources on all cores. Bodies are dropped after
// parsing: they are read again when a page is rendered, which keeps a
// server with thousands of posts small.
func (l *Loader) parseAll(ctx context.Context, todo []store.Source) map[string]parsedSource {
	out := make(map[string]parsedSource, len(todo))
	var mu sync.Mutex
	work := make(chan store.Source)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0)*2, len(todo)) {
		wg.Go(func() {
			for s := range work {
				p := l.parseOne(ctx, s)
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

func (l *Loader) parseOne(ctx context.Context, s store.Source) parsedSource {
	data, info, err := l.src.Read(ctx, s.Key)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) { // deleted since the listing
			return parsedSource{etag: s.ETag}
		}
		return parsedSource{etag: "", problems: []content.Problem{{File: s.Key, Message: fmt.Sprintf("cannot be read: %v", err), Skipped: true}}}
	}
	doc, problems := content.Parse(s.Key, s.Kind, data, l.cfg.Location)
	for _, p := range problems {
		l.log.Warn("content problem", "problem", p.String())
	}
	if doc != nil {
		doc.ETag = info.ETag
		doc.Body = nil
		if doc.Kind == content.KindPost && doc.Lead == nil {
			doc.Lead = []byte{} // known to be empty: Lead need not read the file
		}
	}
	// The listing's ETag is what the next Reload compares with: a store
	// may spell the one it returns on reads differently.
	etag := s.ETag
	if etag == "" {
		etag = info.ETag
	}
	return parsedSource{etag: etag, doc: doc, problems: problems}
}

// Body returns the Markdown body of d, reading it from the store.
func (l *Loader) Body(ctx context.Context, d *content.Doc) ([]byte, error) {
	if d.Body != nil {
		return d.Body, nil
	}
	full, err := l.full(ctx, d)
	if err != nil {
		return nil, err
	}
	return full.Body, nil
}

// Lead returns the Markdown of d's lead (see content.Doc.Lead), reading
// the source when d came from the index snapshot.
func (l *Loader) Lead(ctx context.Context, d *content.Doc) ([]byte, error) {
	if d.Lead != nil || d.Kind != content.KindPost {
		return d.Lead, nil
	}
	full, err := l.full(ctx, d)
	if err != nil {
		return nil, err
	}
	return full.Lead, nil
}

// full parses d's source again, body included. The source comes from
// memory when the version d was indexed from is there; if the store cannot
// be reached, an older version in memory is better than no page.
func (l *Loader) full(ctx context.Context, d *content.Doc) (*content.Doc, error) {
	data, etag, cached := l.sources.get(d.Key)
	if !cached || etag != d.ETag {
		fetched, info, err := l.src.Read(ctx, d.Key)
		switch {
		case err == nil:
			data = fetched
			l.sources.put(d.Key, info.ETag, data)
		case cached && errors.Is(err, store.ErrUnavailable):
			l.log.Warn("store unreachable; showing the last version read", "key", d.Key, "err", err)
		default:
			return nil, fmt.Errorf("read %s: %w", d.Key, err)
		}
	}
	fresh, problems := content.Parse(d.Key, d.Kind, data, l.location())
	if fresh == nil {
		return nil, fmt.Errorf("%s: %s", d.Key, problems[0].Message)
	}
	if fresh.Lead == nil {
		fresh.Lead = []byte{} // known to be empty: do not read again
	}
	return fresh, nil
}

// location is the zone of the current snapshot. Body and Lead run in
// requests, without l.mu, and must not read l.cfg, which Reload writes.
func (l *Loader) location() *time.Location {
	if s := l.cur.Load(); s != nil {
		return s.Config.Location
	}
	return time.UTC
}
