package shortcode

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/content"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testSet is the fixture site: testdata/site's shortcode templates.
func testSet(t testing.TB) (*Set, []content.Problem) {
	t.Helper()
	files := map[string][]byte{}
	root := filepath.Join("testdata", "site")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return New(files, Options{Site: Site{
		Title:   "Fixture Blog",
		BaseURL: "https://example.org/blog/",
		Params:  map[string]any{"Author": "Ann Author", "social": map[string]any{"mastodon": "@ann@example.social"}},
	}})
}

type refs map[string]string

func (r refs) Ref(target string) (string, string, bool) {
	rel, ok := r[strings.TrimSuffix(strings.TrimPrefix(target, "/"), ".md")]
	return "https://example.org" + rel, rel, ok
}

func testPage(file string) *Page {
	return &Page{
		File: file, Line: 4,
		Title:        "The Test Post",
		FrontMatter:  func() map[string]any { return map[string]any{"Topic": "shortcodes"} },
		Permalink:    "https://example.org/blog/test/",
		RelPermalink: "/blog/test/",
		Date:         time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		Files: func() Resources {
			return Resources{
				{Name: "images/sunset.jpg", Title: "Sunset", RelPermalink: "/blog/test/images/sunset.jpg", ResourceType: "image"},
				{Name: "images/harbour.png", Title: "Harbour", RelPermalink: "/blog/test/images/harbour.png", ResourceType: "image"},
				{Name: "notes.pdf", Title: "Notes", RelPermalink: "/blog/test/notes.pdf", ResourceType: "application"},
			}
		},
		Refs: refs{"posts/other": "/blog/other/", "other": "/blog/other/"},
	}
}

// render expands, renders and puts the HTML back, as the site does.
func render(t testing.TB, s *Set, src []byte, page *Page) ([]byte, []content.Problem) {
	t.Helper()
	md, rep, problems := s.Expand(src, page)
	html, err := content.NewMarkdown(content.MarkdownOptions{}).Render(md, content.RenderOptions{NoAnchors: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Replace(html), problems
}

// TestGolden renders every testdata/*.md and compares the HTML, followed
// by the problems found, with its .golden.html (go test -update rewrites
// them).
func TestGolden(t *testing.T) {
	s, _ := testSet(t)
	inputs, _ := filepath.Glob(filepath.Join("testdata", "*.md"))
	if len(inputs) == 0 {
		t.Fatal("no inputs")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			html, problems := render(t, s, src, testPage("posts/"+name+".md"))
			got := append([]byte(nil), html...)
			if len(problems) > 0 {
				got = append(got, "<!-- problems:\n"...)
				for _, p := range problems {
					got = append(got, p.String()+"\n"...)
				}
				got = append(got, "-->\n"...)
			}
			golden := strings.TrimSuffix(in, ".md") + ".golden.html"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", in, golden, got)
			}
			if name != "comments" && (bytes.Contains(html, []byte("{{<")) || bytes.Contains(html, []byte("{{%")) || bytes.Contains(html, []byte("{{&lt;"))) {
				t.Errorf("a shortcode delimiter is left in %s:\n%s", name, html)
			}
			if bytes.Contains(html, []byte("grailsc")) {
				t.Errorf("a placeholder is left in %s:\n%s", name, html)
			}
		})
	}
}

// TestTemplateProblems checks that a template calling an unknown function
// is reported with its file and line, and that the site's template
// replaces its theme's.
func TestTemplateProblems(t *testing.T) {
	s, problems := testSet(t)
	if len(problems) != 1 {
		t.Fatalf("problems = %v, want one", problems)
	}
	p := problems[0]
	if p.File != "layouts/shortcodes/broken.html" || p.Line != 2 || !strings.Contains(p.Message, `function "frobnicate" not defined`) {
		t.Errorf("problem = %+v, want broken.html line 2 naming frobnicate", p)
	}
	html, _ := render(t, s, []byte(`{{< careful x >}} {{< themed y >}}`), testPage("p.md"))
	if strings.Contains(string(html), "theme version") || !strings.Contains(string(html), `<em>x</em>`) || !strings.Contains(string(html), `<span class="themed">y</span>`) {
		t.Errorf("the site's template should win over the theme's, and the theme's be used:\n%s", html)
	}
}

// TestNoShortcodes checks that a text without shortcodes is returned as it
// is, without work.
func TestNoShortcodes(t *testing.T) {
	s, _ := testSet(t)
	src := []byte("# Title\n\nJust *Markdown*, with { braces } and a {{ template }}-like text.\n")
	md, rep, problems := s.Expand(src, testPage("p.md"))
	if !bytes.Equal(md, src) || len(problems) != 0 {
		t.Errorf("Expand changed a text without shortcodes: %q %v", md, problems)
	}
	html := []byte("<p>x</p>")
	if got := rep.Replace(html); !bytes.Equal(got, html) {
		t.Errorf("Replace = %q", got)
	}
	plain := []byte("plain text, no shortcode")
	if n := testing.AllocsPerRun(100, func() { s.Expand(plain, nil) }); n != 0 {
		t.Errorf("Expand of plain text allocates %v times", n)
	}
}

// TestPlaceholdersUnguessable checks that a text written like a
// placeholder is left alone.
func TestPlaceholdersUnguessable(t *testing.T) {
	s, _ := testSet(t)
	_, rep, _ := s.Expand([]byte(`{{< themed a >}}`), nil)
	_, rep2, _ := s.Expand([]byte(`{{< themed a >}}`), nil)
	if bytes.Equal(rep.prefix, rep2.prefix) {
		t.Error("two expansions share their placeholders")
	}
	fake := []byte("<p>" + string(rep2.prefix) + "0x</p>")
	if got := rep.Replace(fake); !bytes.Equal(got, fake) {
		t.Errorf("another expansion's placeholder was replaced: %s", got)
	}
}

// TestInlineShortcodes checks that a page's own shortcodes run when the
// site allows them, are reused self-closed, and are otherwise a problem
// without their template showing on the page.
func TestInlineShortcodes(t *testing.T) {
	src := []byte("Now: {{< year.inline >}}{{ .Page.Date.Year }}/{{ .Get 0 }}{{< /year.inline >}}.\n\nAgain: {{< year.inline \"x\" />}}.\n")
	on, _ := New(nil, Options{InlineShortcodes: true})
	html, problems := render(t, on, src, testPage("p.md"))
	if len(problems) > 0 || !strings.Contains(string(html), "Now: 2024/.") || !strings.Contains(string(html), "Again: 2024/x.") {
		t.Errorf("allowed inline shortcode: %v\n%s", problems, html)
	}
	off, _ := New(nil, Options{})
	html, problems = render(t, off, src, testPage("p.md"))
	if len(problems) != 2 || !strings.Contains(problems[0].Message, "enableInlineShortcodes") || problems[0].Line != 4 {
		t.Errorf("inline shortcodes off: problems %v", problems)
	}
	if strings.Contains(string(html), "Page.Date") || !strings.Contains(string(html), "Now: .") {
		t.Errorf("inline shortcodes off: page shows\n%s", html)
	}
}

// BenchmarkExpand measures a post with a figure, a note, a highlight and
// a ref, expanded, rendered and put back; and a post without shortcodes.
func BenchmarkExpand(b *testing.B) {
	s, _ := testSet(b)
	md := content.NewMarkdown(content.MarkdownOptions{})
	post := []byte(strings.Repeat("Some *text* with a [link](https://example.org).\n\n", 20) +
		"{{< figure src=\"images/sunset.jpg\" caption=\"Sunset\" >}}\n\n{{< note type=\"tip\" >}}A **tip**.{{< /note >}}\n\n" +
		"{{< highlight go >}}\nfunc main() {}\n{{< /highlight >}}\n\nSee [other]({{< relref \"other\" >}}).\n")
	plain := bytes.Repeat([]byte("Some *text* with a [link](https://example.org).\n\n"), 25)
	for _, c := range []struct {
		name string
		src  []byte
	}{{"shortcodes", post}, {"plain", plain}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				out, rep, _ := s.Expand(c.src, testPage("p.md"))
				html, _ := md.Render(out, content.RenderOptions{})
				rep.Replace(html)
			}
		})
		b.Run(c.name+"/render-only", func(b *testing.B) {
			for b.Loop() {
				_, _ = md.Render(c.src, content.RenderOptions{})
			}
		})
	}
}
