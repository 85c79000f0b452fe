package site

import (
	"container/list"
	"sync"
)

// sourceCache keeps recently read source files in memory, up to a byte
// budget, least recently used out first. Pages must be rendered again
// after every change to the site, and then the sources they show are
// read from memory rather than from the store; and while the store cannot
// be reached, what is here can still be shown.
type sourceCache struct {
	max int

	mu    sync.Mutex
	size  int
	order *list.List // of *cachedSource, most recent first
	byKey map[string]*list.Element
}

type cachedSource struct {
	key, etag string
	data      []byte
}

func newSourceCache(maxBytes int) *sourceCache {
	return &sourceCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the cached bytes of key and the version they are.
func (c *sourceCache) get(key string) (data []byte, etag string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, "", false
	}
	c.order.MoveToFront(e)
	s := e.Value.(*cachedSource)
	return s.data, s.etag, true
}

func (c *sourceCache) put(key, etag string, data []byte) {
	if len(data) > c.max/8 {
		return // one huge file would push out many ordinary ones
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.size -= len(e.Value.(*cachedSource).data)
		c.order.Remove(e)
	}
	c.byKey[key] = c.order.PushFront(&cachedSource{key: key, etag: etag, data: data})
	c.size += len(data)
	for c.size > c.max {
		last := c.order.Back()
		s := last.Value.(*cachedSource)
		c.order.Remove(last)
		delete(c.byKey, s.key)
		c.size -= len(s.data)
	}
}
