//go:build !unix

package store

import (
	"io/fs"
	"os"
)

func inode(fs.FileInfo) uint64 { return 0 }

// lockDir is process-local on systems without flock; the in-process mutex
// still serialises this server's writers.
func lockDir(*os.Root, string) (func(), error) { return func() {}, nil }
