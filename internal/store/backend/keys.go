package backend

import (
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
)

// CheckKey refuses keys that are not clean, relative, slash-separated
// paths, or that name hidden files. A folder's os.Root would stop an
// escape anyway; refusing early gives one clear error on every backend
// and keeps odd names (backslashes, dot files) out of the store.
func CheckKey(key string) error {
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

// HiddenKey: keys with a segment starting with "." are not the site's
// (.DS_Store, .git/…), and List skips them.
func HiddenKey(key string) bool {
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// IsMD5 tells whether an ETag is an MD5 in hex, as a bucket's ETag is
// for an object uploaded in one piece (one uploaded in parts ends in "-N").
func IsMD5(etag string) bool {
	if len(etag) != 32 {
		return false
	}
	_, err := hex.DecodeString(etag)
	return err == nil
}
