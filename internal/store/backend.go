package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors every backend maps its own failures to, so that callers (and the
// HTTP layer, which turns them into status codes) never see a provider's
// error types.
var (
	// ErrNotFound: no object at that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a conditional write lost — the object exists (for a
	// create) or changed since it was read (for an update).
	ErrConflict = errors.New("changed by someone else")
	// ErrUnavailable: the store could not be reached; the caller may retry.
	ErrUnavailable = errors.New("store unavailable")
	// ErrInvalidKey: the key could escape the store or is not a clean path.
	ErrInvalidKey = errors.New("invalid key")
)

// ObjectInfo describes one object in the store.
type ObjectInfo struct {
	Key         string
	Size        int64
	ModTime     time.Time
	ETag        string // changes whenever the content changes
	ContentType string // "" when the backend does not keep one
}

// WriteOptions make a write conditional. At most one of IfAbsent and
// IfMatch is set.
type WriteOptions struct {
	ContentType string
	// IfAbsent writes only if no object exists at the key.
	IfAbsent bool
	// IfMatch writes only if the object's ETag is still this one.
	IfMatch string
}

// File is an open object that can be read in ranges (for HTTP Range
// requests on media) .
type File interface {
	io.ReadSeekCloser
	Info() ObjectInfo
}

// backend is a flat key space of objects: a folder on disk or a bucket.
// Keys are slash-separated paths without a leading slash. Every method
// returns the errors above (wrapped with context) for the cases they name.
type backend interface {
	// List calls fn for each object whose key starts with prefix (which is
	// "" or ends in "/"). Names starting with "." are not listed.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
	// ListDirs returns the folders directly under prefix, each ending in "/".
	ListDirs(ctx context.Context, prefix string) ([]string, error)
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	ReadAll(ctx context.Context, key string) ([]byte, ObjectInfo, error)
	Open(ctx context.Context, key string) (File, error)
	Write(ctx context.Context, key string, data []byte, o WriteOptions) (ObjectInfo, error)
	// Delete removes the object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// Describe names the store for messages: a path, or a bucket and endpoint.
	Describe() string
	Close() error
}
