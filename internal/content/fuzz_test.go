package content

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: Parse must never panic or hang, whatever the bytes, and what
// it returns must hold together. Inputs it once failed on are kept in
// testdata/fuzz/FuzzParse and run with every go test.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"frontmatter/*.md", "markdown/*.md", "bench/*.md"} {
		files, _ := filepath.Glob(filepath.Join("testdata", filepath.FromSlash(pattern)))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, false)
		}
	}
	for _, s := range []string{
		"", "---", "---\n---", "+++\n+++\n", "{}", "{", "\xef\xbb\xbf---\r\ntitle: T\r\ndate: 2024-01-02\r\n---\r\n",
		"---\nx: &a [*a]\n---\n", "---\ndate: 2025-03-30T02:30:00\n---\n", "+++\ndate = 09:30:00\n+++\n",
		"{\"date\": \"2024-01-02\", \"tags\": [1, {\"a\": null}]}\nbody", "---\n- a\n---\n", "a\xffb",
	} {
		f.Add([]byte(s), true)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte, page bool) {
		kind := KindPost
		if page {
			kind = KindPage
		}
		d, problems := Parse("posts/fuzz.md", kind, src, berlin)
		checkParse(t, src, kind, d, problems)
		d2, problems2 := Parse("posts/fuzz.md", kind, src, berlin)
		if (d == nil) != (d2 == nil) || !reflect.DeepEqual(problems, problems2) {
			t.Fatalf("two parses differ:\n%v\n%v", problems, problems2)
		}
	})
}

func checkParse(t *testing.T, src []byte, kind Kind, d *Doc, problems []Problem) {
	lines := 1 + bytes.Count(src, []byte("\n"))
	skipped := false
	for _, p := range problems {
		if p.File != "posts/fuzz.md" || p.Line < 0 || p.Line > lines || p.Message == "" {
			t.Fatalf("bad problem %+v (file has %d lines)", p, lines)
		}
		skipped = skipped || p.Skipped
	}
	if d == nil {
		if !skipped {
			t.Fatalf("no doc and no problem says why: %v", problems)
		}
		return
	}
	switch {
	case !ValidSlug(d.Slug):
		t.Fatalf("invalid slug %q", d.Slug)
	case d.Title == "":
		t.Fatal("no title")
	case kind == KindPost && d.Date.IsZero():
		t.Fatal("a post without a date")
	case !bytes.HasSuffix(src, d.Body):
		t.Fatalf("body %q is not the end of the file", d.Body)
	case d.BodyLine < 1 || d.BodyLine > lines+1:
		t.Fatalf("body line %d of %d in %q", d.BodyLine, lines, src)
	case kind == KindPage && d.Lead != nil:
		t.Fatal("a page with a lead")
	}
}

// FuzzSlugify: a slug is empty or valid, in NFC, and stable.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello, World!", "Crème Brûlée", "ｶﾞｲﾄﾞ", "हिन्दी", "a -_", "\u0301a", "Łódź"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slugify(s)
		if got != "" && !ValidSlug(got) {
			t.Fatalf("Slugify(%q) = %q, not valid", s, got)
		}
		if again := Slugify(got); again != got {
			t.Fatalf("Slugify(%q) = %q, then %q", s, got, again)
		}
	})
}

// FuzzRender: with raw HTML off, no input can put a script or an inline
// style on the page, whatever else the site turns on; text that was UTF-8
// stays UTF-8; and the same input always renders to the same bytes (the
// render cache and ETags rely on it).
func FuzzRender(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "markdown", "*.md"))
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	for _, s := range []string{
		"```\n<script>alert(1)</script>\n```\n", "`<script>`", "<script>alert(1)</script>",
		"[x](javascript:alert(1))", "![x](vbscript:y)", "<https://example.org/<script>>", "www.example.org/<script>",
		"[^1]\n\n[^1]: <script>", "| a |\n| - |\n| <script> |", "- [ ] <iframe>", "a\xffb\xc3",
	} {
		f.Add([]byte(s))
	}
	md := NewMarkdown(MarkdownOptions{Math: true, BlockAttributes: true})
	opts := RenderOptions{IDPrefix: "p-", LinkBase: "/blog/x/", Origin: "https://example.org"}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := md.Render(src, opts)
		if err != nil {
			t.Fatal(err)
		}
		if utf8.Valid(src) && !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 in the output of %q: %q", src, out)
		}
		if again, _ := md.Render(src, opts); !bytes.Equal(out, again) {
			t.Fatalf("two renders of %q differ:\n%s\n%s", src, out, again)
		}
		if loc := dangerous.FindIndex(out); loc != nil {
			t.Fatalf("%s in the output of %q", out[loc[0]:loc[1]], src)
		}
		if loc := styleAttr.FindIndex(out); loc != nil {
			t.Fatalf("inline style in the output of %q", src)
		}
	})
}

// dangerous finds markup that runs code: text that merely mentions it is
// escaped and does not match.
var dangerous = regexp.MustCompile(`(?i)<(script|style|iframe)|<[a-z][^>]*(\son[a-z]+\s*=|\s(href|src)\s*=\s*"\s*(javascript|vbscript):)`)
