// Package store owns the layout of a site's bucket — a folder on disk, an
// S3 bucket or memory — and is the only package that knows where anything
// lives in it: posts, pages, media, theme files, and grail's own state
// under _grail/ (revisions, trash, the session key, the index snapshot).
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store/backend"
)

// Store is a site's storage. It is safe for concurrent use.
type Store struct {
	b      backend.Backend
	layout Layout
	log    *slog.Logger
	// jekyll is a Jekyll site's settings as last read (its collections
	// tell which files are pages).
	jekyll atomic.Pointer[config.Jekyll]
}

// Layout says where a site keeps each kind of file. A grail site and a
// Hugo site root are laid out differently; both are served as they are.
type Layout struct {
	Hugo bool
	// Jekyll: a Jekyll site root (jekyll.go), whose pages and static
	// files lie anywhere outside its _ folders.
	Jekyll bool
	// PostDirs hold posts, at any depth; PageDir holds pages at its top
	// level (or as <slug>/index.md bundles).
	PostDirs []string
	PageDir  string
	// Media is served under /media/; Static (Hugo's static/) at the root.
	Media  string
	Static string
	Theme  string
}

var grailLayout = Layout{PostDirs: []string{"posts/"}, PageDir: "pages/", Media: "media/", Theme: "theme/"}

// Source is a post or page source file in the store.
type Source struct {
	ObjectInfo
	Kind content.Kind
}

// Open opens the site at location: a folder path, a file:// URL, or a
// bucket URL (s3://bucket?region=…, mem://). It checks that the store can
// be reached and works out its layout.
func Open(ctx context.Context, location string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b, err := openBackend(ctx, location)
	if err != nil {
		return nil, err
	}
	return New(ctx, b, log)
}

// New makes a Store of an open backend and works out its layout. On
// error it closes the backend.
func New(ctx context.Context, b backend.Backend, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	layout, err := detectLayout(ctx, b)
	if err != nil {
		b.Close()
		return nil, err
	}
	return &Store{b: b, layout: layout, log: log}, nil
}

// detectLayout tells a Hugo site root (content/ and no posts/) from a
// grail site.
func detectLayout(ctx context.Context, b backend.Backend) (Layout, error) {
	top, err := b.ListDirs(ctx, "")
	if err != nil {
		return Layout{}, fmt.Errorf("site %s: %w", b.Describe(), err)
	}
	has := func(d string) bool {
		for _, t := range top {
			if t == d {
				return true
			}
		}
		return false
	}
	if jekyll, err := isJekyllSite(ctx, b, top); err != nil || jekyll {
		return jekyllLayout, err
	}
	if has("posts/") || has("pages/") || !has("content/") {
		return grailLayout, nil
	}
	l := Layout{Hugo: true, PageDir: "content/", Media: "media/", Static: "static/", Theme: "theme/"}
	sections, err := b.ListDirs(ctx, "content/")
	if err != nil {
		return Layout{}, fmt.Errorf("site %s: %w", b.Describe(), err)
	}
	// Every folder of content/ is a section, as in Hugo, unless it is a
	// page bundle (an index.md in it): that is a page.
	for _, s := range sections {
		_, err := b.Stat(ctx, s+"index.md")
		if errors.Is(err, ErrNotFound) {
			l.PostDirs = append(l.PostDirs, s)
		} else if err != nil {
			return Layout{}, fmt.Errorf("site %s: %w", b.Describe(), err)
		}
	}
	// New posts go to the first: the usual names for a blog's posts
	// come before other sections.
	slices.SortStableFunc(l.PostDirs, func(a, b string) int { return usualPostDir(a) - usualPostDir(b) })
	return l, nil
}

// usualPostDir ranks the folders Hugo blogs usually keep posts in first.
func usualPostDir(dir string) int {
	switch dir {
	case "content/posts/", "content/post/", "content/blog/":
		return 0
	}
	return 1
}

// Layout returns where this site keeps things.
func (s *Store) Layout() Layout { return s.layout }

// Describe names the store in messages.
func (s *Store) Describe() string { return s.b.Describe() }

// Close releases the store.
func (s *Store) Close() error { return s.b.Close() }

// Config reads the site's settings: grail.toml and, in a Hugo site, the
// Hugo configuration under it (grail.toml adds to it). A site without
// either gets the defaults. A Hugo configuration grail cannot read is
// reported in Problems, not as an error: the site is still served.
func (s *Store) Config(ctx context.Context) (config.Config, error) {
	base := config.Default()
	if s.layout.Jekyll {
		var err error
		if base, err = s.jekyllConfig(ctx); err != nil {
			return config.Config{}, err
		}
	}
	if s.layout.Hugo {
		files, err := s.hugoConfigFiles(ctx)
		if err != nil {
			return config.Config{}, err
		}
		base = config.ParseHugoFiles(files)
	}
	data, _, err := s.b.ReadAll(ctx, config.FileName)
	if errors.Is(err, ErrNotFound) {
		return base, nil
	}
	if err != nil {
		return config.Config{}, err
	}
	return config.ParseOver(base, data)
}

// hugoConfigFiles reads a Hugo site's configuration: the files of
// config/_default/, then the first root file Hugo would read.
func (s *Store) hugoConfigFiles(ctx context.Context) ([]config.HugoFile, error) {
	var files []config.HugoFile
	var keys []string
	err := s.b.List(ctx, config.HugoConfigDir, func(o ObjectInfo) error {
		if ext := path.Ext(o.Key); !strings.Contains(strings.TrimPrefix(o.Key, config.HugoConfigDir), "/") && (ext == ".toml" || ext == ".yaml" || ext == ".yml" || ext == ".json") {
			keys = append(keys, o.Key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range config.HugoConfigNames {
		if _, err := s.b.Stat(ctx, name); err == nil {
			keys = append(keys, name)
			break
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	for _, k := range keys {
		data, _, err := s.b.ReadAll(ctx, k)
		if err != nil {
			return nil, err
		}
		files = append(files, config.HugoFile{Name: k, Data: data})
	}
	return files, nil
}

// Sources lists every post and page source (Markdown files).
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	if s.layout.Jekyll {
		return s.jekyllSources(ctx)
	}
	var out []Source
	for _, dir := range s.layout.PostDirs {
		var found []Source
		err := s.b.List(ctx, dir, func(o ObjectInfo) error {
			switch {
			case path.Base(o.Key) == "_index.md":
				if s.layout.Hugo {
					found = append(found, Source{o, content.KindSection})
				}
			case s.isContentFile(o.Key):
				found = append(found, Source{o, s.sectionKind()})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, dropBundleResources(found)...)
	}
	err := s.b.List(ctx, s.layout.PageDir, func(o ObjectInfo) error {
		if s.isPage(o.Key) {
			out = append(out, Source{o, content.KindPage})
		}
		return nil
	})
	return out, err
}

// sectionKind is the kind of the Markdown files of the post folders: a
// Hugo site publishes them with or without a date.
func (s *Store) sectionKind() content.Kind {
	if s.layout.Hugo {
		return content.KindEntry
	}
	return content.KindPost
}

// dropBundleResources leaves out the Markdown files inside a page bundle
// other than its index.md: Hugo reads them as the bundle's resources,
// not as pages of their own.
func dropBundleResources(sources []Source) []Source {
	bundles := map[string]bool{}
	for _, s := range sources {
		if path.Base(s.Key) == "index.md" {
			bundles[path.Dir(s.Key)] = true
		}
	}
	out := sources[:0]
	for _, s := range sources {
		if !inBundle(path.Dir(s.Key), path.Base(s.Key) == "index.md", bundles) {
			out = append(out, s)
		}
	}
	return out
}

// inBundle: a file in folder dir lies inside one of bundles (an index.md
// is inside only the bundles above its own).
func inBundle(dir string, isIndex bool, bundles map[string]bool) bool {
	if isIndex {
		dir = path.Dir(dir)
	}
	for ; dir != "." && dir != "/" && dir != ""; dir = path.Dir(dir) {
		if bundles[dir] {
			return true
		}
	}
	return false
}

// isPage: a Markdown file at the top of the page folder, or the index.md
// of a bundle folder there that is not a post section.
func (s *Store) isPage(key string) bool {
	rel := strings.TrimPrefix(key, s.layout.PageDir)
	if !s.isContentFile(rel) || path.Base(rel) == "_index.md" {
		return false
	}
	dir, file := path.Split(rel)
	if dir == "" {
		return true
	}
	if strings.Count(dir, "/") != 1 || file != "index.md" {
		return false
	}
	for _, p := range s.layout.PostDirs {
		if s.layout.PageDir+dir == p {
			return false
		}
	}
	return true
}

func isMarkdown(key string) bool {
	return strings.HasSuffix(key, ".md") || strings.HasSuffix(key, ".markdown")
}

// isContentFile: a file read as a post or page, Markdown or, in a Hugo
// site, HTML with front matter.
func (s *Store) isContentFile(key string) bool {
	return isMarkdown(key) || s.layout.Hugo && content.IsHTMLKey(key)
}

// Read returns the bytes and version of an object.
func (s *Store) Read(ctx context.Context, key string) ([]byte, ObjectInfo, error) {
	return s.b.ReadAll(ctx, key)
}

// Stat returns an object's version without reading it.
func (s *Store) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	return s.b.Stat(ctx, key)
}

// OpenMedia opens a file served under /media/; name is the path after it.
func (s *Store) OpenMedia(ctx context.Context, name string) (File, error) {
	return s.b.Open(ctx, s.layout.Media+name)
}

// OpenStatic opens a file of a Hugo site's static/ folder, which Hugo
// serves at the site root; name is the URL path without its leading slash.
func (s *Store) OpenStatic(ctx context.Context, name string) (File, error) {
	if s.layout.Jekyll {
		return s.openJekyllStatic(ctx, name)
	}
	if s.layout.Static == "" {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return s.b.Open(ctx, s.layout.Static+name)
}

// OpenContentFile opens a file of a Hugo site's content/ folder that is
// not a page (an image in content/posts/images/, a keybase.txt): Hugo
// publishes such files at their path. name is the URL path without its
// leading slash.
func (s *Store) OpenContentFile(ctx context.Context, name string) (File, error) {
	if !s.layout.Hugo || s.isContentFile(name) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return s.b.Open(ctx, s.layout.PageDir+name)
}

// OpenBundleFile opens a file that sits beside a bundle's index.md.
func (s *Store) OpenBundleFile(ctx context.Context, bundle, name string) (File, error) {
	if isMarkdown(name) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	return s.b.Open(ctx, bundle+name)
}

// ThemeFiles reads every file of the site's theme/ folder, which override
// the built-in theme file by file. Keys in the result are relative to it.
func (s *Store) ThemeFiles(ctx context.Context) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := s.b.List(ctx, s.layout.Theme, func(o ObjectInfo) error {
		data, _, err := s.b.ReadAll(ctx, o.Key)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(o.Key, s.layout.Theme)] = data
		return nil
	})
	return files, err
}

// PostKey is where a new post with this slug is stored.
func (s *Store) PostKey(slug string) string {
	dir := "posts/"
	if len(s.layout.PostDirs) > 0 {
		dir = s.layout.PostDirs[0]
	}
	return dir + slug + ".md"
}

// indexKey holds the loader's snapshot of every parsed source.
const indexKey = "_grail/index.json.gz"

// ReadIndex reads the index snapshot (ErrNotFound if there is none).
func (s *Store) ReadIndex(ctx context.Context) ([]byte, ObjectInfo, error) {
	return s.b.ReadAll(ctx, indexKey)
}

// StatIndex returns the index snapshot's version.
func (s *Store) StatIndex(ctx context.Context) (ObjectInfo, error) {
	return s.b.Stat(ctx, indexKey)
}

// WriteIndex replaces the index snapshot if it is still at version prev
// ("": if there is none yet), else fails with ErrConflict.
func (s *Store) WriteIndex(ctx context.Context, data []byte, prev string) (ObjectInfo, error) {
	o := WriteOptions{ContentType: "application/gzip", IfMatch: prev, IfAbsent: prev == ""}
	return s.b.Write(ctx, indexKey, data, o)
}

// KindOf tells whether key is a post or a page of this site (in a Hugo
// site's sections, an entry: a post if it has a date).
func (s *Store) KindOf(key string) (content.Kind, bool) {
	if s.layout.Jekyll {
		return JekyllKind(key, s.jekyll.Load())
	}
	for _, d := range s.layout.PostDirs {
		if strings.HasPrefix(key, d) && isMarkdown(key) && path.Base(key) != "_index.md" {
			return s.sectionKind(), true
		}
	}
	if s.isPage(key) {
		return content.KindPage, true
	}
	return content.KindPost, false
}
