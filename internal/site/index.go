package site

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
	"github.com/klauspost/compress/gzip"
)

// IndexStore is a Source that keeps the loader's parsed state, so that a
// cold server reads one object instead of every source file.
type IndexStore interface {
	ReadIndex(ctx context.Context) ([]byte, store.ObjectInfo, error)
	WriteIndex(ctx context.Context, data []byte) (store.ObjectInfo, error)
}

// indexFormat changes whenever what content.Parse produces changes
// meaning; an index of another format is rebuilt from the sources.
const indexFormat = 1

// indexFile is the snapshot of every parsed source: front matter, leads
// and problems, but no bodies.
type indexFile struct {
	Format   int             `json:"format"`
	TimeZone string          `json:"timeZone"`
	Written  time.Time       `json:"written"`
	Sources  []indexedSource `json:"sources"`
}

type indexedSource struct {
	Key      string            `json:"key"`
	ETag     string            `json:"etag"`
	Doc      *content.Doc      `json:"doc,omitempty"`
	Problems []content.Problem `json:"problems,omitempty"`
}

func encodeIndex(tz string, parsed map[string]parsedSource, now time.Time) ([]byte, error) {
	f := indexFile{Format: indexFormat, TimeZone: tz, Written: now.UTC(), Sources: make([]indexedSource, 0, len(parsed))}
	for key, p := range parsed {
		f.Sources = append(f.Sources, indexedSource{Key: key, ETag: p.etag, Doc: p.doc, Problems: p.problems})
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(f); err != nil {
		return nil, err
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
	var f indexFile
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", errIndexUnusable, err)
	}
	switch {
	case f.Format != indexFormat:
		return nil, fmt.Errorf("%w: format %d, want %d", errIndexUnusable, f.Format, indexFormat)
	case f.TimeZone != tz:
		return nil, fmt.Errorf("%w: written for time zone %s, site is in %s", errIndexUnusable, f.TimeZone, tz)
	}
	parsed := make(map[string]parsedSource, len(f.Sources))
	for _, s := range f.Sources {
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
	data, _, err := is.ReadIndex(ctx)
	var parsed map[string]parsedSource
	if err == nil {
		parsed, err = decodeIndex(data, cfg.Location.String())
	}
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			l.log.Warn("index snapshot unusable; loading every source", "err", err)
		} else {
			l.log.Info("no index snapshot yet; loading every source")
		}
		_, err := l.Reload(ctx)
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cfg, l.parsed = cfg, parsed
	l.swap(Build(cfg, l.docs(), l.problems(), l.now()))
	return true, nil
}

// saveIndex writes the snapshot after a change. Failing to write it is
// not an error for the site: it is derived data, rebuilt when missing.
func (l *Loader) saveIndex(ctx context.Context) {
	is, ok := l.src.(IndexStore)
	if !ok {
		return
	}
	data, err := encodeIndex(l.cfg.Location.String(), l.parsed, l.now())
	if err == nil {
		_, err = is.WriteIndex(ctx, data)
	}
	if err != nil {
		l.log.Warn("write index snapshot", "err", err)
	}
}
