package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/liquid"
	"github.com/grailblog/grail/internal/shortcode"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// layoutSource is the site's templates read from layouts/ (shortcodes
// and render hooks, its theme's too) as last read from the store, the
// render hooks parsed from them, and the shortcode Set parsed from them
// for the site's settings. It is guarded by Server.mu.
type layoutSource struct {
	loaded bool
	sum    [32]byte
	files  map[string][]byte
	config store.ShortcodeSettings
	hooks  *content.Hooks
	set    *shortcode.Set
	setFor shortcode.Site // the settings set was parsed with
}

// readLayouts reads the site's (and its theme's) shortcode templates and
// render hooks, and the settings shortcodes use.
func readLayouts(ctx context.Context, st *store.Store) (map[string][]byte, store.ShortcodeSettings, error) {
	cfg, err := st.ShortcodeSettings(ctx)
	if err != nil {
		return nil, cfg, fmt.Errorf("read settings for shortcodes: %w", err)
	}
	files, err := st.LayoutFiles(ctx, cfg.Theme, store.BodyLayoutDirs...)
	if err != nil {
		return nil, cfg, fmt.Errorf("read layouts: %w", err)
	}
	return files, cfg, nil
}

// shortcodeOptions are the options of the Set for snapshot st.
func shortcodeOptions(st *site.Site, cfg store.ShortcodeSettings, md *content.Markdown) shortcode.Options {
	return shortcode.Options{
		Site:             shortcode.Site{Title: st.Config.Title, BaseURL: st.Config.BaseURL, Params: cfg.Params},
		Markdown:         md,
		InlineShortcodes: cfg.InlineShortcodes,
	}
}

// reloadLayouts reads the shortcodes and render hooks again. When they
// or their settings changed, pages rendered with the old ones are dropped
// from the cache.
func (s *Server) reloadLayouts(ctx context.Context) error {
	files, cfg, err := readLayouts(ctx, s.store)
	if err != nil {
		return err
	}
	sum := fingerprint(files)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.layouts.loaded && s.layouts.sum == sum && reflect.DeepEqual(s.layouts.config, cfg) {
		return nil
	}
	hooks, problems := content.ParseHooks(files)
	for _, p := range problems {
		s.log.Warn("render hook", "problem", p.String())
	}
	s.layouts = layoutSource{loaded: true, sum: sum, files: files, config: cfg, hooks: hooks}
	s.view = nil
	s.themeGen.Add(1)
	return nil
}

// shortcodeSet is the Set for the snapshot st, parsed once for each
// change of the templates or of the site's title and address. The caller
// holds s.mu.
func (s *Server) shortcodeSet(st *site.Site) *shortcode.Set {
	src := &s.layouts
	o := shortcodeOptions(st, src.config, s.markdownFor(st))
	want := o.Site
	if src.set == nil || src.setFor.Title != want.Title || src.setFor.BaseURL != want.BaseURL {
		set, problems := shortcode.New(src.files, o)
		for _, p := range problems {
			s.log.Warn("shortcode template", "problem", p.String())
		}
		src.set, src.setFor = set, want
	}
	return src.set
}

// bodyRenderer renders documents' Markdown with their shortcodes
// expanded: every body and lead goes through it.
type bodyRenderer struct {
	shortcodes *shortcode.Set
	// liquid is set for a Jekyll site, whose bodies have Liquid instead
	// of shortcodes (liquid.go).
	liquid *liquid.Site
	store  *store.Store
	log    *slog.Logger
}

// renderBody renders src, a part of d's Markdown (or of its HTML, which
// is kept as written). Shortcodes are expanded first; their problems are
// logged (grail check lists them too).
func (v *view) renderBody(ctx context.Context, d *content.Doc, src []byte, o content.RenderOptions) ([]byte, error) {
	b := v.bodies
	o.Page = v.hookPage(d)
	if b.liquid != nil && liquid.Contains(src) {
		return v.expandLiquid(ctx, d, src, o)
	}
	render := func(src []byte) ([]byte, error) {
		if d.HTML {
			return src, nil
		}
		return v.md.Render(src, o)
	}
	if b.shortcodes == nil || !bytes.Contains(src, []byte("{{")) {
		return render(src)
	}
	md, rep, problems := b.shortcodes.Expand(src, v.shortcodePage(ctx, d))
	for _, p := range problems {
		b.log.Warn("shortcode", "problem", p.String())
	}
	out, err := render(md)
	if err != nil {
		return nil, err
	}
	return rep.Replace(out), nil
}

// shortcodePage is what shortcodes see of d.
func (v *view) shortcodePage(ctx context.Context, d *content.Doc) *shortcode.Page {
	rel := v.site.URL(d)
	return &shortcode.Page{
		File: d.Key, Line: d.BodyLine,
		Title: d.Title, Date: d.Date,
		Permalink: v.site.Config.BaseURL + rel, RelPermalink: rel,
		Refs:        siteRefs{site: v.site, from: d},
		FrontMatter: func() map[string]any { return v.frontMatter(ctx, d) },
		Files:       func() shortcode.Resources { return v.bundleFiles(ctx, d) },
	}
}

// hookPage is what render hooks see of d as .Page.
func (v *view) hookPage(d *content.Doc) content.HookPage {
	return hookPage{doc: d, rel: v.site.URL(d), base: v.site.Config.BaseURL}
}

type hookPage struct {
	doc       *content.Doc
	rel, base string
}

func (p hookPage) Title() string        { return p.doc.Title }
func (p hookPage) RelPermalink() string { return p.rel }
func (p hookPage) Permalink() string    { return p.base + p.rel }

// bundleFiles are the files of d's bundle, as shortcodes see them.
func (v *view) bundleFiles(ctx context.Context, d *content.Doc) shortcode.Resources {
	if d.Bundle == "" || v.bodies.store == nil {
		return nil
	}
	names, err := v.bodies.store.BundleFiles(ctx, d.Bundle)
	if err != nil {
		v.bodies.log.Warn("list bundle files", "bundle", d.Bundle, "err", err)
	}
	base := bundleBase(v.site, d)
	var out shortcode.Resources
	for _, n := range names {
		out = append(out, shortcode.Resource{
			Name: n, Title: n, RelPermalink: base + n, Permalink: v.site.Config.BaseURL + base + n,
			ResourceType: shortcode.ResourceType(n),
		})
	}
	return out
}

// frontMatter is d's front matter as a map, for shortcodes that ask for
// page params; nil when the source cannot be read again.
func (v *view) frontMatter(ctx context.Context, d *content.Doc) map[string]any {
	src, err := v.loader.Version(ctx, d.Key, d.ETag)
	if err != nil {
		v.bodies.log.Warn("read front matter for shortcodes", "key", d.Key, "err", err)
		return nil
	}
	return decodeFrontMatter(src.Data)
}

// decodeFrontMatter decodes YAML, TOML or JSON front matter into a map.
func decodeFrontMatter(src []byte) map[string]any {
	var m map[string]any
	switch syntax := content.FrontMatterSyntax(src); syntax {
	case content.YAMLFrontMatter, content.TOMLFrontMatter:
		header, _, _, err := content.FrontMatterBlock(src, syntax)
		if err != nil {
			return nil
		}
		if syntax == content.YAMLFrontMatter {
			_ = yaml.Unmarshal(header, &m)
		} else {
			_ = toml.Unmarshal(header, &m)
		}
	case content.JSONFrontMatter:
		_ = json.NewDecoder(bytes.NewReader(src)).Decode(&m)
	}
	return m
}

// siteRefs resolves ref and relref against a snapshot, as Hugo does: by
// the file's path in the content folder (with or without ".md", relative
// to the page's folder or not), by a bundle's folder, or by the address.
type siteRefs struct {
	site *site.Site
	from *content.Doc
}

func (r siteRefs) Ref(target string) (string, string, bool) {
	d := r.find(target)
	if d == nil {
		return "", "", false
	}
	rel := r.site.URL(d)
	return r.site.Config.BaseURL + rel, rel, true
}

func (r siteRefs) find(target string) *content.Doc {
	if d := r.site.ByPathOrTwin(target); d != nil && strings.HasPrefix(target, "/") {
		return d
	}
	want := []string{refKey(target)}
	if !strings.HasPrefix(target, "/") {
		want = append(want, refKey(path.Join(path.Dir(contentPath(r.from.Key)), target)))
	}
	var byName *content.Doc
	for _, list := range [][]*content.Doc{r.site.Posts, r.site.Pages, r.site.SectionDocs()} {
		for _, d := range list {
			key := refKey(contentPath(d.Key))
			for _, w := range want {
				if key == w {
					return d
				}
			}
			if byName == nil && !strings.Contains(target, "/") && path.Base(key) == want[0] {
				byName = d
			}
		}
	}
	return byName
}

// contentPath is a document's key inside the content folder.
func contentPath(key string) string { return strings.TrimPrefix(key, "content/") }

// refKey makes "posts/x.md", "/posts/x", "posts/x/index.md" and
// "posts/x/_index.md" the same: "posts/x".
func refKey(p string) string {
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".md")
	p = strings.TrimSuffix(p, "/index")
	p = strings.TrimSuffix(p, "/_index")
	return p
}

// BodyProblems renders every post and page of the loader's snapshot as
// its page would and returns what will not reach readers as written:
// render hooks and shortcode templates that do not parse, unknown
// shortcodes, templates that fail, refs to no document, raw HTML the
// Content-Security-Policy blocks, formulas that cannot be drawn; in a
// Jekyll site, what is wrong with the Liquid of each, expanded instead. All are
// warnings: the site serves. grail check prints them.
func BodyProblems(ctx context.Context, st *store.Store, l *site.Loader) ([]content.Problem, error) {
	files, cfg, err := readLayouts(ctx, st)
	if err != nil {
		return nil, err
	}
	snap := l.Current()
	hooks, problems := content.ParseHooks(files)
	md := content.NewMarkdown(markdownOptions(snap, hooks))
	set, found := shortcode.New(files, shortcodeOptions(snap, cfg, md))
	problems = append(problems, found...)
	v := &view{site: snap, loader: l, md: md, bodies: bodyRenderer{shortcodes: set, liquid: liquidSite(snap, st), store: st, log: slog.New(slog.DiscardHandler)}}
	for _, list := range [][]*content.Doc{snap.Posts, snap.Pages, snap.SectionDocs()} {
		for _, d := range list {
			body, err := l.Body(ctx, d)
			if err != nil {
				return nil, err
			}
			if v.bodies.liquid != nil && liquid.Contains(body) {
				_, _, found := liquid.Expand(ctx, body, v.bodies.liquid, v.liquidPage(ctx, d))
				problems = append(problems, found...)
			} else if bytes.Contains(body, []byte("{{")) {
				_, _, found := set.Expand(body, v.shortcodePage(ctx, d))
				problems = append(problems, found...)
			}
			problems = append(problems, bodyFindings(md, d, body, snap.Config.BaseURL, v.hookPage(d))...)
		}
	}
	for i := range problems {
		problems[i].Warning = true
	}
	return problems, nil
}

// bodyFindings is what of d's body will not reach readers as written:
// for an HTML page, what the Content-Security-Policy blocks.
func bodyFindings(md *content.Markdown, d *content.Doc, body []byte, origin string, page content.HookPage) []content.Problem {
	if d.HTML {
		return content.CSPFindings(d.Key, d.BodyLine, body, content.MarkdownOptions{Unsafe: true}, origin)
	}
	return md.Findings(d.Key, d.BodyLine, body, origin, page)
}

// Preview renders an editor's text as the page at key would show it,
// shortcodes expanded (a new document is previewed as a post with no
// files of its own). The admin's live preview calls it.
func (s *Server) Preview(ctx context.Context, key, body string) ([]byte, error) {
	v, err := s.currentView()
	if err != nil {
		return nil, err
	}
	d := v.docByKey(key)
	if d == nil {
		d = &content.Doc{Key: key, Slug: "preview"}
	}
	return v.renderBody(ctx, d, []byte(body), content.RenderOptions{IDPrefix: "preview-", LinkBase: bundleBase(v.site, d)})
}

// docByKey is the post or page stored at key, or nil.
func (v *view) docByKey(key string) *content.Doc {
	if key == "" {
		return nil
	}
	for _, list := range [][]*content.Doc{v.site.Posts, v.site.Pages} {
		for _, d := range list {
			if d.Key == key {
				return d
			}
		}
	}
	return nil
}
