package urls

import (
	"strings"
	"unicode"

	"github.com/grailblog/grail/internal/content"
)

// Urlize makes an address segment of a name as Hugo does (its urlize,
// paths.Sanitize lower-cased): letters, digits and marks of any script
// are kept, and so are . _ ~ + @ and -, even repeated or at the end
// ("a---b-" stays "a---b-"); a run of spaces becomes one hyphen, except
// next to one; anything else is dropped. Unlike grail's slugs, accents
// stay and nothing is folded: the addresses of a Hugo site are kept.
func Urlize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, lastHyphen := false, false
	for _, r := range s {
		if allowedInPath(r) {
			lastHyphen = r == '-'
			if space && !lastHyphen {
				b.WriteByte('-')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else if b.Len() > 0 && !lastHyphen && unicode.IsSpace(r) {
			space = true
		}
	}
	return b.String()
}

// allowedInPath is Hugo's isAllowedPathCharacter, less the characters a
// single segment of grail's addresses cannot hold (/ \ # and %).
func allowedInPath(r rune) bool {
	switch r {
	case '.', '_', '+', '~', '-', '@':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// TagSlug is the address segment of a tag: Hugo's urlize in Hugo's
// style; in grail's, its slug with the signs that tell languages apart
// spelt out, so that C, C++ and C# do not share one page.
func (m *Map) TagSlug(name string) string {
	if m.hugo != nil {
		return Urlize(name)
	}
	return content.Slugify(tagSigns.Replace(name))
}

var tagSigns = strings.NewReplacer("+", " plus ", "#", " sharp ")

// hugoSlug is the last segment of a document's address in Hugo's style:
// its front matter slug, or its file (or bundle folder) name, urlized.
func hugoSlug(d *content.Doc) string {
	if s := frontMatterSlug(d); s != "" {
		return s
	}
	return Urlize(fileBase(d))
}

// frontMatterSlug is the slug the front matter sets, urlized, or "".
func frontMatterSlug(d *content.Doc) string {
	if d.Key != "" && d.Slug == fileBase(d) {
		return "" // the file's own name, already a slug: the usual case, and cheap
	}
	if d.Key == "" || d.Slug != content.DefaultSlug(d.Key) {
		return Urlize(d.Slug)
	}
	return ""
}
