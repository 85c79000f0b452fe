package store

import (
	"context"
	"strings"
)

// BodyLayoutDirs are the folders of layouts/ that bodies are rendered
// with: shortcodes, and render hooks in both places Hugo looks for them.
var BodyLayoutDirs = []string{"shortcodes/", "_default/_markup/", "_markup/"}

// layoutRoots are the folders whose layouts/ the site's templates are
// read from: its own, and its theme's when theme names one.
func layoutRoots(theme string) []string {
	roots := []string{"layouts/"}
	if theme != "" && !strings.ContainsAny(theme, "/\\") && theme != ".." {
		roots = append(roots, "themes/"+theme+"/layouts/")
	}
	return roots
}

// isBodyLayout tells a template of BodyLayoutDirs, the site's or its
// theme's.
func isBodyLayout(key, theme string) bool {
	if !strings.HasSuffix(key, ".html") {
		return false
	}
	for _, root := range layoutRoots(theme) {
		for _, dir := range BodyLayoutDirs {
			if strings.HasPrefix(key, root+dir) {
				return true
			}
		}
	}
	return false
}

// LayoutFiles reads the site's templates under layouts/<dir> for each of
// dirs ("shortcodes/", "_default/_markup/"), and its theme's under
// themes/<theme>/layouts/<dir> when theme names one. Keys are the files'
// keys in the store, e.g. "layouts/shortcodes/note.html": whoever parses
// them lets the site's own file win over its theme's.
func (s *Store) LayoutFiles(ctx context.Context, theme string, dirs ...string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, root := range layoutRoots(theme) {
		for _, dir := range dirs {
			if err := s.readTemplates(ctx, root+dir, files); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// readTemplates adds the .html files under prefix to files.
func (s *Store) readTemplates(ctx context.Context, prefix string, files map[string][]byte) error {
	return s.b.List(ctx, prefix, func(o ObjectInfo) error {
		if !strings.HasSuffix(o.Key, ".html") {
			return nil
		}
		data, _, err := s.b.ReadAll(ctx, o.Key)
		if err != nil {
			return err
		}
		files[o.Key] = data
		return nil
	})
}

// BundleFiles lists the files of a page bundle beside its index.md (the
// Markdown files are documents, not files), as names inside the bundle.
func (s *Store) BundleFiles(ctx context.Context, bundle string) ([]string, error) {
	var names []string
	err := s.b.List(ctx, bundle, func(o ObjectInfo) error {
		if name := strings.TrimPrefix(o.Key, bundle); !isMarkdown(name) {
			names = append(names, name)
		}
		return nil
	})
	return names, err
}

// ShortcodeSettings are what shortcodes need of the site's configuration.
type ShortcodeSettings struct {
	Theme            string         // whose layouts/shortcodes/ the site uses too
	Params           map[string]any // the params table
	InlineShortcodes bool           // enableInlineShortcodes
}

// ShortcodeSettings are a Hugo site's settings for shortcodes, as its
// configuration gives them; a grail site has none. A grail.toml that does
// not parse is reported where the site's settings are read: the Hugo
// configuration under it still serves here.
func (s *Store) ShortcodeSettings(ctx context.Context) (ShortcodeSettings, error) {
	if !s.layout.Hugo {
		return ShortcodeSettings{}, nil
	}
	cfg, err := s.Config(ctx)
	h := cfg.Hugo
	if h == nil { // the store could not be read
		return ShortcodeSettings{}, err
	}
	return ShortcodeSettings{Theme: h.Theme, Params: h.Params, InlineShortcodes: h.InlineShortcodes}, nil
}
