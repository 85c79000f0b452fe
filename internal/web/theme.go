package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"

	"github.com/grailblog/grail/internal/urls"
	"github.com/grailblog/grail/theme"
)

// Theme is the parsed templates and the assets they link to, with each
// asset under a content-hashed name so it can be cached for a year.
type Theme struct {
	templates map[string]*template.Template // by page name; never executed, only cloned
	assets    map[string]*response          // by hashed URL path
	assetURLs map[string]string             // "style.css" → "/assets/style.3f2a9c1b.css"
	// shortLived are the same assets for requests without the current hash.
	shortLived map[string]*response
}

// pageTemplates are the pages a theme renders; each is executed with base.html.
var pageTemplates = []string{"home", "post", "page", "list", "categories", "tags", "terms", "archive", "notfound", "error"}

// LoadTheme merges a site's theme files over the built-in theme: a file
// in overrides (keyed like "templates/post.html") replaces the built-in one.
func LoadTheme(overrides map[string][]byte) (*Theme, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(theme.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p], err = fs.ReadFile(theme.Files, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	for name, data := range overrides {
		files[name] = data
	}
	t := &Theme{templates: map[string]*template.Template{}, assets: map[string]*response{}, assetURLs: map[string]string{}, shortLived: map[string]*response{}}
	if err := t.loadAssets(files); err != nil {
		return nil, err
	}
	if err := t.parseTemplates(files); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Theme) loadAssets(files map[string][]byte) error {
	var names []string
	for name := range files {
		if strings.HasPrefix(name, "assets/") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		body := files[name]
		logical := strings.TrimPrefix(name, "assets/")
		if logical == "style.css" {
			body = append(append(append([]byte(nil), body...), '\n'), syntaxCSS...)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(logical)
		hashed := urls.AssetPrefix + strings.TrimSuffix(logical, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		t.assets[hashed] = embeddable(newResponse(200, ctype, "public, max-age=31536000, immutable", body, zeroTime))
		t.shortLived[hashed] = embeddable(newResponse(200, ctype, "public, max-age=300", body, zeroTime))
		t.assetURLs[logical] = hashed
	}
	return nil
}

// syntaxCSS is the code highlighting palette, generated from chroma's
// github styles by TestSyntaxCSS (go test ./internal/web -run SyntaxCSS
// -update). It is a file rather than made at start-up because chroma's
// style registry takes milliseconds to load, on every cold start.
//
//go:embed syntax.css
var syntaxCSS []byte

func (t *Theme) parseTemplates(files map[string][]byte) error {
	base, ok := files["templates/base.html"]
	if !ok {
		return fmt.Errorf("theme: templates/base.html is missing")
	}
	for _, name := range pageTemplates {
		file := "templates/" + name + ".html"
		src, ok := files[file]
		if !ok {
			return fmt.Errorf("theme: %s is missing", file)
		}
		tmpl := template.New(name).Funcs(templateFuncs(nil, t))
		if _, err := tmpl.New("base.html").Parse(string(base)); err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		if _, err := tmpl.New(name + ".html").Parse(string(src)); err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		t.templates[name] = tmpl
	}
	return nil
}

// assetByName finds an asset by its path with the hash left out or stale
// ("/assets/style.css", "/assets/style.0123456789.css") and returns it with
// a short cache lifetime.
func (t *Theme) assetByName(urlPath string) *response {
	name := strings.TrimPrefix(urlPath, urls.AssetPrefix)
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i >= 0 && len(stem)-i-1 == 10 {
		stem = stem[:i]
	}
	hashed, ok := t.assetURLs[stem+ext]
	if !ok {
		return nil
	}
	return t.shortLived[hashed]
}

// Asset returns the cached response for a hashed asset path.
func (t *Theme) Asset(urlPath string) *response { return t.assets[urlPath] }

// AssetURL returns the hashed URL of a theme asset such as "style.css".
func (t *Theme) AssetURL(name string) string {
	if u, ok := t.assetURLs[name]; ok {
		return u
	}
	return urls.AssetPrefix + name
}
