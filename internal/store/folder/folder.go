// Package folder keeps a site's objects as files under a folder: a site
// written by hand, or a Hugo site root.
//
// It does not use gocloud.dev's fileblob because fileblob writes a
// ".attrs" file beside every object it stores (clutter in an author's
// content folder) and has no compare-and-swap write, which grail needs so
// that two writers can never overwrite each other's text.
//
// All access goes through an os.Root, so no key — however hostile the URL
// it came from — can reach a file outside the folder, even through a
// symbolic link.
package folder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grailblog/grail/internal/store/backend"
)

// Backend is a site folder. It implements backend.Backend and
// backend.Watcher.
type Backend struct {
	root *os.Root
	path string
	// mu serialises conditional writes in this process; lockDir extends
	// that to other processes sharing the folder.
	mu sync.Mutex
	// ignoreChecked is set once _grail/.gitignore is known to exist.
	ignoreChecked atomic.Bool
}

var (
	_ backend.Backend = (*Backend)(nil)
	_ backend.Watcher = (*Backend)(nil)
)

// Open opens the site folder at p, which must exist, and removes the
// temporary files of writes that a crash interrupted.
func Open(p string) (*Backend, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("site folder %s does not exist: %w", p, backend.ErrNotFound)
		}
		return nil, fmt.Errorf("site folder %s: %w", p, fsError(err, false))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("site %s is a file; give the folder that holds posts/ (or a Hugo site's content/): %w", p, backend.ErrInvalidKey)
	}
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fmt.Errorf("open site folder %s: %w", p, fsError(err, false))
	}
	d := &Backend{root: root, path: p}
	d.removeStaleTemps()
	return d, nil
}

// Describe names the folder.
func (d *Backend) Describe() string { return d.path }

// Close releases the folder.
func (d *Backend) Close() error { return d.root.Close() }

// List walks the folder below prefix, skipping hidden names.
func (d *Backend) List(ctx context.Context, prefix string, fn func(backend.ObjectInfo) error) error {
	dir := strings.TrimSuffix(prefix, "/")
	if dir == "" {
		dir = "."
	} else if err := backend.CheckKey(dir); err != nil {
		return err
	}
	var fnErr error
	err := fs.WalkDir(d.root.FS(), dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if isNotFound(err) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if p != dir && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			if isNotFound(err) { // deleted while we walked
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		fnErr = fn(fileInfo(p, fi))
		return fnErr
	})
	switch {
	case err == nil:
		return nil
	case fnErr != nil || ctx.Err() != nil:
		return err
	}
	return fmt.Errorf("list %s in %s: %w", prefix, d.path, fsError(err, false))
}

// ListDirs lists the folders directly under prefix.
func (d *Backend) ListDirs(_ context.Context, prefix string) ([]string, error) {
	dir := strings.TrimSuffix(prefix, "/")
	if dir == "" {
		dir = "."
	} else if err := backend.CheckKey(dir); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(d.root.FS(), dir)
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("list %s in %s: %w", prefix, d.path, fsError(err, false))
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, prefix+e.Name()+"/")
		}
	}
	return dirs, nil
}

// Stat returns a file's version.
func (d *Backend) Stat(_ context.Context, key string) (backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return backend.ObjectInfo{}, err
	}
	fi, err := d.root.Stat(key)
	if err != nil {
		return backend.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, fsError(err, false))
	}
	if !fi.Mode().IsRegular() {
		return backend.ObjectInfo{}, fmt.Errorf("%s is not a file: %w", key, backend.ErrNotFound)
	}
	return fileInfo(key, fi), nil
}

// ReadAll reads a whole file.
func (d *Backend) ReadAll(_ context.Context, key string) ([]byte, backend.ObjectInfo, error) {
	f, err := d.open(key)
	if err != nil {
		return nil, backend.ObjectInfo{}, err
	}
	defer f.Close()
	info := f.Info()
	buf := make([]byte, info.Size)
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, backend.ObjectInfo{}, fmt.Errorf("read %s: %w", key, fsError(err, false))
	}
	return buf, info, nil
}

// Open opens a file for reading in ranges.
func (d *Backend) Open(_ context.Context, key string) (backend.File, error) {
	return d.open(key)
}

func (d *Backend) open(key string) (*osFile, error) {
	if err := backend.CheckKey(key); err != nil {
		return nil, err
	}
	f, err := d.root.Open(key)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, fsError(err, false))
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a file: %w", key, backend.ErrNotFound)
	}
	return &osFile{File: f, info: fileInfo(key, fi)}, nil
}

// Delete removes a file; a missing one is not an error.
func (d *Backend) Delete(_ context.Context, key string) error {
	if err := backend.CheckKey(key); err != nil {
		return err
	}
	if err := d.root.Remove(key); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, fsError(err, true))
	}
	return nil
}

// osFile is an open file with the ObjectInfo it was opened as.
type osFile struct {
	*os.File
	info backend.ObjectInfo
}

func (f *osFile) Info() backend.ObjectInfo { return f.info }

func fileInfo(key string, fi fs.FileInfo) backend.ObjectInfo {
	return backend.ObjectInfo{
		Key:         key,
		Size:        fi.Size(),
		ModTime:     fi.ModTime(),
		ETag:        fileETag(fi),
		ContentType: mime.TypeByExtension(path.Ext(key)),
	}
}

// fileETag changes whenever a file is replaced or rewritten: writes go
// through a rename (a new inode), and editors that write in place change
// the modification time.
func fileETag(fi fs.FileInfo) string {
	return fmt.Sprintf("%x-%x-%x", inode(fi), fi.ModTime().UnixNano(), fi.Size())
}
