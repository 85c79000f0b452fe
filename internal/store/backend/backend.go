// Package backend declares what a storage backend is — a flat key space
// of objects in a folder, an S3 bucket or memory — and the errors every
// backend reports its failures as. It imports no backend and nothing of
// HTTP, so that the store, the backends and their callers can all use it.
package backend

import (
	"context"
	"errors"
	"io"
	"time"
)

// The kinds of failure. Every backend maps its provider's errors to these
// by error type or code (never by message text) and wraps them with what
// it was doing, so callers test them with errors.Is. A failure that is
// none of these (a bug, a full disk) is returned as it is.
var (
	// ErrNotFound: no object at that key.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a conditional write lost — the object exists (for a
	// create) or changed or vanished since it was read (for an update).
	ErrConflict = errors.New("changed by someone else")
	// ErrUnavailable: the store could not be reached or did not answer in
	// time; the same request may succeed later.
	ErrUnavailable = errors.New("store unavailable")
	// ErrDenied: the store refused the request (credentials, a bucket
	// policy, file permissions); retrying will not help.
	ErrDenied = errors.New("access denied")
	// ErrInvalidKey: the key could escape the store, is not a clean path,
	// or is one the store cannot hold (too long, a file where a folder
	// should be in the path).
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

// WriteOptions describe a write: the headers the object is served with
// and, optionally, a condition. At most one of IfAbsent and IfMatch is set.
type WriteOptions struct {
	ContentType string
	// ContentEncoding and ContentDisposition are kept by backends that
	// serve objects themselves (through signed URLs); a folder, which
	// serves nothing, ignores them.
	ContentEncoding    string
	ContentDisposition string
	// IfAbsent writes only if no object exists at the key.
	IfAbsent bool
	// IfMatch writes only if the object's ETag is still this one.
	IfMatch string
}

// File is an open object that can be read in ranges (for HTTP Range
// requests on media).
type File interface {
	io.ReadSeekCloser
	Info() ObjectInfo
}

// Backend is a flat key space of objects. Keys are slash-separated paths
// without a leading slash (see CheckKey). It is safe for concurrent use.
//
// Error contract. Every method wraps one of the errors above for the case
// it names, and returns the context's error when ctx ends:
//
//   - Any method given a key that CheckKey refuses, or one the store
//     cannot hold, returns ErrInvalidKey without touching the store.
//   - Stat, ReadAll and Open return ErrNotFound when no object is at key
//     (also when a prefix of the key is an object rather than a folder).
//   - Write with IfAbsent returns ErrConflict when an object exists at
//     key; Write with IfMatch returns ErrConflict when the object's ETag
//     differs or the object is gone. An unconditional write never
//     conflicts.
//   - Delete of a missing object succeeds: it returns nil.
//   - List and ListDirs of a prefix that holds nothing return no objects
//     and a nil error, never ErrNotFound.
//   - Every method returns ErrUnavailable when the store cannot be
//     reached or does not answer, and ErrDenied when it refuses access.
type Backend interface {
	// List calls fn for each object whose key starts with prefix (which
	// is "" or ends in "/"), and returns fn's first error. Keys with a
	// segment starting with "." are not listed.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
	// ListDirs returns the folders directly under prefix, each ending in "/".
	ListDirs(ctx context.Context, prefix string) ([]string, error)
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// ReadAll returns an object's bytes and the version they are: its
	// ETag is the one of the bytes read, never of a later write.
	ReadAll(ctx context.Context, key string) ([]byte, ObjectInfo, error)
	Open(ctx context.Context, key string) (File, error)
	// Write stores data at key atomically (a reader sees the old object
	// or the new one) and returns the new object's version.
	Write(ctx context.Context, key string, data []byte, o WriteOptions) (ObjectInfo, error)
	Delete(ctx context.Context, key string) error
	// Describe names the store for messages: a path, or a bucket and
	// endpoint, never credentials.
	Describe() string
	Close() error
}

// Capabilities that only some backends have. Callers find them with a
// type assertion on the interface, never on a concrete backend.

// Signer is a backend that can hand out URLs that read an object without
// credentials for a while (a bucket). Its errors follow the contract.
type Signer interface {
	SignedURL(ctx context.Context, key string, ttl time.Duration) (string, error)
}

// Watcher is a backend that can report changes made to it by others (a
// folder that an editor writes to). Watch returns once everything is
// watched, so that no change made after it is missed; onChange is then
// called from a goroutine of its own, soon after changes, until ctx ends.
// onError is told of failures to watch that do not stop it.
type Watcher interface {
	Watch(ctx context.Context, onChange func(), onError func(error)) error
}

// MD5Hasher is a backend whose ETags are, for objects written in one
// piece, the MD5 of their content, so that comparing two objects needs no
// read. ContentMD5 returns that MD5 in hex, or false when the ETag is not
// one (an object uploaded in parts).
type MD5Hasher interface {
	ContentMD5(ObjectInfo) (string, bool)
}
