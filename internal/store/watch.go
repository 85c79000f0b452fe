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
// (events are gathered for a moment, so saving ten files is one call),
// until ctx ends. It returns once the whole folder is watched, so that no
// change made after it is missed; the calls come from a goroutine of its
// own. Bucket stores return ErrCannotWatch.
func (s *Store) Watch(ctx context.Context, onChange func()) error {
	d, ok := s.b.(*dirBackend)
	if !ok {
		return ErrCannotWatch
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := addTree(w, d.path); err != nil {
		w.Close()
		return err
	}
	go s.watchLoop(ctx, w, d.path, onChange)
	return nil
}

func (s *Store) watchLoop(ctx context.Context, w *fsnotify.Watcher, root string, onChange func()) {
	defer w.Close()
	const settle = 100 * time.Millisecond
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ignoredPath(root, ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				// A new folder: watch it too (a no-op for files). Files
				// written in it before now are found by the reload below.
				addTree(w, ev.Name)
			}
			timer.Reset(settle)
		case err, ok := <-w.Errors:
			if !ok {
				return
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
