package shortcode

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/content"

	"github.com/grailblog/grail/internal/testsite"
)

// TestHugoParity builds testdata/hugo with the real Hugo and compares the
// text a reader sees of a post using figure, param, relref, highlight,
// comments and site shortcodes (nested, {{% %}}, .Get, .Inner, .Ordinal,
// .Parent, .Site.Params, .Page.Title) with grail's. Markup may differ.
func TestHugoParity(t *testing.T) {
	src := filepath.Join("testdata", "hugo")
	site := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(site, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	public := testsite.HugoBuild(t, site)
	want, err := os.ReadFile(filepath.Join(public, "posts", "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}

	files := map[string][]byte{}
	for _, name := range []string{"note", "words"} {
		b, err := os.ReadFile(filepath.Join(src, "layouts", "shortcodes", name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		files["layouts/shortcodes/"+name+".html"] = b
	}
	s, problems := New(files, Options{Site: Site{Title: "Parity", BaseURL: "https://example.org/", Params: map[string]any{"author": "Ann Author"}}})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	doc, err := os.ReadFile(filepath.Join(src, "content", "posts", "a.md"))
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := content.Parse("posts/a.md", content.KindPost, doc, time.UTC)
	got, problems := render(t, s, parsed.Body, &Page{
		File: "posts/a.md", Title: parsed.Title, FrontMatter: func() map[string]any { return map[string]any{"topic": "parity"} },
		Refs: refs{"other": "/posts/other/"},
	})
	if len(problems) > 0 {
		t.Errorf("problems: %v", problems)
	}
	if g, w := readerText(got), readerText(want); g != w {
		t.Errorf("text differs from Hugo's:\ngrail: %s\nhugo:  %s", g, w)
	}
	for _, attr := range []string{`href="/posts/other/"`, `src="/img/cat.jpg"`, `alt="A sleepy cat"`, `href="https://example.org/jane"`} {
		if !strings.Contains(string(want), attr) || !strings.Contains(string(got), attr) {
			t.Errorf("%s is not in both outputs", attr)
		}
	}
}

var markup = regexp.MustCompile(`(?s)<!--.*?-->|<[^>]*>`)

// readerText is what a reader sees of HTML: text without markup, entities
// decoded, spaces collapsed.
func readerText(b []byte) string {
	return strings.Join(strings.Fields(html.UnescapeString(markup.ReplaceAllString(string(b), " "))), " ")
}
