package export

import (
	"archive/zip"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// theme is the minimal Hugo theme an export carries as the site's own
// layouts, so that plain `hugo` builds it with no theme to install.
// (all: because Hugo names the folder _default, which embed skips.)
//
//go:embed all:hugotheme/layouts
var theme embed.FS

// hugoSite is what Hugo needs to know about a grail site to place its files.
type hugoSite struct {
	site    *site.Site
	docs    map[string]*content.Doc // by source key
	bundles map[string]string       // bundle folder → its folder in content/
	stamp   time.Time               // for the files an export makes up
}

// Hugo writes the site in st to w as a zip of a Hugo site: hugo.toml, the
// minimal theme, content/ (posts with their bundles, pages), static/media/.
// Posts keep their addresses: hugo.toml's permalinks follow grail's, and
// front matter gains the slug (and a page its url) grail gave it.
// Grail's theme overrides are left out: Hugo renders with its own layouts.
func Hugo(ctx context.Context, st *store.Store, w io.Writer, o Options) (Stats, error) {
	if l := st.Layout(); l.Hugo || l.Jekyll {
		// Its files are laid out for Hugo or Jekyll already; the grail
		// format copies them as they are.
		return Stats{}, errors.New("--format hugo exports a grail site; this one is a Hugo or Jekyll site already, which --format grail copies as it is")
	}
	files, skipped, err := st.SiteFiles(ctx)
	if err != nil {
		return Stats{}, err
	}
	h, err := loadHugoSite(ctx, st, files)
	if err != nil {
		return Stats{}, err
	}
	s := Stats{Total: len(files), Skipped: skipped}
	zw := zip.NewWriter(w)
	if err := h.writeScaffold(zw); err != nil {
		return s, err
	}
	for _, oi := range files {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		to := h.target(oi.Key)
		if to == "" {
			s.Omitted++
		}
		n, err := h.writeFile(ctx, st, zw, oi, to)
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

func loadHugoSite(ctx context.Context, st *store.Store, files []store.ObjectInfo) (*hugoSite, error) {
	loader := site.NewLoader(st, nil, nil)
	loader.ReadOnly = true // an export changes nothing, the index included
	if _, err := loader.Reload(ctx); err != nil {
		return nil, err
	}
	h := &hugoSite{site: loader.Current(), docs: map[string]*content.Doc{}, bundles: map[string]string{}}
	for _, d := range h.site.Docs {
		h.docs[d.Key] = d
		if d.Bundle != "" {
			h.bundles[d.Bundle] = path.Dir(contentPath(d))
		}
	}
	for _, oi := range files {
		if oi.ModTime.After(h.stamp) {
			h.stamp = oi.ModTime // the newest source dates what is made from them all
		}
	}
	if h.stamp.IsZero() {
		h.stamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return h, nil
}

// contentPath is where a doc goes in content/: posts in the posts section
// (its permalinks are grail's), pages at the top.
func contentPath(d *content.Doc) string {
	rel := d.Key
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		rel = rel[i+1:]
	}
	if d.Kind == content.KindPage {
		return "content/" + rel
	}
	return "content/posts/" + rel
}

// writeScaffold writes hugo.toml and the theme's layouts.
func (h *hugoSite) writeScaffold(zw *zip.Writer) error {
	if err := h.writeEntry(zw, "hugo.toml", []byte(hugoConfig(h.site.Config)), h.stamp); err != nil {
		return err
	}
	return fs.WalkDir(theme, "hugotheme", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := theme.ReadFile(p)
		if err != nil {
			return err
		}
		return h.writeEntry(zw, strings.TrimPrefix(p, "hugotheme/"), data, h.stamp)
	})
}

// target is where a site file goes in the Hugo site, "" for nowhere.
func (h *hugoSite) target(key string) string {
	if d := h.docs[key]; d != nil {
		return contentPath(d)
	}
	for bundle, dir := range h.bundles {
		if strings.HasPrefix(key, bundle) {
			return dir + "/" + strings.TrimPrefix(key, bundle)
		}
	}
	switch {
	case strings.HasPrefix(key, "media/"): // served at /media/…, in Hugo as in grail
		return "static/" + key
	case strings.HasPrefix(key, "static/"):
		return key
	}
	return ""
}

// writeFile writes one site file at to, where Hugo wants it: a doc
// converted, any other file as it is. A file Hugo has no use for
// (grail.toml, grail's theme overrides) has no to and is not written.
func (h *hugoSite) writeFile(ctx context.Context, st *store.Store, zw *zip.Writer, oi store.ObjectInfo, to string) (int64, error) {
	if to == "" {
		return 0, nil
	}
	if d := h.docs[oi.Key]; d != nil {
		src, _, err := st.Read(ctx, oi.Key)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", oi.Key, err)
		}
		if src, err = h.convert(d, src); err != nil {
			return 0, fmt.Errorf("%s: %w", oi.Key, err)
		}
		return int64(len(src)), h.writeEntry(zw, to, src, oi.ModTime)
	}
	return copyEntry(ctx, st, zw, oi, to, defaultMode)
}

// writeEntry writes a file the export made (or converted) into the zip.
func (h *hugoSite) writeEntry(zw *zip.Writer, name string, data []byte, mod time.Time) error {
	dst, err := createEntry(zw, name, mod, defaultMode)
	if err != nil {
		return err
	}
	_, err = dst.Write(data)
	return err
}
