package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"

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
var pageTemplates = []string{"home", "post", "page", "list", "categories", "tags", "archive", "notfound", "error"}

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
			css, err := syntaxCSS()
			if err != nil {
				return err
			}
			body = append(append(append([]byte(nil), body...), '\n'), css...)
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(logical)
		hashed := "/assets/" + strings.TrimSuffix(logical, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		t.assets[hashed] = newResponse(200, ctype, "public, max-age=31536000, immutable", body, zeroTime)
		t.shortLived[hashed] = newResponse(200, ctype, "public, max-age=300", body, zeroTime)
		t.assetURLs[logical] = hashed
	}
	return nil
}

// syntaxCSS is the code highlighting palette: a light style, and a dark
// one for readers whose system is in dark mode.
//
// The dark style has no rule for some classes the light one colours
// (punctuation, some names); left alone they would keep their light
// colours, dark on dark. They inherit the dark text colour instead.
func syntaxCSS() ([]byte, error) {
	f := html.New(html.WithClasses(true), html.ClassPrefix("hl-"))
	var light, dark bytes.Buffer
	if err := f.WriteCSS(&light, styles.Get("github")); err != nil {
		return nil, err
	}
	if err := f.WriteCSS(&dark, styles.Get("github-dark")); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("/* Code highlighting (generated from chroma's github styles) */\n")
	b.Write(light.Bytes())
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	b.Write(dark.Bytes())
	for _, class := range missingClasses(light.String(), dark.String()) {
		fmt.Fprintf(&b, ".hl-chroma .hl-%s { color: inherit }\n", class)
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

var cssClassRE = regexp.MustCompile(`\.hl-([a-z0-9]+) \{[^}]*\bcolor:`)

// missingClasses lists, sorted, the classes that light gives a colour and
// dark does not.
func missingClasses(light, dark string) []string {
	has := map[string]bool{}
	for _, m := range cssClassRE.FindAllStringSubmatch(dark, -1) {
		has[m[1]] = true
	}
	var out []string
	for _, m := range cssClassRE.FindAllStringSubmatch(light, -1) {
		if !has[m[1]] && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

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
	name := strings.TrimPrefix(urlPath, "/assets/")
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
	return "/assets/" + name
}
