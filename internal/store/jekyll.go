package store

import (
	"context"
	"errors"
	"fmt"
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
	return config.ParseJekyll(name, data), nil
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
		if kind, ok := JekyllKind(o.Key, cfg.Jekyll); ok {
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
	dirs := strings.Split(path.Dir(key), "/")
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
	return content.KindPage, !JekyllUnpublished(key, j)
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
// file outside the _ folders that is not a page.
func (s *Store) openJekyllStatic(ctx context.Context, name string) (File, error) {
	if isMarkdown(name) || JekyllUnpublished(name, nil) || strings.HasPrefix(name, "_") {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return s.b.Open(ctx, name)
}
