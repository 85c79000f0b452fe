package site

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
	"github.com/klauspost/compress/gzip"
)

// IndexStore is a Source that keeps the loader's parsed state, so that a
// cold server reads one object instead of every source file. The index's
// ETag doubles as the site's version: servers sharing a bucket notice each
// other's changes by a cheap look at it.
type IndexStore interface {
	ReadIndex(ctx context.Context) ([]byte, store.ObjectInfo, error)
	StatIndex(ctx context.Context) (store.ObjectInfo, error)
	// WriteIndex replaces the index only if it is still at version prev
	// ("" when there was none), failing with store.ErrConflict otherwise.
	WriteIndex(ctx context.Context, data []byte, prev string) (store.ObjectInfo, error)
}

// indexFormat changes whenever what content.Parse produces changes
// meaning or the file's layout changes; an index of another format is
// rebuilt from the sources.
const indexFormat = 5 // 3: JSON lines; 4: Hugo's taxonomy terms, url, expiryDate, headless, and dateless drafts; 5: weight and _build.list

// The index is JSON lines, gzipped: a header line, then one line per
// source with its front matter and problems (no bodies, no leads). Lines
// let a cold server decode it on every core at once; decoding one big
// JSON document was most of the start-up time.
type indexHeader struct {
	Format   int       `json:"format"`
	TimeZone string    `json:"timeZone"`
	Written  time.Time `json:"written"`
	Sources  int       `json:"sources"`
}

type indexedSource struct {
	Key      string            `json:"key"`
	ETag     string            `json:"etag"`
	Doc      *content.Doc      `json:"doc,omitempty"`
	Problems []content.Problem `json:"problems,omitempty"`
}

func encodeIndex(tz string, parsed map[string]parsedSource, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(indexHeader{Format: indexFormat, TimeZone: tz, Written: now.UTC(), Sources: len(parsed)}); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(parsed))
	for key := range parsed {
		keys = append(keys, key)
	}
	slices.Sort(keys) // the same state always makes the same bytes
	for _, key := range keys {
		p := parsed[key]
		if err := enc.Encode(indexedSource{Key: key, ETag: p.etag, Doc: p.doc, Problems: p.problems}); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var errIndexUnusable = errors.New("index unusable")

func decodeIndex(data []byte, tz string) (map[string]parsedSource, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errIndexUnusable, err)
	}
	// gzip's trailer holds the size of the data (mod 4 GiB): read it all
	// into one buffer of that size rather than growing one.
	var plain []byte
	if n := len(data); n >= 4 {
		plain = make([]byte, 0, binary.LittleEndian.Uint32(data[n-4:])+1)
	}
	b := bytes.NewBuffer(plain)
	if _, err := b.ReadFrom(zr); err != nil {
		return nil, fmt.Errorf("%w: %v", errIndexUnusable, err)
	}
	plain = b.Bytes()
	head, body, _ := bytes.Cut(plain, []byte("\n"))
	var h indexHeader
	if err := json.Unmarshal(head, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", errIndexUnusable, err)
	}
	switch {
	case h.Format != indexFormat:
		return nil, fmt.Errorf("%w: format %d, want %d", errIndexUnusable, h.Format, indexFormat)
	case h.TimeZone != tz:
		return nil, fmt.Errorf("%w: written for time zone %s, site is in %s", errIndexUnusable, h.TimeZone, tz)
	}
	sources, err := decodeLines(body)
	if err != nil {
		return nil, err
	}
	if len(sources) != h.Sources {
		return nil, fmt.Errorf("%w: %d sources, the header says %d", errIndexUnusable, len(sources), h.Sources)
	}
	parsed := make(map[string]parsedSource, len(sources))
	for _, s := range sources {
		if s.Doc != nil {
			if s.Doc.Slug == "" || s.Key == "" {
				return nil, fmt.Errorf("%w: entry %q is incomplete", errIndexUnusable, s.Key)
			}
			s.Doc.Key, s.Doc.ETag = s.Key, s.ETag
		}
		parsed[s.Key] = parsedSource{etag: s.ETag, doc: s.Doc, problems: s.Problems}
	}
	return parsed, nil
}

// decodeLines decodes one source per line, the lines shared out among
// the cores.
func decodeLines(body []byte) ([]indexedSource, error) {
	lines := bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
	if len(body) == 0 {
		lines = nil
	}
	out := make([]indexedSource, len(lines))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(lines)/500))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(lines); i += workers {
				if err := json.Unmarshal(lines[i], &out[i]); err != nil {
					errs[w] = fmt.Errorf("%w: line %d: %v", errIndexUnusable, i+2, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Start loads the site as fast as it can. With a usable index snapshot it
// serves from that at once and returns stale=true: the caller should then
// call Reload, which compares the snapshot with the sources and reads only
// what changed. A missing, corrupt or outdated snapshot is logged and the
// site is loaded from its sources.
func (l *Loader) Start(ctx context.Context) (stale bool, err error) {
	is, ok := l.src.(IndexStore)
	if !ok {
		_, err := l.Reload(ctx)
		return false, err
	}
	cfg, err := l.src.Config(ctx)
	if err != nil {
		return false, err
	}
	l.syncMu.Lock()
	err = l.loadIndex(ctx, is, cfg)
	l.syncMu.Unlock()
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			l.log.Warn("index snapshot unusable; loading every source", "err", err)
		} else {
			l.log.Info("no index snapshot yet; loading every source")
		}
		_, err := l.Reload(ctx)
		return false, err
	}
	return true, nil
}

// loadIndex replaces the loader's state with the stored snapshot and swaps
// in the site it describes; a save installed while the snapshot was read
// is kept. l.syncMu is held.
func (l *Loader) loadIndex(ctx context.Context, is IndexStore, cfg config.Config) error {
	l.mu.Lock()
	base := l.parsed
	l.mu.Unlock()
	data, info, err := is.ReadIndex(ctx)
	if err != nil {
		return err
	}
	parsed, err := decodeIndex(data, cfg.Location.String())
	if err != nil {
		l.indexETag = info.ETag // a corrupt index may be overwritten
		return err
	}
	l.indexETag = info.ETag
	l.mu.Lock()
	l.cfg = cfg
	l.install(base, parsed)
	l.mu.Unlock()
	return nil
}

// Refresh picks up changes that other servers made to a shared store: it
// looks at the index's version (one cheap request) and, when that moved,
// loads the new index. It reports whether the site changed.
func (l *Loader) Refresh(ctx context.Context) (bool, error) {
	is, ok := l.src.(IndexStore)
	if !ok {
		return false, nil
	}
	// The look is bounded by the refresh interval: a store that hangs, or
	// a client backing off between retries, must not hold up the next look.
	sctx, cancel := context.WithTimeout(ctx, l.refreshInterval())
	info, err := is.StatIndex(sctx)
	cancel()
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if info.ETag == l.indexETag {
		return false, nil
	}
	cfg, err := l.src.Config(ctx)
	if err != nil {
		return false, err
	}
	if err := l.loadIndex(ctx, is, cfg); err != nil {
		if !errors.Is(err, errIndexUnusable) {
			return false, err
		}
		l.log.Warn("index snapshot unusable; rebuilding it from the sources", "err", err)
		changed, err := l.reconcileChanged(ctx)
		if err == nil {
			l.saveIndex(ctx)
		}
		return changed, err
	}
	return true, nil
}

// refreshInterval is how often the site is checked for other servers'
// changes (grail.toml's refreshInterval).
func (l *Loader) refreshInterval() time.Duration {
	if s := l.cur.Load(); s != nil && s.Config.Refresh > 0 {
		return s.Config.Refresh.Std()
	}
	return 10 * time.Second
}

// saveIndex writes the snapshot after a change, only over the version this
// loader knows. If another server wrote one since, both changes must end up
// in it: the loader compares its state with the sources once more (which
// picks up the other server's change) and tries again. Failing to write
// is not an error for the site: the index is derived data. l.syncMu is
// held, l.mu is not: the state is taken under it, then written without it.
func (l *Loader) saveIndex(ctx context.Context) {
	is, ok := l.src.(IndexStore)
	if !ok || l.ReadOnly {
		return
	}
	for attempt := 0; ; attempt++ {
		l.mu.Lock()
		parsed, loc := l.parsed, l.cfg.Location
		l.mu.Unlock()
		data, err := encodeIndex(loc.String(), parsed, l.now())
		if err != nil {
			l.log.Warn("encode index snapshot", "err", err)
			return
		}
		info, err := is.WriteIndex(ctx, data, l.indexETag)
		if err == nil {
			l.indexETag = info.ETag
			return
		}
		if !errors.Is(err, store.ErrConflict) || attempt == 3 {
			l.log.Warn("write index snapshot", "err", err)
			return
		}
		cur, err := is.StatIndex(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			l.log.Warn("write index snapshot", "err", err)
			return
		}
		l.indexETag = cur.ETag
		if err := l.reconcile(ctx); err != nil {
			l.log.Warn("write index snapshot", "err", err)
			return
		}
	}
}
