package store

import (
	"context"
	"errors"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/grailblog/grail/internal/config"
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

// ShortcodeSettings are what shortcodes need of the site's configuration.
type ShortcodeSettings struct {
	Theme            string         // whose layouts/shortcodes/ the site uses too
	Params           map[string]any // the params table
	InlineShortcodes bool           // enableInlineShortcodes
}

// ShortcodeSettings reads the site's configuration file (grail.toml, else
// hugo.toml or config.toml) for shortcodes.
func (s *Store) ShortcodeSettings(ctx context.Context) (ShortcodeSettings, error) {
	for _, name := range []string{config.FileName, "hugo.toml", "config.toml"} {
		data, _, err := s.b.ReadAll(ctx, name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return ShortcodeSettings{}, err
		}
		var c struct {
			Theme  any            `toml:"theme"` // a name, or a list of them
			Params map[string]any `toml:"params"`
			Inline bool           `toml:"enableInlineShortcodes"`
		}
		// A file that does not decode is reported where the site's
		// settings are read; shortcodes then go without.
		if _, err := toml.Decode(string(data), &c); err != nil {
			return ShortcodeSettings{}, nil
		}
		out := ShortcodeSettings{Params: c.Params, InlineShortcodes: c.Inline}
		switch t := c.Theme.(type) {
		case string:
			out.Theme = t
		case []any:
			if len(t) > 0 {
				out.Theme, _ = t[0].(string)
			}
		}
		return out, nil
	}
	return ShortcodeSettings{}, nil
}
