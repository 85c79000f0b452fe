package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"strings"
	"sync"
)

// dirBackend keeps objects as files under a folder: a site written by
// hand, or a Hugo site root. It does not use gocloud.dev's fileblob
// because fileblob writes a ".attrs" file beside every object it stores
// (clutter in an author's content folder) and has no compare-and-swap
// write, which grail needs so that two writers can never overwrite each
// other's text.
//
// All access goes through an os.Root, so no key — however hostile the URL
// it came from — can reach a file outside the folder, even through a
// symbolic link.
type dirBackend struct {
	root *os.Root
	path string
	// mu serialises conditional writes in this process; fileLock extends
	// that to other processes sharing the folder.
	mu sync.Mutex
}

func openDir(p string) (*dirBackend, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("site folder %s does not exist", p)
		}
		return nil, fmt.Errorf("site folder %s: %w", p, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("site %s is a file; give the folder that holds posts/ (or a Hugo site's content/)", p)
	}
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fmt.Errorf("open site folder: %w", err)
	}
	return &dirBackend{root: root, path: p}, nil
}

func (d *dirBackend) Describe() string { return d.path }

func (d *dirBackend) Close() error { return d.root.Close() }

func (d *dirBackend) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	dir := strings.TrimSuffix(prefix, "/")
	if dir == "" {
		dir = "."
	} else if err := checkKey(dir); err != nil {
		return err
	}
	err := fs.WalkDir(d.root.FS(), dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
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
			if errors.Is(err, fs.ErrNotExist) { // deleted while we walked
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(fileInfo(p, fi))
	})
	if err != nil {
		return fmt.Errorf("list %s in %s: %w", prefix, d.path, err)
	}
	return nil
}

func (d *dirBackend) ListDirs(_ context.Context, prefix string) ([]string, error) {
	dir := strings.TrimSuffix(prefix, "/")
	if dir == "" {
		dir = "."
	}
	entries, err := fs.ReadDir(d.root.FS(), dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list %s: %w", d.path, err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			dirs = append(dirs, prefix+e.Name()+"/")
		}
	}
	return dirs, nil
}

func (d *dirBackend) Stat(_ context.Context, key string) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	fi, err := d.root.Stat(key)
	if err != nil {
		return ObjectInfo{}, mapFSError(key, err)
	}
	if !fi.Mode().IsRegular() {
		return ObjectInfo{}, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return fileInfo(key, fi), nil
}

func (d *dirBackend) ReadAll(_ context.Context, key string) ([]byte, ObjectInfo, error) {
	f, err := d.open(key)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	defer f.Close()
	info := f.Info()
	buf := make([]byte, info.Size)
	if _, err := readFull(f, buf); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("read %s: %w", key, err)
	}
	return buf, info, nil
}

func (d *dirBackend) Open(_ context.Context, key string) (File, error) {
	return d.open(key)
}

func (d *dirBackend) open(key string) (*osFile, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := d.root.Open(key)
	if err != nil {
		return nil, mapFSError(key, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	return &osFile{File: f, info: fileInfo(key, fi)}, nil
}

// Write puts data in a temporary file beside the target and renames it
// into place, so a reader never sees half a file and a crash never leaves
// one. Conditional writes hold a lock on the target's folder while they
// compare and rename.
func (d *dirBackend) Write(_ context.Context, key string, data []byte, o WriteOptions) (ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return ObjectInfo{}, err
	}
	dir := path.Dir(key)
	dirMode, fileMode := os.FileMode(0o755), os.FileMode(0o644)
	if strings.HasPrefix(key, "_grail/") {
		// grail's own state holds password hashes, the session key and
		// unpublished drafts: for this account's eyes only.
		dirMode, fileMode = 0o700, 0o600
	}
	if err := d.root.MkdirAll(dir, dirMode); err != nil {
		return ObjectInfo{}, fmt.Errorf("write %s: %w", key, err)
	}
	tmp, err := d.writeTemp(dir, data, fileMode)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("write %s: %w", key, err)
	}
	defer d.root.Remove(tmp) // a no-op once renamed

	if o.IfAbsent || o.IfMatch != "" {
		d.mu.Lock()
		defer d.mu.Unlock()
		unlock, err := lockDir(d.root, dir)
		if err != nil {
			return ObjectInfo{}, fmt.Errorf("lock %s: %w", dir, err)
		}
		defer unlock()
		cur, err := d.root.Stat(key)
		switch {
		case o.IfAbsent && err == nil:
			return ObjectInfo{}, fmt.Errorf("create %s: %w", key, ErrConflict)
		case o.IfMatch != "" && err != nil:
			return ObjectInfo{}, fmt.Errorf("update %s: %w", key, ErrConflict)
		case o.IfMatch != "" && fileInfo(key, cur).ETag != o.IfMatch:
			return ObjectInfo{}, fmt.Errorf("update %s: %w", key, ErrConflict)
		}
	}
	if err := d.root.Rename(tmp, key); err != nil {
		return ObjectInfo{}, fmt.Errorf("write %s: %w", key, err)
	}
	return d.Stat(context.Background(), key)
}

func (d *dirBackend) writeTemp(dir string, data []byte, mode os.FileMode) (string, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(dir, ".grail-"+hex.EncodeToString(rnd[:])+".tmp")
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		d.root.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

func (d *dirBackend) Delete(_ context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := d.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// osFile is an open file with the ObjectInfo it was opened as.
type osFile struct {
	*os.File
	info ObjectInfo
}

func (f *osFile) Info() ObjectInfo { return f.info }

func fileInfo(key string, fi fs.FileInfo) ObjectInfo {
	return ObjectInfo{
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

func mapFSError(key string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", key, ErrNotFound)
	case strings.Contains(err.Error(), "path escapes from parent"):
		return fmt.Errorf("%s: %w", key, ErrInvalidKey)
	}
	return err
}

// checkKey refuses keys that are not clean, relative, slash-separated
// paths. os.Root would stop an escape anyway; refusing early gives a clear
// error and keeps odd names (backslashes, dot files) out of the store.
func checkKey(key string) error {
	if !fs.ValidPath(key) || key == "." || strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("%q: %w", key, ErrInvalidKey)
	}
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, ".") {
			return fmt.Errorf("%q: %w", key, ErrInvalidKey)
		}
	}
	return nil
}

func readFull(f *osFile, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
