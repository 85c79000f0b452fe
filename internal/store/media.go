package store

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// PutMedia stores an uploaded file under media/<year>/ and returns the
// path to link it by (relative to /media/). An existing file is never
// replaced: a second "photo.png" becomes "photo-2.png".
func (s *Store) PutMedia(ctx context.Context, name string, data []byte, contentType string, now time.Time) (string, error) {
	base := mediaName(name)
	if base == "" {
		return "", fmt.Errorf("%q has no usable file name", name)
	}
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	dir := strconv.Itoa(now.Year()) + "/"
	for i := 1; i <= 100; i++ {
		rel := dir + base
		if i > 1 {
			rel = dir + stem + "-" + strconv.Itoa(i) + ext
		}
		_, err := s.b.Write(ctx, s.layout.Media+rel, data, WriteOptions{ContentType: contentType, IfAbsent: true})
		if err == nil {
			return rel, nil
		}
		if !errors.Is(err, ErrConflict) {
			return "", err
		}
	}
	return "", fmt.Errorf("too many files named %q this year", base)
}

// mediaName makes an uploaded file's name safe as a URL and a key:
// lower case letters, digits, dots and hyphens.
func mediaName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return strings.Trim(b.String(), ".-")
}
