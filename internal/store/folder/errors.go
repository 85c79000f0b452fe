package folder

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/grailblog/grail/internal/store/backend"
)

// fsError wraps a file system error with the kind it is (see
// backend.Backend), keeping the error itself for the log. writing tells a
// write, for which a file where a folder should be makes the key one the
// folder cannot hold, from a read, for which it means nothing is there.
func fsError(err error, writing bool) error {
	kind := fsKind(err)
	if errors.Is(kind, backend.ErrNotFound) && writing && errors.Is(err, syscall.ENOTDIR) {
		kind = backend.ErrInvalidKey
	}
	if kind == nil {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// fsKind classifies a file system error by its type and errno.
func fsKind(err error) error {
	var errno syscall.Errno
	switch {
	case isNotFound(err):
		return backend.ErrNotFound
	case errors.Is(err, fs.ErrPermission):
		return backend.ErrDenied
	case escapesRoot(err):
		return backend.ErrInvalidKey
	case !errors.As(err, &errno):
		return nil
	}
	return errnoKinds[errno]
}

// isNotFound: nothing at the path, or a file where a folder of the path
// should be (media/photo.png/x).
func isNotFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// escapesRoot tells os.Root's refusal of a path that leaves the folder (a
// symbolic link out of it): a path error that is not the system's.
func escapesRoot(err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return false
	}
	var errno syscall.Errno
	return !errors.As(pe.Err, &errno)
}
