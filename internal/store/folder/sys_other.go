//go:build !unix

package folder

import (
	"io/fs"
	"os"
	"syscall"
)

// errnoKinds: on other systems only the portable errors (not found,
// permission) are classified.
var errnoKinds = map[syscall.Errno]error{}

func inode(fs.FileInfo) uint64 { return 0 }

// lockDir is process-local on systems without flock; the in-process mutex
// still serialises this server's writers.
func lockDir(*os.Root, string) (func(), error) { return func() {}, nil }

// syncDirFile: folders cannot be synced through a file handle here.
func syncDirFile(*os.File) error { return nil }
