package store

import (
	"context"
	"strings"
)

// shortcodeDir is where a Hugo site (and its theme) keeps its shortcode
// templates.
const shortcodeDir = "layouts/shortcodes/"

// ShortcodeFiles reads the site's shortcode templates, and its theme's
// when theme names one (themes/<theme>/layouts/shortcodes/). Keys are the
// files' keys in the store, e.g. "layouts/shortcodes/note.html".
func (s *Store) ShortcodeFiles(ctx context.Context, theme string) (map[string][]byte, error) {
	files := map[string][]byte{}
	prefixes := []string{shortcodeDir}
	if theme != "" && !strings.ContainsAny(theme, "/\\") && theme != ".." {
		prefixes = append(prefixes, "themes/"+theme+"/"+shortcodeDir)
	}
	for _, prefix := range prefixes {
		err := s.b.List(ctx, prefix, func(o ObjectInfo) error {
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
		if err != nil {
			return nil, err
		}
	}
	return files, nil
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
