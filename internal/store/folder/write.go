package folder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/store/backend"
)

// tempPrefix and tempSuffix name the temporary files of writes in
// progress; they are hidden, so listings and the watcher skip them.
const (
	tempPrefix = ".grail-"
	tempSuffix = ".tmp"
)

// staleTempAge is how old a temporary file must be to be taken for the
// leftover of a crashed write rather than one in progress: a write takes
// well under a second.
const staleTempAge = 5 * time.Minute

// stateDir is grail's own state inside the site folder, which most
// writers keep in git: the session key, password hashes, login counts,
// revisions of drafts and derived files. ignoreFile keeps all of it out
// of commits; it is hidden, so it is never listed as an object.
const (
	stateDir   = "_grail/"
	ignoreFile = stateDir + ".gitignore"
	ignoreText = "# grail's own state: the session key, accounts, login counts, revisions and\n" +
		"# derived files. Secrets and personal data: never commit any of it.\n*\n"
)

// Write puts data in a temporary file beside the target and renames it
// into place, so a reader never sees half a file and a crash never leaves
// one; the folder is then synced, so that a write reported done survives
// a power loss. Conditional writes hold a lock on the target's folder
// while they compare and rename.
func (d *Backend) Write(_ context.Context, key string, data []byte, o backend.WriteOptions) (backend.ObjectInfo, error) {
	if err := backend.CheckKey(key); err != nil {
		return backend.ObjectInfo{}, err
	}
	dir := path.Dir(key)
	dirMode, fileMode := os.FileMode(0o755), os.FileMode(0o644)
	isState := strings.HasPrefix(key, stateDir)
	if isState {
		// grail's own state holds password hashes, the session key and
		// unpublished drafts: for this account's eyes only.
		dirMode, fileMode = 0o700, 0o600
	}
	if err := d.root.MkdirAll(dir, dirMode); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return backend.ObjectInfo{}, fmt.Errorf("write %s: a file is where a folder of its path should be: %w: %w", key, backend.ErrInvalidKey, err)
		}
		return backend.ObjectInfo{}, fmt.Errorf("write %s: %w", key, fsError(err, true))
	}
	if isState {
		d.keepStateOutOfGit()
	}
	tmp, err := d.writeTemp(dir, data, fileMode)
	if err != nil {
		return backend.ObjectInfo{}, fmt.Errorf("write %s: %w", key, fsError(err, true))
	}
	defer d.root.Remove(tmp) // a no-op once renamed

	if o.IfAbsent || o.IfMatch != "" {
		d.mu.Lock()
		defer d.mu.Unlock()
		unlock, err := lockDir(d.root, dir)
		if err != nil {
			return backend.ObjectInfo{}, fmt.Errorf("lock %s: %w", dir, fsError(err, true))
		}
		defer unlock()
		if err := d.checkCondition(key, o); err != nil {
			return backend.ObjectInfo{}, err
		}
	}
	if err := d.root.Rename(tmp, key); err != nil {
		return backend.ObjectInfo{}, fmt.Errorf("write %s: %w", key, fsError(err, true))
	}
	if err := d.syncDir(dir); err != nil {
		return backend.ObjectInfo{}, fmt.Errorf("write %s: %w", key, fsError(err, true))
	}
	return d.Stat(context.Background(), key)
}

// checkCondition fails with ErrConflict when a conditional write must not
// happen; it runs under the folder's lock.
func (d *Backend) checkCondition(key string, o backend.WriteOptions) error {
	cur, err := d.root.Stat(key)
	switch {
	case err != nil && !isNotFound(err):
		return fmt.Errorf("stat %s: %w", key, fsError(err, true))
	case o.IfAbsent && err == nil:
		return fmt.Errorf("create %s: %w", key, backend.ErrConflict)
	case o.IfMatch != "" && err != nil:
		return fmt.Errorf("update %s, which is gone: %w", key, backend.ErrConflict)
	case o.IfMatch != "" && fileETag(cur) != o.IfMatch:
		return fmt.Errorf("update %s: %w", key, backend.ErrConflict)
	}
	return nil
}

// keepStateOutOfGit writes _grail/.gitignore if there is none, once per
// process: a folder made by an older grail gets one too, and one the
// writer edited is left as it is. It is best effort: a folder where it
// cannot be written refuses the state's own write as well.
func (d *Backend) keepStateOutOfGit() {
	if d.ignoreChecked.Load() {
		return
	}
	f, err := d.root.OpenFile(ignoreFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		_, werr := f.WriteString(ignoreText)
		err = errors.Join(werr, f.Close())
	}
	if err == nil || errors.Is(err, fs.ErrExist) {
		d.ignoreChecked.Store(true)
	}
}

func (d *Backend) writeTemp(dir string, data []byte, mode os.FileMode) (string, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(dir, tempPrefix+hex.EncodeToString(rnd[:])+tempSuffix)
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

// syncDir makes a rename in dir durable: until the folder itself is
// synced, a power loss can undo a rename that the file system reported.
func (d *Backend) syncDir(dir string) error {
	f, err := d.root.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return syncDirFile(f)
}

// removeStaleTemps deletes the temporary files that writes interrupted by
// a crash (or kill -9) left behind. Younger ones may belong to a write in
// progress in another process, and are left alone.
func (d *Backend) removeStaleTemps() {
	cutoff := time.Now().Add(-staleTempAge)
	fs.WalkDir(d.root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := e.Name()
		if e.IsDir() {
			if p != "." && strings.HasPrefix(name, ".") {
				return fs.SkipDir // .git and the like hold no writes of ours
			}
			return nil
		}
		if !strings.HasPrefix(name, tempPrefix) || !strings.HasSuffix(name, tempSuffix) {
			return nil
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			d.root.Remove(p)
		}
		return nil
	})
}
