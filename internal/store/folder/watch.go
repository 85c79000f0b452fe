package folder

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch calls onChange soon after anything in the folder changes (events
// are gathered for a moment, so saving ten files is one call), until ctx
// ends. It returns once the whole folder is watched, so that no change
// made after it is missed; the calls come from a goroutine of its own.
func (d *Backend) Watch(ctx context.Context, onChange func(), onError func(error)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := addTree(w, d.path); err != nil {
		w.Close()
		return err
	}
	go watchLoop(ctx, w, d.path, onChange, onError)
	return nil
}

func watchLoop(ctx context.Context, w *fsnotify.Watcher, root string, onChange func(), onError func(error)) {
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
			onError(err)
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
