package store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/grailblog/grail/internal/store/backend"
)

// stateDir holds grail's own state: revisions, trash, the session key,
// and data that servers derive for themselves.
const stateDir = "_grail/"

// derivedPrefixes are keys that servers make and remake for themselves, so
// a copy leaves them behind: the index snapshot (rebuilt after a copy from
// the copied sources), responses parked for the Lambda front door, and
// background jobs' scratch space.
var derivedPrefixes = []string{indexKey, overflowDir, jobsDir}

func derived(key string) bool {
	for _, p := range derivedPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// CopyOptions tune Copy.
type CopyOptions struct {
	// Delete removes objects that the source lacks from the destination.
	// Grail's own state (_grail/) at the destination is left alone unless
	// the source has some: pushing a folder that never held revisions must
	// not wipe a bucket's revisions, trash and session key.
	Delete bool
	// Workers is how many objects are compared or transferred at once
	// (default 8): a bucket answers each request slowly but many in
	// parallel.
	Workers int
	// Progress, if set, is called after each object with the totals so
	// far. Calls never overlap.
	Progress func(CopyStats)
}

// CopyStats counts what Copy did.
type CopyStats struct {
	Objects     int   // in the source, derived data aside
	Bytes       int64 // their total size
	Done        int   // of Objects, compared (and copied if needed) so far
	Copied      int
	CopiedBytes int64
	Unchanged   int
	Deleted     int
}

// Copy makes to hold what from holds, transferring only the objects whose
// content differs. Content is compared by MD5: a bucket's ETag is the MD5
// of its content for a plain upload, so most comparisons read nothing; a
// folder's file, or a bucket object uploaded in parts, is read and hashed.
// Derived data is neither copied nor deleted. On error the objects already
// transferred stay; running Copy again finishes the job.
func Copy(ctx context.Context, from, to *Store, o CopyOptions) (CopyStats, error) {
	if o.Workers < 1 {
		o.Workers = 8
	}
	src, err := listSite(ctx, from)
	if err != nil {
		return CopyStats{}, err
	}
	dst := map[string]ObjectInfo{}
	err = to.b.List(ctx, "", func(oi ObjectInfo) error {
		dst[oi.Key] = oi
		return nil
	})
	if err != nil {
		return CopyStats{}, fmt.Errorf("list %s: %w", to.Describe(), err)
	}
	c := &copier{from: from, to: to, dst: dst, progress: o.Progress}
	c.stats.Objects = len(src)
	for _, oi := range src {
		c.stats.Bytes += oi.Size
	}
	// Deletions come last, so a copy that fails half-way never leaves the
	// destination with less than it had.
	err = forEach(ctx, o.Workers, src, c.copyOne)
	if err == nil && o.Delete {
		err = forEach(ctx, o.Workers, extraKeys(src, dst), c.deleteOne)
	}
	return c.stats, err
}

// listSite lists the objects of a site that a copy carries over.
func listSite(ctx context.Context, s *Store) ([]ObjectInfo, error) {
	var objs []ObjectInfo
	err := s.b.List(ctx, "", func(oi ObjectInfo) error {
		if !derived(oi.Key) {
			objs = append(objs, oi)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", s.Describe(), err)
	}
	return objs, nil
}

// extraKeys are the destination's keys that --delete removes.
func extraKeys(src []ObjectInfo, dst map[string]ObjectInfo) []string {
	inSource := make(map[string]bool, len(src))
	sourceHasState := false
	for _, oi := range src {
		inSource[oi.Key] = true
		sourceHasState = sourceHasState || strings.HasPrefix(oi.Key, stateDir)
	}
	var extra []string
	for key := range dst {
		if inSource[key] || derived(key) || (strings.HasPrefix(key, stateDir) && !sourceHasState) {
			continue
		}
		extra = append(extra, key)
	}
	sort.Strings(extra)
	return extra
}

// forEach calls fn for every item on up to workers goroutines and stops
// at the first error.
func forEach[T any](ctx context.Context, workers int, items []T, fn func(context.Context, T) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan T)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Go(func() {
			for it := range work {
				if err := fn(ctx, it); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, it := range items {
		select {
		case work <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}

type copier struct {
	from, to *Store
	dst      map[string]ObjectInfo // read-only once Copy starts

	mu       sync.Mutex // guards stats and serialises progress calls
	stats    CopyStats
	progress func(CopyStats)
}

// body is an object's content with the type to store it under.
type body struct {
	data        []byte
	contentType string
}

func (c *copier) copyOne(ctx context.Context, oi ObjectInfo) error {
	var b *body
	if d, ok := c.dst[oi.Key]; ok && d.Size == oi.Size {
		same, read, err := c.same(ctx, oi, d)
		if err != nil {
			return err
		}
		if same {
			c.record(unchanged, 0)
			return nil
		}
		b = read
	}
	if b == nil {
		data, info, err := c.from.b.ReadAll(ctx, oi.Key)
		if errors.Is(err, ErrNotFound) { // deleted since it was listed
			c.record(vanished, 0)
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s from %s: %w", oi.Key, c.from.Describe(), err)
		}
		b = &body{data, info.ContentType}
	}
	ct := contentType(oi.Key, b.contentType)
	if _, err := c.to.b.Write(ctx, oi.Key, b.data, WriteOptions{ContentType: ct}); err != nil {
		return fmt.Errorf("write %s to %s: %w", oi.Key, c.to.Describe(), err)
	}
	c.record(copied, int64(len(b.data)))
	return nil
}

// same tells whether dst already holds src's content. When the source had
// to be read to tell, its content is returned so the copy need not read it
// again.
func (c *copier) same(ctx context.Context, src, dst ObjectInfo) (bool, *body, error) {
	srcSum, b, err := contentMD5(ctx, c.from, src)
	if err != nil {
		return false, nil, fmt.Errorf("read %s from %s: %w", src.Key, c.from.Describe(), err)
	}
	dstSum, _, err := contentMD5(ctx, c.to, dst)
	if errors.Is(err, ErrNotFound) {
		return false, b, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("read %s from %s: %w", dst.Key, c.to.Describe(), err)
	}
	return srcSum == dstSum, b, nil
}

// contentMD5 returns the MD5 of an object's content: its ETag where the
// store's ETags are MD5s (a bucket's plain uploads), else the hash of its
// bytes, which are returned too. A folder's ETags are versions, not hashes;
// an object uploaded in parts has an ETag ending in "-N". (An S3 object
// encrypted with KMS has a 32-digit ETag that is not its MD5: it is
// copied every time, which is wasteful but never wrong.)
func contentMD5(ctx context.Context, s *Store, oi ObjectInfo) (string, *body, error) {
	if h, ok := s.b.(backend.MD5Hasher); ok {
		if sum, ok := h.ContentMD5(oi); ok {
			return sum, nil, nil
		}
	}
	data, info, err := s.b.ReadAll(ctx, oi.Key)
	if err != nil {
		return "", nil, err
	}
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:]), &body{data, info.ContentType}, nil
}

// contentType keeps the source's content type; where it has none (a
// folder guesses from the extension, which may fail) Markdown gets the
// type the store writes it with.
func contentType(key, ct string) string {
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(key))
	}
	if ct == "" && isMarkdown(key) {
		ct = markdownType
	}
	return ct
}

func (c *copier) deleteOne(ctx context.Context, key string) error {
	if err := c.to.b.Delete(ctx, key); err != nil {
		return fmt.Errorf("delete %s from %s: %w", key, c.to.Describe(), err)
	}
	c.record(deleted, 0)
	return nil
}

// outcome is what became of one object.
type outcome int

const (
	unchanged outcome = iota
	copied
	vanished // deleted from the source while the copy ran
	deleted  // from the destination, by Delete
)

// record counts one object's outcome and reports progress.
func (c *copier) record(o outcome, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch o {
	case unchanged:
		c.stats.Unchanged++
	case copied:
		c.stats.Copied++
		c.stats.CopiedBytes += size
	case deleted:
		c.stats.Deleted++
	}
	if o != deleted {
		c.stats.Done++
	}
	if c.progress != nil {
		c.progress(c.stats)
	}
}

// OpenDestination opens location like Open, first creating it if it is a
// folder that does not exist yet, so that a site can be copied into a new
// folder. A bucket must already exist.
func OpenDestination(ctx context.Context, location string, log *slog.Logger) (*Store, error) {
	if dir, ok := FolderPath(location); ok {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create site folder: %w", err)
		}
	}
	return Open(ctx, location, log)
}
