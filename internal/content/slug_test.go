package content

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"  Leading and   trailing  ", "leading-and-trailing"},
		{"C++ & Go", "c-go"},
		{"Go 1.26 release notes", "go-1.26-release-notes"},
		{"under_score.file", "under_score.file"},
		{"...hidden", "hidden"},
		{"a -_", "a"},
		{"--- ", ""},
		{"", ""},
		{"🚀 Launch day", "launch-day"},
		{"caf\xe9 cr\xe8me", "caf-cr-me"},
		{"\xf6û", "u"},
		// Accents are dropped from Latin letters, decomposed or not.
		{"Crème Brûlée", "creme-brulee"},
		{"Cre\u0300me", "creme"},
		{"Ångström", "angstrom"},
		{"Łódź", "lodz"},
		{"Øresund", "oresund"},
		{"İstanbul", "istanbul"},
		{"Straße", "straße"},
		// Compatibility forms become plain letters and digits.
		{"ﬁle", "file"},
		{"Ｆｕｌｌ　ｗｉｄｔｈ", "full-width"},
		{"Chapter ②", "chapter-2"},
		// Other scripts keep their letters and marks.
		{"Привет, мир", "привет-мир"},
		{"Йошкар-Ола", "йошкар-ола"},
		{"日本語のブログ", "日本語のブログ"},
		{"がっこう", "がっこう"},
		{"ｶﾞｲﾄﾞ", "ガイド"},
		{"한국어 블로그", "한국어-블로그"},
		{"हिन्दी ब्लॉग", "हिन्दी-ब्लॉग"},
		{"ภาษา ไทย", "ภาษา-ไทย"},
		{"مرحبا بالعالم", "مرحبا-بالعالم"},
		{"Ελληνικά", "ελληνικά"},
		{"עברית", "עברית"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Slugify(tt.in)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got != "" && !ValidSlug(got) {
				t.Errorf("Slugify(%q) = %q, which is not a ValidSlug", tt.in, got)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("Slugify(%q) = %q is not NFC", tt.in, got)
			}
			if again := Slugify(got); again != got {
				t.Errorf("Slugify is not stable: %q, then %q", got, again)
			}
		})
	}
}

func TestSlugifyLong(t *testing.T) {
	for _, word := range []string{"keyboard", "हिन्दी", "日本語"} {
		got := Slugify(strings.Repeat(word+" ", 100))
		if len(got) > 200 || !ValidSlug(got) || !utf8.ValidString(got) {
			t.Errorf("%s: %d bytes, valid=%v: %q", word, len(got), ValidSlug(got), got)
		}
		if !strings.HasPrefix(strings.Repeat(word+"-", 100), got) {
			t.Errorf("%s: %q is not a prefix of the full slug", word, got)
		}
	}
}

func TestValidSlug(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"hello-world", true},
		{"Keyboards_2.0", true},
		{"über", true},
		{"日本語", true},
		{"हिन्दी", true},
		{"v1.2", true},
		{strings.Repeat("a", 200), true},
		{strings.Repeat("a", 201), false},
		{"", false},
		{".hidden", false},
		{"..", false},
		{"a/b", false},
		{"a b", false},
		{"a?b", false},
		{"a#b", false},
		{"a%20b", false},
		{"\u0301a", false},
	}
	for _, tt := range tests {
		if got := ValidSlug(tt.in); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCategoryPath(t *testing.T) {
	tests := []struct {
		in, slug, name string
		ok             bool
	}{
		{"programming/qmk", "programming/qmk", "programming/qmk", true},
		{"Programming / QMK", "programming/qmk", "Programming/QMK", true},
		{"  Hardware  /  Mechanical   Keyboards ", "hardware/mechanical-keyboards", "Hardware/Mechanical Keyboards", true},
		{"/leading/slash/", "leading/slash", "leading/slash", true},
		{"a//b", "a/b", "a/b", true},
		{"Café / Crème brûlée", "cafe/creme-brulee", "Café/Crème brûlée", true},
		{"日本語 / ブログ", "日本語/ブログ", "日本語/ブログ", true},
		{"Go", "go", "Go", true},
		{"Go/!!!", "", "", false},
		{"", "", "", false},
		{" / / ", "", "", false},
	}
	for _, tt := range tests {
		slug, name, ok := CategoryPath(tt.in)
		if slug != tt.slug || name != tt.name || ok != tt.ok {
			t.Errorf("CategoryPath(%q) = %q, %q, %v; want %q, %q, %v", tt.in, slug, name, ok, tt.slug, tt.name, tt.ok)
		}
	}
}
