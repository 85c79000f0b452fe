package content

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fullDoc is what every testdata/frontmatter/full.* fixture says, whatever
// its format: each field of the front matter, read the same way.
var fullDoc = docView{
	Title:         "Keyboards: QMK firmware",
	Slug:          "qmk-firmware",
	Date:          "2024-03-31T09:30:00+02:00",
	Lastmod:       "2024-04-02T18:00:00+02:00",
	PublishDate:   "2024-04-01T08:00:00+02:00",
	Categories:    []string{"programming/qmk", "hardware/keyboards"},
	CategoryNames: []string{"Programming/QMK", "Hardware/Keyboards"},
	Tags:          []string{"qmk", "keyboards", "C"},
	Aliases:       []string{"/old/qmk", "/qmk-old"},
	Summary:       "How I flashed my keyboard.",
	Description:   "Flashing QMK.",
	Lead:          "Intro paragraph.",
	HasMore:       true,
}

const fullBody = "Intro paragraph.\n\n<!--more-->\n\nRest of the post.\n"

// TestParseFormats reads the same post written with YAML, TOML and JSON
// front matter, as saved on Unix, on Windows (CRLF) and with a BOM.
func TestParseFormats(t *testing.T) {
	formats := []struct {
		file     string
		bodyLine int
	}{
		{"full.yaml.md", 20},
		{"full.toml.md", 17},
		{"full.json.md", 15},
	}
	variants := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"LF", func(b []byte) []byte { return b }},
		{"CRLF", func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) }},
		{"BOM", func(b []byte) []byte { return append([]byte("\xef\xbb\xbf"), b...) }},
		{"BOM+CRLF", func(b []byte) []byte {
			return append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))...)
		}},
	}
	for _, f := range formats {
		for _, v := range variants {
			t.Run(f.file+"/"+v.name, func(t *testing.T) {
				src := v.edit(readFixture(t, "frontmatter/"+f.file))
				d, problems := Parse("posts/qmk.md", KindPost, src, time.UTC)
				checkProblems(t, "posts/qmk.md", problems, nil)
				if d == nil {
					t.Fatal("no doc")
				}
				want := fullDoc
				want.BodyLine = f.bodyLine
				if got := viewOf(d); !reflect.DeepEqual(got, want) {
					t.Errorf("doc:\n got  %+v\n want %+v", got, want)
				}
				body := strings.ReplaceAll(string(d.Body), "\r\n", "\n")
				if body != fullBody {
					t.Errorf("body = %q, want %q", body, fullBody)
				}
			})
		}
	}
}

// TestParseFormatsAgree guards the fixtures themselves: the three formats
// must say the same thing, or TestParseFormats proves less than it claims.
func TestParseFormatsAgree(t *testing.T) {
	var first docView
	for i, f := range []string{"full.yaml.md", "full.toml.md", "full.json.md"} {
		d, _ := Parse("posts/qmk.md", KindPost, readFixture(t, "frontmatter/"+f), time.UTC)
		if d == nil {
			t.Fatalf("%s: no doc", f)
		}
		v := viewOf(d)
		v.BodyLine = 0
		if i == 0 {
			first = v
		} else if !reflect.DeepEqual(v, first) {
			t.Errorf("%s reads differently from full.yaml.md:\n %+v\n %+v", f, v, first)
		}
	}
}

func TestParseSlugAndBundle(t *testing.T) {
	tests := []struct {
		key, front string
		kind       Kind
		slug       string
		bundle     string
		problems   []wantProblem
	}{
		{key: "posts/2024/My First Post.md", slug: "my-first-post"},
		{key: "posts/qmk-build/index.md", slug: "qmk-build", bundle: "posts/qmk-build/"},
		{key: "posts/2024/Über Café/index.md", slug: "uber-cafe", bundle: "posts/2024/Über Café/"},
		{key: "posts/notes.markdown", slug: "notes"},
		{key: "posts/notes/index.markdown", slug: "notes", bundle: "posts/notes/"},
		{key: "pages/about.md", kind: KindPage, slug: "about"},
		{key: "pages/now/index.md", kind: KindPage, slug: "now", bundle: "pages/now/"},
		{key: "posts/qmk-build/index.md", front: "slug: qmk\n", slug: "qmk", bundle: "posts/qmk-build/"},
		{key: "posts/2024/draft-1.md", front: "slug: Keyboards_2.0\n", slug: "Keyboards_2.0"},
		{
			key: "posts/a-b.md", front: "slug: my post\n", slug: "a-b",
			problems: []wantProblem{{4, "slug", false, `"my post" cannot be a URL segment`}},
		},
		{
			key: "posts/!!!.md", slug: "",
			problems: []wantProblem{{1, "slug", true, "no usable slug"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			src := "---\ntitle: T\ndate: 2024-01-02\n" + tt.front + "---\nBody.\n"
			d, problems := Parse(tt.key, tt.kind, []byte(src), time.UTC)
			checkProblems(t, tt.key, problems, tt.problems)
			if tt.slug == "" {
				if d != nil {
					t.Errorf("got a doc with slug %q, want the file skipped", d.Slug)
				}
				return
			}
			if d == nil {
				t.Fatal("no doc")
			}
			if d.Slug != tt.slug || d.Bundle != tt.bundle {
				t.Errorf("slug, bundle = %q, %q; want %q, %q", d.Slug, d.Bundle, tt.slug, tt.bundle)
			}
		})
	}
}

// TestParseValues covers how single fields are read, beyond fullDoc.
func TestParseValues(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(*Doc) bool
	}{
		{"number as title", "---\ntitle: 1984\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Title == "1984" }},
		{"number as title, as written", "---\ntitle: 1.10\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Title == "1.10" }},
		{"octal-looking title", "---\ntitle: 007\nsummary: 0x1F\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Title == "007" && d.Summary == "0x1F" }},
		{"boolean as title", "---\ntitle: yes\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Title == "yes" }},
		{"JSON number as title", "{\"title\": 2.50, \"date\": \"2024-01-02\"}\n",
			func(d *Doc) bool { return d.Title == "2.50" }},
		{"TOML number as title", "+++\ntitle = 2024\ndate = 2024-01-02\n+++\n",
			func(d *Doc) bool { return d.Title == "2024" }},
		{"numbers in a list, as written", "---\ntitle: T\ndate: 2024-01-02\ntags: [1.10, 2.0, 007, yes, ~]\n---\n",
			func(d *Doc) bool { return reflect.DeepEqual(d.Tags, []string{"1.10", "2.0", "007", "yes"}) }},
		{"explicitly tagged boolean", "---\ntitle: T\ndate: 2024-01-02\ndraft: !!bool yes\n---\n",
			func(d *Doc) bool { return d.Draft }},
		{"huge number", "---\ntitle: 123456789012345678901234567890\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Title == "123456789012345678901234567890" }},
		{"title trimmed", "+++\ntitle = \"  Spaced  \"\ndate = 2024-01-02\n+++\n",
			func(d *Doc) bool { return d.Title == "Spaced" }},
		{"draft true", "---\ntitle: T\ndate: 2024-01-02\ndraft: true\n---\n",
			func(d *Doc) bool { return d.Draft }},
		{"draft as text", "---\ntitle: T\ndate: 2024-01-02\ndraft: \"true\"\n---\n",
			func(d *Doc) bool { return d.Draft }},
		{"draft yes (YAML 1.1, as Hugo reads it)", "---\ntitle: T\ndate: 2024-01-02\ndraft: yes\n---\n",
			func(d *Doc) bool { return d.Draft }},
		{"draft off", "---\ntitle: T\ndate: 2024-01-02\ndraft: off\n---\n",
			func(d *Doc) bool { return !d.Draft }},
		{"description stands in for summary", "---\ntitle: T\ndate: 2024-01-02\ndescription: D\n---\n",
			func(d *Doc) bool { return d.Summary == "D" && d.Description == "D" }},
		{"tags as one string", "---\ntitle: T\ndate: 2024-01-02\ntags: go\n---\n",
			func(d *Doc) bool { return reflect.DeepEqual(d.Tags, []string{"go"}) }},
		{"tags deduplicated and trimmed", "---\ntitle: T\ndate: 2024-01-02\ntags: [go, ' go ', 2024, '']\n---\n",
			func(d *Doc) bool { return reflect.DeepEqual(d.Tags, []string{"go", "2024"}) }},
		{"json numbers in tags", "{\"title\": \"T\", \"date\": \"2024-01-02\", \"tags\": [\"go\", 2024]}\n",
			func(d *Doc) bool { return reflect.DeepEqual(d.Tags, []string{"go", "2024"}) }},
		{"categories deduplicated by slug", "---\ntitle: T\ndate: 2024-01-02\ncategories: [Go, go, ' Programming /  Go ']\n---\n",
			func(d *Doc) bool {
				return reflect.DeepEqual(d.Categories, []string{"go", "programming/go"}) &&
					reflect.DeepEqual(d.CategoryNames, []string{"Go", "Programming/Go"})
			}},
		{"aliases cleaned", "---\ntitle: T\ndate: 2024-01-02\naliases: [' /a/b/ ', /a/b, /, old]\n---\n",
			func(d *Doc) bool { return reflect.DeepEqual(d.Aliases, []string{"/a/b", "/old"}) }},
		{"empty fields are absent", "---\ntitle: T\ndate: 2024-01-02\ntags:\ncategories:\nsummary:\ndraft:\n---\n",
			func(d *Doc) bool { return d.Tags == nil && d.Categories == nil && d.Summary == "" && !d.Draft }},
		{"keys in any case", "---\nTITLE: T\nDate: 2024-01-02\nPublishDate: 2024-01-03\nLastMod: 2024-01-04\n---\n",
			func(d *Doc) bool {
				return d.Title == "T" && stamp(d.PublishDate) == "2024-01-03T00:00:00Z" && stamp(d.Lastmod) == "2024-01-04T00:00:00Z"
			}},
		{"Hugo's other names for dates", "---\ntitle: T\ndate: 2024-01-02\npubdate: 2024-01-03\nmodified: 2024-01-04\n---\n",
			func(d *Doc) bool {
				return stamp(d.PublishDate) == "2024-01-03T00:00:00Z" && stamp(d.Lastmod) == "2024-01-04T00:00:00Z"
			}},
		{"publishDate stands in for a missing date, as in Hugo", "---\ntitle: T\npublishDate: 2024-01-03\n---\n",
			func(d *Doc) bool {
				return stamp(d.Date) == "2024-01-03T00:00:00Z" && stamp(d.Published()) == "2024-01-03T00:00:00Z"
			}},
		{"unknown fields ignored", "---\ntitle: T\ndate: 2024-01-02\nweight: 3\nparams: {toc: true}\n---\n",
			func(d *Doc) bool { return d.Title == "T" }},
		{"YAML anchors and aliases", "---\ntitle: &t Shared\nsummary: *t\ndate: 2024-01-02\n---\n",
			func(d *Doc) bool { return d.Summary == "Shared" }},
		{"document end marker", "---\ntitle: T\ndate: 2024-01-02\n...\nBody\n",
			func(d *Doc) bool { return string(d.Body) == "Body\n" && d.BodyLine == 5 }},
		{"no front matter", "Just text.\n",
			func(d *Doc) bool { return d.Title == "p" && string(d.Body) == "Just text.\n" && d.BodyLine == 1 }},
		{"front matter only", "---\ntitle: T\ndate: 2024-01-02\n---",
			func(d *Doc) bool { return len(d.Body) == 0 && d.Lead == nil && !d.HasMore }},
		{"JSON body line", "{\n\"title\": \"T\",\n\"date\": \"2024-01-02\"\n}\n\nBody\n",
			func(d *Doc) bool { return d.BodyLine == 5 && string(d.Body) == "\nBody\n" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := KindPost
			if tt.name == "no front matter" {
				kind = KindPage
			}
			d, problems := Parse("posts/p.md", kind, []byte(tt.src), time.UTC)
			if d == nil {
				t.Fatalf("no doc; problems: %v", problems)
			}
			if tt.name != "no front matter" && len(problems) > 0 {
				t.Errorf("unexpected problems: %v", problems)
			}
			if !tt.check(d) {
				t.Errorf("wrong doc: %+v (body %q)", viewOf(d), d.Body)
			}
		})
	}
}

// TestParseProblems checks that each problem names the file, the line and
// the field, and whether it keeps the file off the site.
func TestParseProblems(t *testing.T) {
	const key = "posts/p.md"
	tests := []struct {
		name     string
		kind     Kind
		src      string
		skipped  bool // no doc
		problems []wantProblem
	}{
		{name: "missing title", src: "---\ndate: 2024-01-02\n---\nBody\n",
			problems: []wantProblem{{1, "title", false, `missing; the slug "p" is shown instead`}}},
		{name: "title is a list", src: "---\ndate: 2024-01-02\ntitle: [a, b]\n---\n",
			problems: []wantProblem{{3, "title", false, "want text, not a list"}}},
		{name: "YAML bad date", src: "---\ntitle: T\ndate: yesterday\n---\n", skipped: true,
			problems: []wantProblem{{3, "date", true, `"yesterday" is not a date`}}},
		{name: "TOML bad date", src: "+++\ntitle = \"T\"\n\ndate = \"yesterday\"\n+++\n", skipped: true,
			problems: []wantProblem{{4, "date", true, `"yesterday" is not a date`}}},
		{name: "JSON bad date", src: "{\n  \"title\": \"T\",\n  \"date\": \"yesterday\"\n}\n", skipped: true,
			problems: []wantProblem{{3, "date", true, `"yesterday" is not a date`}}},
		{name: "JSON on one line", src: `{"title": "T", "date": "yesterday"}` + "\n", skipped: true,
			problems: []wantProblem{{1, "date", true, `"yesterday" is not a date`}}},
		{name: "JSON key also nested earlier", src: "{\n  \"params\": {\n    \"date\": 1\n  },\n  \"date\": \"soon\",\n  \"title\": \"T\"\n}\n", skipped: true,
			problems: []wantProblem{{5, "date", true, `"soon" is not a date`}}},
		{name: "TOML key also in a table earlier", src: "+++\ntitle = \"T\"\ndate = \"soon\"\n[params]\ndate = 1\n+++\n", skipped: true,
			problems: []wantProblem{{3, "date", true, `"soon" is not a date`}}},
		{name: "field named as written", src: "---\ntitle: T\ndate: 2024-01-02\npublishDate: soon\n---\n", skipped: true,
			problems: []wantProblem{{4, "publishDate", true, `"soon" is not a date`}}},
		{name: "bad lastmod", src: "+++\ntitle = \"T\"\ndate = 2024-01-02\nlastmod = \"later\"\n+++\n", skipped: true,
			problems: []wantProblem{{4, "lastmod", true, `"later" is not a date`}}},
		{name: "date is a number", src: "---\ntitle: T\ndate: 20240102\n---\n", skipped: true,
			problems: []wantProblem{{3, "date", true, "want a date, not a number"}}},
		{name: "TOML time without a date", src: "+++\ntitle = \"T\"\ndate = 09:30:00\n+++\n", skipped: true,
			problems: []wantProblem{{3, "date", true, "has no day"}}},
		{name: "unknown zone abbreviation", src: "---\ntitle: T\ndate: 2024-03-31 09:30:00 XYZ\n---\n", skipped: true,
			problems: []wantProblem{{3, "date", true, `"XYZ"`}}},
		{name: "post without date", src: "---\ntitle: T\n---\n", skipped: true,
			problems: []wantProblem{{1, "date", true, "missing; a post needs the date"}}},
		{name: "post with an empty date", src: "---\ntitle: T\ndate: ''\n---\n", skipped: true,
			problems: []wantProblem{{3, "date", true, "missing; a post needs the date"}}},
		{name: "post with a null date", src: "---\ntitle: T\ndate:\n---\n", skipped: true,
			problems: []wantProblem{{3, "date", true, "missing; a post needs the date"}}},
		{name: "draft with an empty date, as Hugo's archetypes write it", src: "---\ntitle: T\ndate:\ndraft: true\n---\n"},
		{name: "page without date", kind: KindPage, src: "---\ntitle: About\n---\n"},
		{name: "draft not a boolean", src: "---\ntitle: T\ndate: 2024-01-02\ndraft: maybe\n---\n",
			problems: []wantProblem{{4, "draft", false, "want true or false"}}},
		{name: "tags as a table", src: "---\ntitle: T\ndate: 2024-01-02\ntags:\n  a: 1\n---\n",
			problems: []wantProblem{{4, "tags", false, "want a list of text, not a table"}}},
		{name: "table in tags", src: "---\ntitle: T\ndate: 2024-01-02\ntags: [a, {b: 1}]\n---\n",
			problems: []wantProblem{{4, "tags", false, "found a table in it"}}},
		{name: "category without letters", src: "---\ntitle: T\ndate: 2024-01-02\n\ncategories: [Go, '!!!/x']\n---\n",
			problems: []wantProblem{{5, "categories", false, `"!!!/x" has a level with no letters or digits`}}},
		{name: "YAML syntax", src: "---\ntitle: T\ndate: 2024-01-02\nsummary: a: b\n---\n", skipped: true,
			problems: []wantProblem{{4, "", true, "not valid YAML"}}},
		{name: "YAML tab indentation", src: "---\ntitle: T\ntags:\n\t- a\n---\n", skipped: true,
			problems: []wantProblem{{4, "", true, "not valid YAML"}}},
		{name: "YAML not a mapping", src: "---\n- a\n- b\n---\n", skipped: true,
			problems: []wantProblem{{2, "", true, "key: value"}}},
		{name: "TOML syntax", src: "+++\ntitle = \"T\"\ndate = 2024-01-02\nsummary = oops\n+++\n", skipped: true,
			problems: []wantProblem{{4, "", true, "not valid TOML"}}},
		{name: "TOML duplicate key", src: "+++\ntitle = \"T\"\ntitle = \"U\"\n+++\n", skipped: true,
			problems: []wantProblem{{3, "", true, "not valid TOML"}}},
		{name: "JSON syntax", src: "{\n  \"title\": \"T\",\n  \"date\": \"2024-01-02\"\n  \"draft\": true\n}\n", skipped: true,
			problems: []wantProblem{{4, "", true, "not valid JSON"}}},
		{name: "JSON not closed", src: "{\n  \"title\": \"T\",\n", skipped: true,
			problems: []wantProblem{{3, "", true, "not valid JSON"}}},
		{name: "unterminated YAML", src: "---\ntitle: T\ndate: 2024-01-02\nBody\n", skipped: true,
			problems: []wantProblem{{1, "", true, "opened with --- on line 1 is never closed"}}},
		{name: "opening line only", src: "---", skipped: true,
			problems: []wantProblem{{1, "", true, "opened with --- on line 1 is never closed"}}},
		{name: "unterminated TOML", src: "+++\ntitle = \"T\"\n", skipped: true,
			problems: []wantProblem{{1, "", true, "opened with +++ on line 1 is never closed"}}},
		{name: "not UTF-8 in front matter", src: "---\ntitle: T\ndate: 2024-01-02\nsummary: caf\xe9\n---\n", skipped: true,
			problems: []wantProblem{{4, "", true, "not UTF-8"}}},
		{name: "not UTF-8 in body", src: "---\ntitle: T\ndate: 2024-01-02\n---\nfine\n\nna\xefve\n", skipped: true,
			problems: []wantProblem{{7, "", true, "not UTF-8"}}},
		{name: "Latin-1 on line 1", src: "\xe9t\xe9\n", skipped: true,
			problems: []wantProblem{{1, "", true, "not UTF-8"}}},
		{name: "empty post", src: "", skipped: true,
			problems: []wantProblem{{1, "title", false, "missing"}, {1, "date", true, "missing"}}},
		{name: "empty page", kind: KindPage, src: "",
			problems: []wantProblem{{1, "title", false, "missing"}}},
		{name: "YAML alias loop", src: "---\ntitle: T\ndate: 2024-01-02\nx: &a [*a]\n---\n"},
		{name: "YAML alias bomb", src: "---\ntitle: T\ndate: 2024-01-02\n" + yamlBomb + "---\n"},
	}
	for _, tt := range tests {
		// Saved on Windows, the file must give the same problems on the
		// same lines.
		for _, eol := range []string{"\n", "\r\n"} {
			t.Run(fmt.Sprintf("%s/%q", tt.name, eol), func(t *testing.T) {
				src := strings.ReplaceAll(tt.src, "\n", eol)
				d, problems := Parse(key, tt.kind, []byte(src), time.UTC)
				if (d == nil) != tt.skipped {
					t.Errorf("doc = %v, want skipped=%v", d != nil, tt.skipped)
				}
				checkProblems(t, key, problems, tt.problems)
			})
		}
	}
}

// yamlBomb is nine levels of aliases to nine aliases: a billion strings
// if expanded naively.
var yamlBomb = func() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	return b.String()
}()

func TestParseOversized(t *testing.T) {
	src := append([]byte("---\ntitle: T\ndate: 2024-01-02\n---\n"), bytes.Repeat([]byte("word "), MaxSourceSize/5+1)...)
	d, problems := Parse("posts/big.md", KindPost, src, time.UTC)
	if d != nil {
		t.Error("an oversized file was parsed")
	}
	checkProblems(t, "posts/big.md", problems, []wantProblem{{0, "", true, "the limit is 2097152"}})

	head := []byte("---\ntitle: T\ndate: 2024-01-02\n---\n")
	ok := append(head, bytes.Repeat([]byte("x"), MaxSourceSize-len(head))...)
	if d, problems := Parse("posts/big.md", KindPost, ok, time.UTC); d == nil {
		t.Errorf("a file just under the limit was skipped: %v", problems)
	}
}

// TestParseDates reads dates as an author writes them, in sites in
// several zones, including the days clocks change.
func TestParseDates(t *testing.T) {
	tests := []struct {
		name, zone, front, want string
	}{
		{"offset kept", "Europe/Berlin", "date: 2024-03-31T09:30:00+05:30", "2024-03-31T09:30:00+05:30"},
		{"Z kept", "Europe/Berlin", "date: 2024-03-31T09:30:00Z", "2024-03-31T09:30:00Z"},
		{"negative offset kept", "UTC", "date: '2024-12-31T23:30:00-05:00'", "2024-12-31T23:30:00-05:00"},
		{"fraction kept", "UTC", "date: 2024-03-31T09:30:00.25+01:00", "2024-03-31T09:30:00.25+01:00"},
		{"no offset: site zone, winter", "Europe/Berlin", "date: 2024-01-15T10:00:00", "2024-01-15T10:00:00+01:00"},
		{"no offset: site zone, summer", "Europe/Berlin", "date: 2024-07-15 10:00", "2024-07-15T10:00:00+02:00"},
		{"day only: midnight in site zone", "America/New_York", "date: 2024-07-01", "2024-07-01T00:00:00-04:00"},
		{"quoted", "Europe/Berlin", "date: \"2024-01-15 10:00:00\"", "2024-01-15T10:00:00+01:00"},
		// Clocks go 02:00 → 03:00: 02:30 does not exist and is read as 03:30.
		{"spring forward, Berlin", "Europe/Berlin", "date: 2025-03-30T02:30:00", "2025-03-30T03:30:00+02:00"},
		{"spring forward, New York", "America/New_York", "date: 2025-03-09T02:30:00", "2025-03-09T03:30:00-04:00"},
		// Clocks go 03:00 → 02:00: 02:30 happens twice; the first one counts.
		{"fall back, Berlin", "Europe/Berlin", "date: 2025-10-26T02:30:00", "2025-10-26T02:30:00+02:00"},
		{"fall back, New York", "America/New_York", "date: 2025-11-02T01:30:00", "2025-11-02T01:30:00-04:00"},
		{"site zone abbreviation, winter", "Europe/Berlin", "date: 2025-01-10 09:00:00 CET", "2025-01-10T09:00:00+01:00"},
		{"site zone abbreviation, summer", "Europe/Berlin", "date: 2025-07-10 09:00:00 CEST", "2025-07-10T09:00:00+02:00"},
		{"UTC abbreviation", "Europe/Berlin", "date: 2025-07-10 09:00:00 UTC", "2025-07-10T09:00:00Z"},
		{"numeric offset with space", "UTC", "date: 2025-07-10 09:00:00 +0200", "2025-07-10T09:00:00+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\ntitle: T\n" + tt.front + "\n---\n"
			d, problems := Parse("posts/p.md", KindPost, []byte(src), zone(t, tt.zone))
			if d == nil {
				t.Fatalf("skipped: %v", problems)
			}
			if got := stamp(d.Date); got != tt.want {
				t.Errorf("date = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParseTOMLDates: TOML has typed dates; local ones are in the site's zone.
func TestParseTOMLDates(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	tests := []struct{ value, want string }{
		{"2024-03-31T09:30:00+05:30", "2024-03-31T09:30:00+05:30"},
		{"2024-03-31 09:30:00Z", "2024-03-31T09:30:00Z"},
		{"2024-01-15T10:00:00", "2024-01-15T10:00:00+01:00"},
		{"2024-07-15T10:00:00.5", "2024-07-15T10:00:00.5+02:00"},
		{"2024-07-15", "2024-07-15T00:00:00+02:00"},
		{"2025-03-30T02:30:00", "2025-03-30T03:30:00+02:00"},
		{"2025-10-26T02:30:00", "2025-10-26T02:30:00+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			src := "+++\ntitle = \"T\"\ndate = " + tt.value + "\n+++\n"
			d, problems := Parse("posts/p.md", KindPost, []byte(src), berlin)
			if d == nil {
				t.Fatalf("skipped: %v", problems)
			}
			if got := stamp(d.Date); got != tt.want {
				t.Errorf("date = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParseSpringForwardInstant spells out the instant, not only the
// local reading: a post scheduled at 02:30 on 30 March 2025 in Berlin goes
// live at 01:30 UTC.
func TestParseSpringForwardInstant(t *testing.T) {
	src := "---\ntitle: T\ndate: 2025-03-30T02:30:00\n---\n"
	d, _ := Parse("posts/p.md", KindPost, []byte(src), zone(t, "Europe/Berlin"))
	want := time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC)
	if d == nil || !d.Date.Equal(want) {
		t.Fatalf("date = %v, want %v", d, want)
	}
	if d.Date.Location().String() != "Europe/Berlin" {
		t.Errorf("location = %s, want the site's zone", d.Date.Location())
	}
	if d.Visible(want.Add(-time.Second)) || !d.Visible(want) {
		t.Error("the post is not visible from exactly 01:30 UTC")
	}
}

func TestParseNilLocation(t *testing.T) {
	d, problems := Parse("posts/p.md", KindPost, []byte("---\ntitle: T\ndate: 2024-01-02 10:00\n---\n"), nil)
	if d == nil || stamp(d.Date) != "2024-01-02T10:00:00Z" {
		t.Fatalf("got %v %v, want the date read in UTC", d, problems)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "posts/a.md", Line: 3, Field: "date", Message: "bad", Skipped: true}, "posts/a.md:3: date: bad (file skipped)"},
		{Problem{File: "posts/a.md", Message: "too big"}, "posts/a.md: too big"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestDocDates(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name             string
		doc              Doc
		published, upd   time.Time
		visibleOn, notOn time.Time
	}{
		{"plain", Doc{Date: day(2)}, day(2), day(2), day(2), day(1)},
		{"scheduled", Doc{Date: day(2), PublishDate: day(5)}, day(5), day(2), day(5), day(4)},
		{"edited", Doc{Date: day(2), Lastmod: day(9)}, day(2), day(9), day(3), day(1)},
		{"lastmod before date", Doc{Date: day(2), Lastmod: day(1)}, day(2), day(2), day(2), day(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.doc.Published(); !got.Equal(tt.published) {
				t.Errorf("Published = %v, want %v", got, tt.published)
			}
			if got := tt.doc.Updated(); !got.Equal(tt.upd) {
				t.Errorf("Updated = %v, want %v", got, tt.upd)
			}
			if !tt.doc.Visible(tt.visibleOn) || tt.doc.Visible(tt.notOn) {
				t.Error("wrong visibility")
			}
			tt.doc.Draft = true
			if tt.doc.Visible(tt.visibleOn) {
				t.Error("a draft is visible")
			}
		})
	}
}
