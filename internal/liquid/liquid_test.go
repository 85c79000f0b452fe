package liquid

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func testSite() *Site {
	return &Site{
		Title: "Test Blog", Description: "About tests", URL: "https://example.org", BaseURL: "/blog",
		Location: time.UTC,
		PostURL: func(name string) (string, bool) {
			return "/2024/01/02/first.html", name == "2024-01-02-first" || name == "2024/2024-01-02-first"
		},
		Link: func(p string) (string, bool) {
			return "/about.html", p == "about.md"
		},
		Include: func(_ context.Context, name string) ([]byte, error) {
			switch name {
			case "note.html":
				return []byte(`<aside class="{{ include.kind | default: "note" }}">{{ include.text }}</aside>`), nil
			case "list.md":
				return []byte("- {{ include.a }}\n- {{ page.title }}\n"), nil
			case "bad.html":
				return []byte("fine\n{% nosuchtag %}"), nil
			case "loop.html":
				return []byte(`{% include loop.html %}`), nil
			}
			return nil, store.ErrNotFound
		},
	}
}

// TestExpandGolden expands each testdata/*.md as a page's body and
// compares the Markdown, with the HTML put back, and the problems with
// its .golden file (go test -update rewrites them).
func TestExpandGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.md")
	if len(inputs) == 0 {
		t.Fatal("no testdata")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			page := Page{File: filepath.Base(in), Line: 4, Title: "A <Title>", URL: "/2024/03/31/page.html",
				Date: time.Date(2024, 3, 31, 9, 30, 0, 0, time.UTC), Params: map[string]any{"author": "Ann"}}
			md, rep, problems := Expand(context.Background(), src, testSite(), page)
			var got strings.Builder
			got.WriteString(string(rep.Replace(md)))
			got.WriteString("\n-- problems --\n")
			for _, p := range problems {
				got.WriteString(p.String() + "\n")
			}
			golden := strings.TrimSuffix(in, ".md") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("%s\n got:\n%s\nwant:\n%s", in, got.String(), want)
			}
			if strings.Contains(got.String()[:strings.Index(got.String(), "-- problems --")], "{%") {
				t.Errorf("%s: a tag is left in the output", in)
			}
		})
	}
}

// TestNoLiquid: a body without Liquid is not expanded.
func TestNoLiquid(t *testing.T) {
	if Contains([]byte("Plain { text } with {braces}")) || !Contains([]byte("a {{ b }}")) || !Contains([]byte("{% raw %}")) {
		t.Error("Contains")
	}
}

// TestExpandConcurrently: one Site serves every render of a snapshot,
// from many requests at once.
func TestExpandConcurrently(t *testing.T) {
	src, err := os.ReadFile("testdata/tags.md")
	if err != nil {
		t.Fatal(err)
	}
	s := testSite()
	want, _, _ := Expand(context.Background(), src, s, Page{File: "a.md", Title: "T"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, _, problems := Expand(context.Background(), src, s, Page{File: "a.md", Title: "T"})
				if len(problems) > 0 || len(got) != len(want) {
					t.Errorf("problems %v, %d bytes, want %d", problems, len(got), len(want))
					return
				}
			}
		})
	}
	wg.Wait()
}
