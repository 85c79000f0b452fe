package content

import (
	"bytes"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// JekyllOptions are what reading a file of a Jekyll site needs beyond
// its bytes.
type JekyllOptions struct {
	// ExcerptSeparator ends a post's excerpt; "" or "\n\n" is the first
	// paragraph, as grail's lead already is.
	ExcerptSeparator string
	// Defaults are the front matter values the site's defaults: give
	// this file; its own front matter wins over them.
	Defaults map[string]any
}

// ParseJekyll reads one source file of a Jekyll site as Parse does, with
// Jekyll's rules on top: a post's date and slug come from its file name
// (2024-03-31-title.md), its categories from the folders above _posts/
// and from category or categories (a list, or words), a file in
// _drafts/ or with published: false is a draft, and permalink: gives its
// address (a pattern, see urls).
func ParseJekyll(key string, kind Kind, src []byte, loc *time.Location, o JekyllOptions) (*Doc, []Problem) {
	parses.Add(1)
	if loc == nil {
		loc = time.UTC
	}
	p := fmParser{key: key, loc: loc, jekyll: &o}
	doc := p.parse(kind, src)
	if doc == nil && len(p.problems) == 0 {
		p.skip(0, "", "cannot be read")
	}
	return doc, p.problems
}

// JekyllPostName splits the file name of a Jekyll post into its date
// and its title part: "2024-03-31-hello-world.md" is 2024-03-31 (in
// loc) and "hello-world". ok is false for a name without a date.
func JekyllPostName(key string, loc *time.Location) (date time.Time, title string, ok bool) {
	base := strings.TrimSuffix(path.Base(key), path.Ext(key))
	if len(base) < 12 || base[10] != '-' {
		return time.Time{}, "", false
	}
	t, err := time.ParseInLocation("2006-01-02", base[:10], loc)
	if err != nil {
		return time.Time{}, "", false
	}
	return t, base[11:], true
}

// JekyllFolderCategories are the categories a Jekyll post takes from
// the folders above its _posts/ folder: blog/tech/_posts/x.md is in
// blog and tech.
func JekyllFolderCategories(key string) []string {
	dir := path.Dir(key)
	i := strings.Index("/"+dir+"/", "/_posts/")
	if i < 0 {
		i = strings.Index("/"+dir+"/", "/_drafts/")
	}
	if i <= 0 {
		return nil
	}
	return strings.Split(dir[:i-1], "/")
}

// applyJekyllDefaults puts the site's defaults into the front matter
// where the file sets nothing.
func (p *fmParser) applyJekyllDefaults() {
	for k, v := range p.jekyll.Defaults {
		if _, set := p.fm.values[strings.ToLower(k)]; !set {
			p.fm.set(k, 0, v)
		}
	}
}

// jekyllTitlePart is a post's file name without its date, or a page's
// without its extension.
func jekyllTitlePart(key string) string {
	if _, title, ok := JekyllPostName(key, time.UTC); ok && inPostFolder(key) {
		return title
	}
	return strings.TrimSuffix(path.Base(key), path.Ext(key))
}

// JekyllSlug is the slug of a Jekyll site's file without a slug in its
// front matter: a post's file name without the date, made URL-safe.
func JekyllSlug(key string) string {
	if _, title, ok := JekyllPostName(key, time.UTC); ok && inPostFolder(key) {
		return Slugify(title)
	}
	return DefaultSlug(key)
}

func inPostFolder(key string) bool {
	k := "/" + key
	return strings.Contains(k, "/_posts/") || strings.Contains(k, "/_drafts/")
}

// jekyllDates gives a post the date of its file name, which its front
// matter's date overrides, and makes drafts of _drafts/ and of
// published: false.
func (p *fmParser) jekyllDates(d *Doc) {
	if inPostFolder(p.key) {
		p.fileDate, _, _ = JekyllPostName(p.key, p.loc)
	}
	// published: is Jekyll's switch, not the date Hugo reads from it.
	published, isSwitch := p.fm.values["published"].(bool)
	if isSwitch {
		delete(p.fm.values, "published")
	}
	if strings.Contains("/"+p.key, "/_drafts/") || isSwitch && !published {
		d.Draft = true
	}
}

// jekyllFields reads what Jekyll's front matter says beyond Hugo's.
func (p *fmParser) jekyllFields(d *Doc) {
	if _, set := p.fm.get("title"); !set {
		d.Title = JekyllTitle(jekyllTitlePart(p.key))
	}
	if u := p.str("permalink"); u != "" {
		d.URL = "/" + strings.TrimLeft(u, "/")
	}
	d.Categories, d.CategoryNames = nil, nil
	names := JekyllFolderCategories(p.key)
	names = append(names, p.words("category")...)
	names = append(names, p.words("categories")...)
	for _, c := range dedupe(names) {
		if slug, name, ok := CategoryPath(c); ok && !contains(d.Categories, slug) {
			d.Categories = append(d.Categories, slug)
			d.CategoryNames = append(d.CategoryNames, name)
		}
	}
	d.Tags = dedupe(p.words("tags"))
	if d.Kind == KindPost {
		d.Lead, d.HasMore = jekyllExcerpt(d.Body, p.jekyll.ExcerptSeparator)
	}
}

// words reads a list, or a string of words separated by spaces, as
// Jekyll reads categories and tags.
func (p *fmParser) words(key string) []string {
	if s, ok := p.fm.values[key].(string); ok {
		return strings.Fields(s)
	}
	return p.list(key)
}

// jekyllExcerpt is the part of body before sep, or the first paragraph.
func jekyllExcerpt(body []byte, sep string) ([]byte, bool) {
	if sep != "" && sep != "\n\n" {
		if i := bytes.Index(body, []byte(sep)); i >= 0 {
			return clone(bytes.TrimSpace(body[:i])), true
		}
	}
	return lead(body)
}

// JekyllTitle is the title Jekyll gives a post without one: its file
// name's words, each capitalised ("hello-WORLD" is "Hello World").
func JekyllTitle(slug string) string {
	words := strings.Split(slug, "-")
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + strings.ToLower(w[n:])
	}
	return strings.Join(words, " ")
}

// JekyllSlugify is Jekyll's slugify: every run of characters other than
// letters, marks and digits (and, pretty, ._~!$&'()+,;=@) becomes one
// "-", with none at either end, in lower case unless cased.
func JekyllSlugify(s string, pretty, cased bool) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		keep := unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || pretty && strings.ContainsRune("._~!$&'()+,;=@", r)
		if !keep {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		if !cased {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
