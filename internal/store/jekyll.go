package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store/backend"
)

// jekyllLayout is a Jekyll site root read in place: posts in any
// _posts/ folder, pages anywhere outside the _ folders, every other
// file outside them published at its path.
var jekyllLayout = Layout{Jekyll: true, PostDirs: []string{"_posts/"}, Media: "media/", Theme: "theme/"}

// jekyllPrivate are folders and files of a Jekyll site that Jekyll
// never publishes (its own excludes), beside every name starting with
// "_" or ".".
var jekyllPrivate = []string{"Gemfile", "Gemfile.lock", "node_modules/", "vendor/", "theme/", "media/"}

// isJekyllSite: a _config.yml (or .toml) and a _posts/ folder at the top.
func isJekyllSite(ctx context.Context, b backend.Backend, top []string) (bool, error) {
	if !hasDir(top, "_posts/") {
		return false, nil
	}
	name, err := firstExisting(ctx, b, config.JekyllConfigNames)
	return name != "", err
}

func hasDir(dirs []string, d string) bool {
	for _, t := range dirs {
		if t == d {
			return true
		}
	}
	return false
}

// firstExisting is the first of names that the store holds, or "".
func firstExisting(ctx context.Context, b backend.Backend, names []string) (string, error) {
	for _, name := range names {
		_, err := b.Stat(ctx, name)
		if err == nil {
			return name, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("site %s: %w", b.Describe(), err)
		}
	}
	return "", nil
}

// jekyllConfig reads the site's _config.yml.
func (s *Store) jekyllConfig(ctx context.Context) (config.Config, error) {
	name, err := firstExisting(ctx, s.b, config.JekyllConfigNames)
	if err != nil || name == "" {
		return config.Config{}, err
	}
	data, _, err := s.b.ReadAll(ctx, name)
	if err != nil {
		return config.Config{}, err
	}
	cfg := config.ParseJekyll(name, data)
	s.jekyll.Store(cfg.Jekyll)
	return cfg, nil
}

// jekyllSources lists a Jekyll site's posts (in _posts/ and _drafts/
// folders), the documents of its collections that are published, and
// its Markdown pages.
func (s *Store) jekyllSources(ctx context.Context) ([]Source, error) {
	cfg, err := s.jekyllConfig(ctx)
	if err != nil {
		return nil, err
	}
	var out []Source
	err = s.b.List(ctx, "", func(o ObjectInfo) error {
		if !isMarkdown(o.Key) {
			return nil
		}
		if kind, ok := JekyllKind(o.Key, cfg.Jekyll); ok && !strings.HasPrefix(o.Key, "_grail/") {
			out = append(out, Source{o, kind})
		}
		return nil
	})
	return out, err
}

// JekyllKind is what the Markdown file at key is in a Jekyll site with
// settings j: a post (in a _posts/ or _drafts/ folder), a page (outside
// every _ folder, or in a collection that is published), or nothing.
func JekyllKind(key string, j *config.Jekyll) (content.Kind, bool) {
	var dirs []string
	if dir := path.Dir(key); dir != "." {
		dirs = strings.Split(dir, "/")
	}
	for i, d := range dirs {
		if d == "_posts" || d == "_drafts" {
			return content.KindPost, true
		}
		if strings.HasPrefix(d, "_") || strings.HasPrefix(d, ".") {
			if c, ok := collectionOf(d, j); ok && i == 0 {
				return content.KindPage, c.Output
			}
			return 0, false
		}
	}
	if isJekyllHome(key) {
		return 0, false
	}
	return content.KindPage, !JekyllUnpublished(key, j)
}

// isJekyllHome: the site's index.md, which grail's home page (the list
// of posts) stands in for.
func isJekyllHome(key string) bool {
	return key == "index.md" || key == "index.markdown"
}

func collectionOf(dir string, j *config.Jekyll) (config.JekyllCollection, bool) {
	if j == nil {
		return config.JekyllCollection{}, false
	}
	c, ok := j.Collections[strings.TrimPrefix(dir, "_")]
	return c, ok
}

// JekyllUnpublished: a file outside the _ folders that Jekyll does not
// publish all the same (its own excludes and the site's exclude:,
// unless include: names it).
func JekyllUnpublished(key string, j *config.Jekyll) bool {
	name := path.Base(key)
	if strings.HasPrefix(key, "_") || strings.HasPrefix(name, ".") || strings.Contains(key, "/_") || strings.Contains(key, "/.") {
		return !matchesAny(key, includes(j))
	}
	return matchesAny(key, jekyllPrivate) || matchesAny(key, excludes(j)) && !matchesAny(key, includes(j))
}

func includes(j *config.Jekyll) []string {
	if j == nil {
		return nil
	}
	return j.Include
}

func excludes(j *config.Jekyll) []string {
	if j == nil {
		return nil
	}
	return j.Exclude
}

// matchesAny: key is one of patterns, or under one (a folder), or
// matches one as a glob.
func matchesAny(key string, patterns []string) bool {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "/")
		dir := strings.TrimSuffix(p, "/")
		if key == dir || strings.HasPrefix(key, dir+"/") {
			return true
		}
		if ok, _ := path.Match(p, key); ok {
			return true
		}
	}
	return false
}

// openJekyllStatic opens a file a Jekyll site publishes as it is: any
// file outside the _ folders without front matter. A file with front
// matter (an HTML page, a feed template) is one Jekyll renders with its
// layouts: grail does not serve its source.
func (s *Store) openJekyllStatic(ctx context.Context, name string) (File, error) {
	notFound := fmt.Errorf("%s: %w", name, ErrNotFound)
	if isMarkdown(name) || JekyllUnpublished(name, s.jekyll.Load()) || strings.HasPrefix(name, "_") {
		return nil, notFound
	}
	f, err := s.b.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	if startsWithFrontMatter(f) {
		f.Close()
		return nil, notFound
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// startsWithFrontMatter reads the start of f: does it open with
// Jekyll's front matter?
func startsWithFrontMatter(f io.Reader) bool {
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return bytes.HasPrefix(head[:n], []byte("---\n")) || bytes.HasPrefix(head[:n], []byte("---\r"))
}

// jekyllFolders are the folders of a Jekyll site that hold what Jekyll
// builds with rather than what it publishes, and why grail does not
// read them.
var jekyllFolders = map[string]string{
	"_site/":         "Jekyll's build output; grail serves the sources",
	"_layouts/":      "Jekyll layouts; grail renders with its own theme (theme/ overrides it)",
	"_includes/":     "Jekyll includes, read only by {% include %} in posts and pages",
	"_sass/":         "Sass partials, used only by Jekyll's build",
	"_data/":         "Jekyll data files, used only by Jekyll templates",
	"_plugins/":      "Ruby plugins, run only by Jekyll",
	".jekyll-cache/": "Jekyll's cache",
	".sass-cache/":   "Sass's cache",
	"node_modules/":  "JavaScript packages, never published by Jekyll",
	"vendor/":        "bundled gems, never published by Jekyll",
	"_drafts/":       "drafts, shown only in the admin",
}

// jekyllUnusedFolder is the Jekyll build folder key lies in, or "".
func jekyllUnusedFolder(key string) string {
	top, _, _ := strings.Cut(key, "/")
	if _, ok := jekyllFolders[top+"/"]; ok {
		return top + "/"
	}
	return ""
}

// whyUnusedJekyll says why a file of a Jekyll site that is not a
// source or its settings is not served, or "" when it is (at its path).
func whyUnusedJekyll(key string, j *config.Jekyll) string {
	switch {
	case isJekyllHome(key):
		return "the home page: grail's list of the newest posts stands in for it"
	case isMarkdown(key) && strings.HasPrefix(key, "_"):
		return "in a folder Jekyll does not publish (not _posts/ or a collection with output: true)"
	case isMarkdown(key):
		return "excluded by exclude: in _config.yml"
	case strings.HasPrefix(key, "_") || strings.Contains(key, "/_"):
		return "in a _ folder, which Jekyll does not publish"
	case JekyllUnpublished(key, j):
		return "excluded: Jekyll does not publish it"
	}
	return ""
}

// JekyllInclude reads a file of a Jekyll site's _includes/, for
// {% include name %}.
func (s *Store) JekyllInclude(ctx context.Context, name string) ([]byte, error) {
	if !s.layout.Jekyll || name == "" || !path.IsAbs("/"+name) || path.Clean("/"+name) != "/"+name {
		return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
	}
	data, _, err := s.b.ReadAll(ctx, "_includes/"+name)
	return data, err
}

// jekyllTemplateExts are the kinds of file Jekyll renders when they have
// front matter; other files are only ever copied.
var jekyllTemplateExts = map[string]bool{".html": true, ".htm": true, ".xml": true, ".json": true, ".txt": true, ".css": true, ".scss": true, ".sass": true, ".js": true}

// isJekyllTemplate: a file outside the _ folders that Jekyll renders
// with its layouts (it has front matter), which grail does not serve.
func (s *Store) isJekyllTemplate(ctx context.Context, key string) bool {
	if !jekyllTemplateExts[path.Ext(key)] || strings.HasPrefix(key, "_") {
		return false
	}
	f, err := s.b.Open(ctx, key)
	if err != nil {
		return false
	}
	defer f.Close()
	return startsWithFrontMatter(f)
}
