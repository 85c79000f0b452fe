package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSlugLen is the longest slug in bytes: longer ones make unwieldy
// URLs and, as file names, reach file system limits.
const maxSlugLen = 200

// Slugify makes a URL path segment from a title, a file name, a tag or a
// category name: lower case, letters and digits kept (in any script, with
// their combining marks), accents dropped from Latin letters, everything
// else folded into single hyphens. The result is in Unicode NFC, the form
// text is typed in, and is empty or a ValidSlug.
func Slugify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false      // a separator came after the last rune kept
	dropMarks := true // marks now would be accents on a Latin letter
	// Bytes that are not UTF-8 (a Latin-1 file name) separate words;
	// left in, they stop the normalizer from decomposing what follows.
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, " ")) {
		switch {
		case unicode.Is(unicode.M, r):
			// Kana voicing marks, Devanagari vowel signs, Cyrillic й's
			// breve are part of the letter; Latin accents are dropped.
			if !dropMarks && !sep {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.':
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			r = unicode.ToLower(r)
			if base, ok := latinBase[r]; ok {
				r = base
			}
			dropMarks = !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r)
			b.WriteRune(r)
		default:
			sep = true
		}
	}
	return trimSlug(norm.NFC.String(b.String()))
}

// latinBase maps Latin letters whose diacritic is not a combining mark
// (so that decomposition leaves them whole) to their base letter.
var latinBase = map[rune]rune{'ł': 'l', 'ø': 'o', 'đ': 'd', 'ħ': 'h', 'ı': 'i', 'ŧ': 't'}

// trimSlug cuts s to maxSlugLen bytes, between two characters, and trims
// the punctuation a slug may not start or end with.
func trimSlug(s string) string {
	if len(s) > maxSlugLen {
		cut := maxSlugLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		for cut > 0 {
			r, _ := utf8.DecodeRuneInString(s[cut:])
			if !unicode.Is(unicode.M, r) {
				break
			}
			cut-- // do not part a letter from its marks
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		s = s[:cut]
	}
	return strings.Trim(s, "-._")
}

// ValidSlug reports whether s can be used as it is as one URL path segment.
func ValidSlug(s string) bool {
	if s == "" || len(s) > maxSlugLen || s[0] == '.' {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.':
		case i > 0 && unicode.Is(unicode.M, r):
		default:
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
