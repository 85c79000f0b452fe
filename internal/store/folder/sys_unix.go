//go:build unix

package folder

import (
	"io/fs"
	"os"
	"syscall"

	"github.com/grailblog/grail/internal/store/backend"
)

// errnoKinds are the system errors that say something about the request
// (the key) or the disk rather than about grail.
var errnoKinds = map[syscall.Errno]error{
	syscall.ENAMETOOLONG: backend.ErrInvalidKey,
	syscall.EINVAL:       backend.ErrInvalidKey,
	syscall.ELOOP:        backend.ErrInvalidKey,
	syscall.EISDIR:       backend.ErrInvalidKey,
	syscall.EROFS:        backend.ErrDenied,
	syscall.EIO:          backend.ErrUnavailable,
	syscall.ESTALE:       backend.ErrUnavailable,
	syscall.ETIMEDOUT:    backend.ErrUnavailable,
	syscall.ENOSPC:       backend.ErrUnavailable,
	syscall.EDQUOT:       backend.ErrUnavailable,
}

func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

// lockDir takes an exclusive flock on a folder so that grail processes
// sharing a site folder take turns at conditional writes in it.
func lockDir(root *os.Root, dir string) (unlock func(), err error) {
	f, err := root.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func syncDirFile(f *os.File) error { return f.Sync() }
