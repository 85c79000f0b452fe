package store

import (
	"context"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/grailblog/grail/internal/store/backend"
)

// overflowDir holds response bodies too large for a Lambda front door.
// They are scratch: read once through a signed URL, then expired by the
// bucket's lifecycle rule.
const overflowDir = "_grail/overflow/"

// DefaultOverflowTTL is how long an overflow URL stays valid: long
// enough for a client to follow the redirect, short enough that a leaked
// URL is soon useless.
const DefaultOverflowTTL = 60 * time.Second

// Overflow keeps response bodies too large for the front door in the
// store and hands out signed URLs for them. It implements
// lambdahttp.Overflow.
type Overflow struct {
	s   *Store
	ttl time.Duration
}

// Overflow returns the store's overflow, whose URLs are valid for ttl
// (DefaultOverflowTTL if ttl is zero).
func (s *Store) Overflow(ttl time.Duration) *Overflow {
	if ttl <= 0 {
		ttl = DefaultOverflowTTL
	}
	return &Overflow{s: s, ttl: ttl}
}

// Spill stores body under _grail/overflow/<uuid>.<ext> with its content
// type and encoding, and returns a signed URL that serves it as the
// handler meant it. Stores that cannot sign URLs (folders, memory) refuse
// before writing anything.
func (o *Overflow) Spill(ctx context.Context, body []byte, contentType, contentEncoding string) (string, error) {
	sg, ok := o.s.b.(backend.Signer)
	if !ok {
		return "", ErrNoSignedURLs
	}
	key := overflowDir + uuid.NewString() + extensionFor(contentType)
	_, err := o.s.b.Write(ctx, key, body, WriteOptions{ContentType: contentType, ContentEncoding: contentEncoding,
		ContentDisposition: downloadDisposition(contentType)})
	if err != nil {
		return "", fmt.Errorf("overflow: %w", err)
	}
	return sg.SignedURL(ctx, key, o.ttl)
}

// downloadDisposition makes a browser save, not open, a body that could
// run script: the signed URL is on the bucket's origin, where grail's
// Content-Security-Policy is not sent.
func downloadDisposition(contentType string) string {
	// Parsed loosely, as browsers do: a malformed parameter must not hide
	// the type.
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "image/svg+xml", mt == "text/html", mt == "application/xhtml+xml",
		mt == "text/xml", mt == "application/xml", strings.HasSuffix(mt, "+xml"):
		return "attachment"
	}
	return ""
}

// commonExtensions name the types grail itself serves. The system's MIME
// table is only a fallback: it differs between machines (the Lambda
// runtime has almost none), and the name should not.
var commonExtensions = map[string]string{
	"text/html":                ".html",
	"text/plain":               ".txt",
	"text/css":                 ".css",
	"text/xml":                 ".xml",
	"text/markdown":            ".md",
	"application/xml":          ".xml",
	"application/json":         ".json",
	"application/javascript":   ".js",
	"text/javascript":          ".js",
	"application/atom+xml":     ".atom",
	"application/rss+xml":      ".rss",
	"application/pdf":          ".pdf",
	"application/zip":          ".zip",
	"application/gzip":         ".gz",
	"application/octet-stream": ".bin",
	"image/png":                ".png",
	"image/jpeg":               ".jpg",
	"image/gif":                ".gif",
	"image/webp":               ".webp",
	"image/avif":               ".avif",
	"image/svg+xml":            ".svg",
	"audio/mpeg":               ".mp3",
	"video/mp4":                ".mp4",
	"font/woff2":               ".woff2",
}

// extensionFor picks the file extension of an overflow object, so that
// whoever saves the download gets a usable name.
func extensionFor(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ".bin"
	}
	if ext, ok := commonExtensions[mt]; ok {
		return ext
	}
	if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}
