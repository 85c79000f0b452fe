package web

import (
	"sync"
	"sync/atomic"
)

// renderCache keeps rendered responses of one site snapshot and theme by
// path, up to a byte budget. A new snapshot or theme starts an empty
// cache: nothing is ever served from an older one.
type renderCache struct {
	max int64

	mu    sync.RWMutex
	gen   cacheGen
	items map[string]*cacheItem
	bytes int64
	clock atomic.Int64
}

type cacheItem struct {
	resp *response
	used atomic.Int64 // the clock value at the last hit
}

// size is what an entry holds, its key included: the key is a path a
// client chose, and may be long.
func (it *cacheItem) size(key string) int64 { return int64(it.resp.Size() + len(key)) }

func newRenderCache(maxBytes int64) *renderCache {
	return &renderCache{max: maxBytes, items: map[string]*cacheItem{}}
}

// get returns the cached response for path in snapshot gen.
// cacheGen names what a page was rendered from: a site snapshot and a
// theme. Both only ever grow.
type cacheGen struct{ site, theme uint64 }

func (g cacheGen) older(than cacheGen) bool {
	return g.site < than.site || g.site == than.site && g.theme < than.theme
}

func (c *renderCache) get(gen cacheGen, path string) *response {
	c.mu.RLock()
	it := c.items[path]
	ok := it != nil && c.gen == gen
	c.mu.RUnlock()
	if !ok {
		return nil
	}
	it.used.Store(c.clock.Add(1))
	return it.resp
}

func (c *renderCache) put(gen cacheGen, path string, r *response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen.older(c.gen) {
		return // rendered from a snapshot or theme that has since been replaced
	}
	if c.gen.older(gen) {
		c.gen, c.items, c.bytes = gen, map[string]*cacheItem{}, 0
	}
	if old := c.items[path]; old != nil {
		c.bytes -= old.size(path)
	}
	it := &cacheItem{resp: r}
	it.used.Store(c.clock.Add(1))
	c.items[path] = it
	c.bytes += it.size(path)
	if c.bytes > c.max {
		c.evict()
	}
}

// evict drops the least recently used quarter of the entries. Compressed
// forms are added after put, so the budget is checked against sizes as
// they are now.
func (c *renderCache) evict() {
	var total int64
	var clocks []int64
	for p, it := range c.items {
		total += it.size(p)
		clocks = append(clocks, it.used.Load())
	}
	c.bytes = total
	if total <= c.max || len(clocks) == 0 {
		return
	}
	cut := quantile(clocks, 0.25)
	for p, it := range c.items {
		if it.used.Load() <= cut {
			c.bytes -= it.size(p)
			delete(c.items, p)
		}
	}
}

// quantile returns the value below which fraction q of xs lies.
func quantile(xs []int64, q float64) int64 {
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo + int64(float64(hi-lo)*q)
}

// len reports the number of cached responses (for tests and metrics).
func (c *renderCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.items)
}
