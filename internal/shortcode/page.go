package shortcode

import (
	"html/template"
	"path"
	"strings"
	"time"
)

// Page is what shortcodes may know of the document being expanded. The
// caller fills it; the package imports neither the site nor the web side.
// A Page serves one Expand at a time.
type Page struct {
	// File is the document's source key, named in problems; Line is the
	// line of the file where the expanded text starts (1 when 0).
	File string
	Line int

	Title string
	// FrontMatter returns the page's front matter; it is called once, the
	// first time a shortcode asks for a page parameter.
	FrontMatter  func() map[string]any
	Permalink    string
	RelPermalink string
	Date         time.Time
	// Files returns the page bundle's files; like FrontMatter, it is
	// called once, when a shortcode first asks for them.
	Files func() Resources

	// Refs resolves ref and relref; nil resolves nothing.
	Refs RefResolver

	params       map[string]any
	paramsLoaded bool
	files        Resources
	filesLoaded  bool
	set          *Set // the Set expanding the page, for RenderString
}

// Resources are the page bundle's files.
func (p *Page) Resources() Resources {
	if !p.filesLoaded {
		p.filesLoaded = true
		if p.Files != nil {
			p.files = p.Files()
		}
	}
	return p.files
}

// RenderString renders Markdown as Hugo's .Page.RenderString does: inline
// (one paragraph loses its <p>) unless the options say
// (dict "display" "block").
func (p *Page) RenderString(args ...any) (template.HTML, error) {
	if len(args) == 0 || p.set == nil {
		return "", nil
	}
	src := toString(args[len(args)-1])
	if len(args) > 1 {
		if o, ok := args[0].(map[string]any); ok && toString(o["display"]) == "block" {
			out, err := p.set.md.Render([]byte(src), contentInline)
			return template.HTML(out), err
		}
	}
	return p.set.markdownify(src)
}

// Params is the page's front matter, keys in lower case as in Hugo.
func (p *Page) Params() map[string]any {
	if !p.paramsLoaded {
		p.paramsLoaded = true
		if p.FrontMatter != nil {
			p.params = lowerMap(p.FrontMatter())
		}
	}
	return p.params
}

// RefResolver finds the document a ref or relref names ("posts/x.md",
// "/posts/x", "x"), as seen from the page being expanded.
type RefResolver interface {
	// Ref returns the document's absolute and root-relative URLs, or
	// ok false when no document has that path.
	Ref(target string) (permalink, relPermalink string, ok bool)
}

// Site is what shortcodes may know of the site.
type Site struct {
	Title   string
	BaseURL string
	Params  map[string]any
}

// Resource is a file of a page bundle.
type Resource struct {
	Name         string // path inside the bundle ("images/a.jpg")
	Title        string
	RelPermalink string
	Permalink    string
	ResourceType string // "image", "text", "application"... as Hugo names them
	MediaType    string
}

// Resize, Fit, Fill and Crop give the image as it is: grail does not
// process images, and a gallery shortcode that asks for a thumbnail
// still shows the picture instead of failing.
func (r *Resource) Resize(string) *Resource { return r }
func (r *Resource) Fit(string) *Resource    { return r }
func (r *Resource) Fill(string) *Resource   { return r }
func (r *Resource) Crop(string) *Resource   { return r }

// Resources are a page bundle's files, with Hugo's finders.
type Resources []Resource

// GetMatch is the first resource whose name matches the glob pattern
// (case-insensitively, as in Hugo), or nil.
func (rs Resources) GetMatch(pattern string) *Resource {
	for i := range rs {
		if globMatch(pattern, rs[i].Name) {
			return &rs[i]
		}
	}
	return nil
}

// Get is the resource with exactly this name, or nil.
func (rs Resources) Get(name string) *Resource {
	for i := range rs {
		if strings.EqualFold(rs[i].Name, name) {
			return &rs[i]
		}
	}
	return nil
}

// Match is every resource whose name matches the glob pattern.
func (rs Resources) Match(pattern string) Resources {
	var out Resources
	for _, r := range rs {
		if globMatch(pattern, r.Name) {
			out = append(out, r)
		}
	}
	return out
}

// ByType is every resource of a type ("image").
func (rs Resources) ByType(t string) Resources {
	var out Resources
	for _, r := range rs {
		if r.ResourceType == t {
			out = append(out, r)
		}
	}
	return out
}

// globMatch matches like Hugo's resource globs: case-insensitive, "**"
// crossing folders.
func globMatch(pattern, name string) bool {
	pattern, name = strings.ToLower(strings.TrimPrefix(pattern, "/")), strings.ToLower(name)
	if ok, _ := path.Match(pattern, name); ok {
		return true
	}
	if strings.Contains(pattern, "**") {
		ok, _ := path.Match(strings.ReplaceAll(pattern, "**/", "*"), path.Base(name))
		return ok || pattern == "**"
	}
	return false
}

// ResourceType is Hugo's main type of a file from its name: "image",
// "text", "video", "audio" or "application".
func ResourceType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".tif", ".tiff":
		return "image"
	case ".txt", ".md", ".csv", ".html", ".css", ".js":
		return "text"
	case ".mp4", ".webm", ".ogv", ".mov":
		return "video"
	case ".mp3", ".ogg", ".wav", ".flac", ".m4a":
		return "audio"
	}
	return "application"
}
