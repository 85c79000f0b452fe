package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/store/backend"
	"github.com/grailblog/grail/internal/store/folder"
	"github.com/grailblog/grail/internal/store/mem"
	"github.com/grailblog/grail/internal/store/s3"
)

// The kinds of failure every store operation reports (see
// backend.Backend for which case gives which). Callers test them with
// errors.Is; package errstatus turns them into HTTP statuses.
var (
	ErrNotFound    = backend.ErrNotFound
	ErrConflict    = backend.ErrConflict
	ErrUnavailable = backend.ErrUnavailable
	ErrDenied      = backend.ErrDenied
	ErrInvalidKey  = backend.ErrInvalidKey
)

// Capabilities only some stores have.
var (
	// ErrNoSignedURLs: the store cannot make temporary URLs (folders, memory).
	ErrNoSignedURLs = errors.New("this store cannot make signed URLs")
	// ErrCannotWatch: the store cannot report changes; poll it instead.
	ErrCannotWatch = errors.New("store cannot be watched")
)

type (
	// ObjectInfo describes one object in the store.
	ObjectInfo = backend.ObjectInfo
	// WriteOptions describe a write: its headers and its condition.
	WriteOptions = backend.WriteOptions
	// File is an open object that can be read in ranges.
	File = backend.File
)

// openBackend picks the backend for a location: a folder path, a file://
// URL, or a bucket URL.
func openBackend(ctx context.Context, location string) (backend.Backend, error) {
	if dir, ok := FolderPath(location); ok {
		return folder.Open(dir)
	}
	scheme, _, _ := strings.Cut(location, "://")
	switch scheme {
	case "file":
		return nil, fmt.Errorf("site URL %q is malformed: %w", location, ErrInvalidKey)
	case "s3":
		return s3.Open(ctx, location)
	case "mem":
		return mem.Open(location), nil
	}
	return nil, fmt.Errorf("site %q: unsupported scheme %q (use a folder, file://, s3:// or mem://): %w", location, scheme, ErrInvalidKey)
}

// FolderPath tells a folder location (a path or a file:// URL) from a
// bucket URL.
func FolderPath(location string) (string, bool) {
	scheme, _, isURL := strings.Cut(location, "://")
	if !isURL || strings.ContainsAny(scheme, "/\\.") {
		return location, true
	}
	if scheme != "file" {
		return "", false
	}
	u, err := url.Parse(location)
	if err != nil {
		return "", false // openBackend reports it
	}
	return u.Path, true
}

// CanWatch reports whether Watch works for this store (a folder), or the
// store must be polled for changes (a bucket).
func (s *Store) CanWatch() bool {
	_, ok := s.b.(backend.Watcher)
	return ok
}

// Watch calls onChange soon after anything in the store changes (events
// are gathered for a moment, so saving ten files is one call), until ctx
// ends. It returns once the whole store is watched, so that no change
// made after it is missed; the calls come from a goroutine of their own.
// Stores that cannot be watched (buckets) return ErrCannotWatch.
func (s *Store) Watch(ctx context.Context, onChange func()) error {
	w, ok := s.b.(backend.Watcher)
	if !ok {
		return ErrCannotWatch
	}
	return w.Watch(ctx, onChange, func(err error) {
		s.log.Warn("watching site folder", "err", err)
	})
}

// SignedURL returns a URL from which key can be read without credentials
// until ttl has passed, or ErrNoSignedURLs.
func (s *Store) SignedURL(ctx context.Context, key string, ttl time.Duration) (string, error) {
	sg, ok := s.b.(backend.Signer)
	if !ok {
		return "", ErrNoSignedURLs
	}
	return sg.SignedURL(ctx, key, ttl)
}

// checkKey refuses keys that are not clean relative paths (see
// backend.CheckKey).
func checkKey(key string) error { return backend.CheckKey(key) }
