// Package mem keeps a site's objects in memory (mem://), for tests and
// for trying grail out. Every Open makes a new, empty store.
package mem

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"mime"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/store/backend"
)

// Backend is a store in memory. A mutex makes conditional writes atomic.
// It implements backend.Backend and backend.MD5Hasher.
type Backend struct {
	desc    string
	mu      sync.RWMutex
	objects map[string]object
}

var (
	_ backend.Backend   = (*Backend)(nil)
	_ backend.MD5Hasher = (*Backend)(nil)
)

type object struct {
	data []byte
	info backend.ObjectInfo
}

// Open makes an empty store; location (mem://…) only names it.
func Open(location string) *Backend {
	return &Backend{desc: location, objects: map[string]object{}}
}

// Describe names the store.
func (m *Backend) Describe() string { return m.desc }

// Close does nothing: the objects go with the Backend.
func (m *Backend) Close() error { return nil }

// List calls fn for the objects under prefix, in key order. fn runs
// without the lock held, so it may use the store.
func (m *Backend) List(ctx context.Context, prefix string, fn func(backend.ObjectInfo) error) error {
	m.mu.RLock()
	var infos []backend.ObjectInfo
	for key, o := range m.objects {
		if strings.HasPrefix(key, prefix) && !backend.HiddenKey(key) {
			infos = append(infos, o.info)
		}
	}
	m.mu.RUnlock()
	sort.Slice(infos, func(i, j int) bool { return infos[i].Key < infos[j].Key })
	for _, info := range infos {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// ListDirs returns the folders directly under prefix.
func (m *Backend) ListDirs(ctx context.Context, prefix string) ([]string, error) {
	m.mu.RLock()
	seen := map[string]bool{}
	for key := range m.objects {
		rest, ok := strings.CutPrefix(key, prefix)
		if dir, _, isDir := strings.Cut(rest, "/"); ok && isDir && !strings.HasPrefix(dir, ".") {
			seen[prefix+dir+"/"] = true
		}
	}
	m.mu.RUnlock()
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	return dirs, ctx.Err()
}

func (m *Backend) get(ctx context.Context, key string) (object, error) {
	if err := backend.CheckKey(key); err != nil {
		return object{}, err
	}
	if err := ctx.Err(); err != nil {
		return object{}, err
	}
	m.mu.RLock()
	o, ok := m.objects[key]
	m.mu.RUnlock()
	if !ok {
		return object{}, fmt.Errorf("%s in %s: %w", key, m.desc, backend.ErrNotFound)
	}
	return o, nil
}

// Stat returns an object's version.
func (m *Backend) Stat(ctx context.Context, key string) (backend.ObjectInfo, error) {
	o, err := m.get(ctx, key)
	return o.info, err
}

// ReadAll returns a copy of an object's bytes.
func (m *Backend) ReadAll(ctx context.Context, key string) ([]byte, backend.ObjectInfo, error) {
	o, err := m.get(ctx, key)
	if err != nil {
		return nil, backend.ObjectInfo{}, err
	}
	return bytes.Clone(o.data), o.info, nil
}

// Open opens an object for reading in ranges.
func (m *Backend) Open(ctx context.Context, key string) (backend.File, error) {
	o, err := m.get(ctx, key)
	if err != nil {
		return nil, err
	}
	// Stored bytes are never changed (a write replaces them), so the
	// reader can share them.
	return &file{Reader: bytes.NewReader(o.data), info: o.info}, nil
}

// Write stores a copy of data, checking the condition under the lock.
func (m *Backend) Write(ctx context.Context, key string, data []byte, o backend.WriteOptions) (backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return backend.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return backend.ObjectInfo{}, err
	}
	sum := md5.Sum(data)
	ct := o.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(key))
	}
	info := backend.ObjectInfo{Key: key, Size: int64(len(data)), ModTime: time.Now(), ETag: hex.EncodeToString(sum[:]), ContentType: ct}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, exists := m.objects[key]
	switch {
	case o.IfAbsent && exists:
		return backend.ObjectInfo{}, fmt.Errorf("create %s: %w", key, backend.ErrConflict)
	case o.IfMatch != "" && (!exists || cur.info.ETag != o.IfMatch):
		return backend.ObjectInfo{}, fmt.Errorf("update %s: %w", key, backend.ErrConflict)
	}
	m.objects[key] = object{data: bytes.Clone(data), info: info}
	return info, nil
}

// Delete removes an object; a missing one is not an error.
func (m *Backend) Delete(ctx context.Context, key string) error {
	if err := backend.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.objects, key)
	m.mu.Unlock()
	return nil
}

// ContentMD5: every ETag here is the MD5 of the content.
func (m *Backend) ContentMD5(info backend.ObjectInfo) (string, bool) {
	return info.ETag, backend.IsMD5(info.ETag)
}

type file struct {
	*bytes.Reader
	info backend.ObjectInfo
}

func (f *file) Info() backend.ObjectInfo { return f.info }
func (f *file) Close() error             { return nil }
