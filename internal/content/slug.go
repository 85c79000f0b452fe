package content

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify makes a URL path segment from a title, a file name, a tag or a
// category name: lower case, letters and digits kept (in any script),
// accents dropped from Latin letters, everything else folded into single
// hyphens.
func Slugify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	hyphen := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r): // combining accents left by NFKD
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case r == '_' || r == '.':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return strings.Trim(b.String(), "._")
}

// ValidSlug reports whether s can be used as it is as one URL path segment.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 200 || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// CategoryPath splits a category written as "Programming / QMK" or
// "programming/qmk" into its slug path ("programming/qmk") and its display
// path ("Programming/QMK"). ok is false when a level has no usable name.
func CategoryPath(s string) (slugPath, namePath string, ok bool) {
	var slugs, names []string
	for _, seg := range strings.Split(s, "/") {
		name := strings.Join(strings.Fields(seg), " ")
		if name == "" {
			continue
		}
		slug := Slugify(name)
		if slug == "" {
			return "", "", false
		}
		slugs = append(slugs, slug)
		names = append(names, name)
	}
	if len(slugs) == 0 {
		return "", "", false
	}
	return strings.Join(slugs, "/"), strings.Join(names, "/"), true
}
