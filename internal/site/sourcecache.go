package site

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// Version is one version of a source file: its bytes as stored, the
// store's ETag for them, and what content.Parse made of them (Doc is nil
// when the file cannot be on the site; Problems say why).
type Version struct {
	Key      string
	ETag     string
	ModTime  time.Time
	Data     []byte
	Doc      *content.Doc
	Problems []content.Problem
}

// indexed is the version as the site's state keeps it: the doc without
// its body, which is read again (or found in the source cache) when a
// page shows it.
func (v Version) indexed() parsedSource {
	p := parsedSource{etag: v.ETag, problems: v.Problems}
	if v.Doc != nil {
		d := *v.Doc
		d.ETag, d.Body = v.ETag, nil
		if d.Kind == content.KindPost && d.Lead == nil {
			d.Lead = []byte{} // known to be empty: Lead need not read the file
		}
		p.doc = &d
	}
	return p
}

// Parse reads src as the site will: in the site's time zone. The admin
// checks what it is about to save with it, and hands the result to Saved.
func (l *Loader) Parse(key string, kind content.Kind, src []byte) Version {
	return l.parse(key, kind, src, l.location())
}

func (l *Loader) parse(key string, kind content.Kind, src []byte, loc *time.Location) Version {
	doc, problems := l.parseDoc(key, kind, src, loc)
	if doc != nil && doc.Kind == content.KindPost && doc.Lead == nil {
		doc.Lead = []byte{}
	}
	return Version{Key: key, Data: src, Doc: doc, Problems: problems}
}

// Version returns key at version etag from memory when it is there, and
// otherwise the version the store holds now ("" asks for that always).
// The version read is kept in memory, so that a save of what an editor
// opened neither reads nor parses it again.
func (l *Loader) Version(ctx context.Context, key, etag string) (Version, error) {
	if v, ok := l.sources.get(key); ok && etag != "" && v.ETag == etag && v.Doc != nil {
		return v, nil
	}
	v, err := l.readVersion(ctx, key)
	if err != nil {
		return Version{}, err
	}
	l.sources.put(v)
	return v, nil
}

// readVersion reads and parses the version of key the store holds now.
func (l *Loader) readVersion(ctx context.Context, key string) (Version, error) {
	data, info, err := l.src.Read(ctx, key)
	if err != nil {
		return Version{}, err
	}
	v := l.parse(key, l.kindOfKnown(key), data, l.location())
	v.ETag, v.ModTime = info.ETag, info.ModTime
	return v, nil
}

// kindOfKnown is whether key is a post or a page: as the site has it,
// else as the source tells, else a post.
func (l *Loader) kindOfKnown(key string) content.Kind {
	l.mu.Lock()
	p, ok := l.parsed[key]
	l.mu.Unlock()
	if ok && p.doc != nil {
		return p.doc.Kind
	}
	if k, ok := l.kindOf(key); ok {
		return k
	}
	return content.KindPost
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

// full is d with its body. It comes from memory when the version d was
// indexed from is there (parsed already, as a save hands it over); if the
// store cannot be reached, an older version in memory is better than no
// page.
func (l *Loader) full(ctx context.Context, d *content.Doc) (*content.Doc, error) {
	v, cached := l.sources.get(d.Key)
	if !cached || v.ETag != d.ETag {
		fetched, err := l.readVersion(ctx, d.Key)
		switch {
		case err == nil:
			v = fetched
			l.sources.put(v)
		case cached && errors.Is(err, store.ErrUnavailable):
			l.log.Warn("store unreachable; showing the last version read", "key", d.Key, "err", err)
		default:
			return nil, fmt.Errorf("read %s: %w", d.Key, err)
		}
	}
	if v.Doc == nil {
		if len(v.Problems) == 0 {
			return nil, fmt.Errorf("%s cannot be read", d.Key)
		}
		return nil, fmt.Errorf("%s: %s", d.Key, v.Problems[0].Message)
	}
	return v.Doc, nil
}

// sourceCache keeps recently read source files in memory, parsed, up to
// a byte budget, least recently used out first. Pages must be rendered
// again after every change to the site, and then the sources they show
// are taken from memory rather than read and parsed again; and while the
// store cannot be reached, what is here can still be shown.
type sourceCache struct {
	max int

	mu    sync.Mutex
	size  int
	order *list.List // of Version, most recent first
	byKey map[string]*list.Element
}

func newSourceCache(maxBytes int) *sourceCache {
	return &sourceCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the cached version of key.
func (c *sourceCache) get(key string) (Version, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return Version{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(Version), true
}

func (c *sourceCache) put(v Version) {
	if len(v.Data) > c.max/8 {
		return // one huge file would push out many ordinary ones
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[v.Key]; ok {
		c.size -= len(e.Value.(Version).Data)
		c.order.Remove(e)
	}
	c.byKey[v.Key] = c.order.PushFront(v)
	c.size += len(v.Data)
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(Version)
		c.order.Remove(last)
		delete(c.byKey, old.Key)
		c.size -= len(old.Data)
	}
}
