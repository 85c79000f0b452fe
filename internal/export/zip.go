// Package export writes a site out of grail: a zip of its folder, which
// grail (or an unzip and a text editor) reads back as it is. Grail's own
// state under _grail/ never leaves: it holds the session key, accounts and
// history, which belong to this installation, not to the site.
package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/store"
)

// Stats is what an export wrote.
type Stats struct {
	Files   int   // written
	Total   int   // to write
	Bytes   int64 // of content, before compression
	Skipped int   // private files left out (everything under _grail/)
	Omitted int   // of Files, those the format has no place for (Hugo: grail.toml, theme/)
}

// Options tune Zip.
type Options struct {
	// Progress, if set, is called after each file with the totals so far.
	Progress func(Stats)
	// Mode, if set, gives a file's permission bits (a folder has them; a
	// bucket has none, and its files get 0644).
	Mode func(key string) fs.FileMode
}

// defaultMode is the mode of a file whose store keeps none.
const defaultMode = 0o644

func (o Options) mode(key string) fs.FileMode {
	if o.Mode != nil {
		if m := o.Mode(key); m != 0 {
			return m
		}
	}
	return defaultMode
}

// Zip writes the site in st to w as a zip of its folder, in key order so
// the same site makes the same zip. Files are streamed one at a time
// through the zip writer, so memory stays constant whatever their size.
func Zip(ctx context.Context, st *store.Store, w io.Writer, o Options) (Stats, error) {
	files, skipped, err := st.SiteFiles(ctx)
	if err != nil {
		return Stats{}, err
	}
	s := Stats{Total: len(files), Skipped: skipped}
	zw := zip.NewWriter(w)
	for _, oi := range files {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		n, err := copyEntry(ctx, st, zw, oi, oi.Key, o.mode(oi.Key))
		if err != nil {
			return s, err
		}
		s.Files++
		s.Bytes += n
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	return s, zw.Close()
}

// copyEntry streams one site file into the zip as name and returns its size.
func copyEntry(ctx context.Context, st *store.Store, zw *zip.Writer, oi store.ObjectInfo, name string, mode fs.FileMode) (int64, error) {
	f, err := st.OpenSiteFile(ctx, oi.Key)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", oi.Key, err)
	}
	defer f.Close()
	dst, err := createEntry(zw, name, oi.ModTime, mode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(dst, f)
	if err != nil {
		return n, fmt.Errorf("copy %s: %w", oi.Key, err)
	}
	return n, nil
}

// createEntry starts a zip entry, refusing a name that could escape the
// folder the zip is unzipped in.
func createEntry(zw *zip.Writer, name string, mod time.Time, mode fs.FileMode) (io.Writer, error) {
	name, err := EntryName(name)
	if err != nil {
		return nil, err
	}
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod.UTC()}
	h.SetMode(mode.Perm())
	return zw.CreateHeader(h)
}

// EntryName is the zip entry for a store key. Keys are already checked by
// the store, but an entry that climbs out of the folder it is unzipped in
// ("zip slip") must be impossible whatever a backend lists, so it is
// checked again where the zip is written.
func EntryName(key string) (string, error) {
	clean := path.Clean(key)
	if key == "" || clean != key || path.IsAbs(key) || strings.Contains(key, `\`) ||
		clean == ".." || strings.HasPrefix(clean, "../") || len(key) > 1 && key[1] == ':' { // C:/…
		return "", fmt.Errorf("refusing zip entry %q: not a plain relative path", key)
	}
	return key, nil
}
