package store

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// ErrCannotWatch: the store cannot report changes; poll it instead.
var ErrCannotWatch = errors.New("store cannot be watched")

// CanWatch reports whether Watch works for this store (a folder), or the
// store must be polled for changes (a bucket).
func (s *Store) CanWatch() bool {
	_, ok := s.b.(*dirBackend)
	return ok
}

// Watch calls onChange soon after anything in a site folder changes
// (events are gathered for a moment, so saving ten files is one call).
// It returns when ctx is done. Bucket stores return ErrCannotWatch.
func (s *Store) Watch(ctx context.Context, onChange func()) error {
	d, ok := s.b.(*dirBackend)
	if !ok {
		return ErrCannotWatch
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := addTree(w, d.path); err != nil {
		return err
	}
	const settle = 100 * time.Millisecond
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ignoredPath(d.path, ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				addTree(w, ev.Name) // a new folder: watch it too (no-op for files)
			}
			timer.Reset(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.log.Warn("watching site folder", "err", err)
		case <-timer.C:
			onChange()
		}
	}
}

// addTree watches dir and every folder below it, except hidden ones and
// grail's own state.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return nil
		}
		name := e.Name()
		if p != dir && (strings.HasPrefix(name, ".") || name == "_grail" || name == "node_modules") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}

// ignoredPath: changes to grail's own files and editors' temporary files
// do not change the site.
func ignoredPath(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return true
	}
	rel = filepath.ToSlash(rel)
	base := filepath.Base(p)
	return strings.HasPrefix(rel, "_grail/") || strings.HasPrefix(base, ".") ||
		strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp")
}
