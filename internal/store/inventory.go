package store

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/grailblog/grail/internal/config"
)

// Unused is a file of the site that grail neither reads nor serves, and
// why. A whole folder unused for one reason is one Unused: Key is the
// folder, Files counts its files.
type Unused struct {
	Key    string
	Reason string
	Files  int
}

// Inventory is what grail makes of every file of the site: Sources are
// read as posts and pages (their problems are the site's), Published
// files are served at an address, Settings are read as configuration
// (shortcode templates and render hooks among them), and Unused says why
// the rest is not.
type Inventory struct {
	Sources, Published, Settings int
	Unused                       []Unused
}

// hugoFolders are the folders of a Hugo site that hold what Hugo builds
// with rather than what it publishes, and why grail does not read them.
var hugoFolders = map[string]string{
	"layouts/":    "Hugo templates; grail renders with its own theme (theme/ overrides it)",
	"themes/":     "a Hugo theme; grail renders with its own theme (theme/ overrides it)",
	"archetypes/": "templates of hugo new; grail new writes its own",
	"assets/":     "Hugo Pipes input; grail serves static/ and content files as they are",
	"data/":       "Hugo data files, used only by Hugo templates",
	"i18n/":       "Hugo translations, used only by Hugo templates",
	"resources/":  "Hugo's generated resources cache",
	"public/":     "Hugo's build output; grail serves the sources",
}

// TakeInventory lists every file of the site (grail's own state under
// _grail/ aside) and says what grail does with it. It only reads.
func (s *Store) TakeInventory(ctx context.Context) (Inventory, error) {
	var inv Inventory
	sources, err := s.Sources(ctx)
	if err != nil {
		return inv, err
	}
	isSource := make(map[string]bool, len(sources))
	for _, src := range sources {
		isSource[src.Key] = true
	}
	var keys []string
	if err := s.b.List(ctx, "", func(o ObjectInfo) error {
		if !strings.HasPrefix(o.Key, "_grail/") {
			keys = append(keys, o.Key)
		}
		return nil
	}); err != nil {
		return inv, err
	}
	bundles := bundleFolders(keys)
	settings, err := s.ShortcodeSettings(ctx)
	if err != nil {
		return inv, err
	}
	folders := map[string]int{} // unused whole folders → files
	for _, k := range keys {
		switch {
		case isSource[k]:
			inv.Sources++
		case s.isSetting(k) || isBodyLayout(k, settings.Theme):
			inv.Settings++
		default:
			if f := s.unusedFolder(k); f != "" {
				folders[f]++
				continue
			}
			if s.layout.Jekyll && s.isJekyllTemplate(ctx, k) {
				inv.Unused = append(inv.Unused, Unused{Key: k, Reason: "a page Jekyll renders with its layouts; grail serves Markdown pages and its own home page, feed and sitemap", Files: 1})
				continue
			}
			if reason := s.whyUnused(k, bundles); reason != "" {
				inv.Unused = append(inv.Unused, Unused{Key: k, Reason: reason, Files: 1})
			} else {
				inv.Published++
			}
		}
	}
	for f, n := range folders {
		inv.Unused = append(inv.Unused, Unused{Key: f, Reason: hugoFolders[f] + jekyllFolders[f], Files: n})
	}
	slices.SortFunc(inv.Unused, func(a, b Unused) int { return strings.Compare(a.Key, b.Key) })
	return inv, nil
}

// bundleFolders are the folders that hold an index.md: page bundles,
// spelt as path.Dir spells them.
func bundleFolders(keys []string) map[string]bool {
	out := map[string]bool{}
	for _, k := range keys {
		if file := path.Base(k); isMarkdown(file) && strings.TrimSuffix(file, path.Ext(file)) == "index" {
			out[path.Dir(k)] = true
		}
	}
	return out
}

func (s *Store) isSetting(key string) bool {
	if key == config.FileName {
		return true
	}
	if s.layout.Jekyll {
		return slices.Contains(config.JekyllConfigNames, key)
	}
	if !s.layout.Hugo {
		return false
	}
	dir, _ := path.Split(key)
	if dir == config.HugoConfigDir {
		return true
	}
	return slices.Contains(config.HugoConfigNames, key)
}

// unusedFolder is the Hugo build folder key lies in, or "".
func (s *Store) unusedFolder(key string) string {
	if s.layout.Jekyll {
		return jekyllUnusedFolder(key)
	}
	if !s.layout.Hugo {
		return ""
	}
	top, _, _ := strings.Cut(key, "/")
	if _, ok := hugoFolders[top+"/"]; ok {
		return top + "/"
	}
	return ""
}

// whyUnused says why a file that is not a source or a setting is not
// served, or "" when it is: a bundle's file, media, a theme file, a Hugo
// static or content file.
func (s *Store) whyUnused(key string, bundles map[string]bool) string {
	l := s.layout
	switch {
	case under(key, l.Media), under(key, l.Theme), l.Static != "" && under(key, l.Static):
		return ""
	case l.Jekyll:
		return whyUnusedJekyll(key, s.jekyll.Load())
	case l.Hugo && under(key, l.PageDir):
		return s.whyUnusedContent(key, bundles)
	case l.Hugo && strings.HasPrefix(key, "config/"):
		return "configuration of another environment; grail reads config/_default/"
	case !l.Hugo && (under(key, l.PageDir) || slices.ContainsFunc(l.PostDirs, func(d string) bool { return under(key, d) })):
		if isMarkdown(key) {
			return "not a post or page: posts are Markdown files under posts/, pages at the top of pages/ or as pages/<slug>/index.md"
		}
		if inBundle(path.Dir(key), false, bundles) {
			return ""
		}
		return "not beside a page bundle's index.md, so no page links it; media/ is served under /media/"
	}
	if l.Hugo {
		return "not part of a Hugo site's content, static files or configuration"
	}
	return "not part of the site: posts/, pages/, media/, theme/ and grail.toml are"
}

// whyUnusedContent: in a Hugo site's content/, Markdown that is not a
// page is not served; other files are, at their path (HTML pages are
// sources, and their problems the site's).
func (s *Store) whyUnusedContent(key string, bundles map[string]bool) string {
	file := path.Base(key)
	switch {
	case file == "_index.md":
		return "an _index.md outside the sections: grail's home page is its own"
	case isMarkdown(key) && inBundle(path.Dir(key), false, bundles):
		return fmt.Sprintf("a resource of the page bundle %s, not a page of its own (as in Hugo)", bundleOf(key, bundles))
	case isMarkdown(key):
		return "not read: no section or page holds it"
	}
	return ""
}

// bundleOf is the innermost page bundle above key, as a folder.
func bundleOf(key string, bundles map[string]bool) string {
	for dir := path.Dir(key); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if bundles[dir] {
			return dir + "/"
		}
	}
	return ""
}

func under(key, dir string) bool { return dir != "" && strings.HasPrefix(key, dir) }
