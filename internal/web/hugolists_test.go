package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// hugoWeights is a Hugo site whose section orders its pages by weight
// and keeps some out of lists.
const hugoWeights = `
-- hugo.toml --
baseURL = "https://hugo.example.org/"
title = "Weights"
-- content/posts/a.md --
---
title: Alpha
date: 2024-03-01
tags: [go]
---
a
-- content/posts/b.md --
---
title: Bravo
date: 2024-01-01
weight: 2
---
b
-- content/posts/c.md --
---
title: Charlie
date: 2024-02-01
weight: 1
---
c
-- content/posts/d.md --
---
title: Delta
date: 2024-03-01
---
d
-- content/posts/hidden.md --
---
title: Hidden
date: 2024-04-01
tags: [go]
_build:
  list: never
---
h
-- content/posts/local.md --
---
title: Local
date: 2024-05-01
tags: [go]
_build:
  list: local
---
l
`

// itemTitleRE finds the titles of a feed's items.
var itemTitleRE = regexp.MustCompile(`<item>\s*<title>([^<]*)</title>`)

func feedTitles(feed string) []string {
	var out []string
	for _, m := range itemTitleRE.FindAllStringSubmatch(feed, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestHugoWeightAndBuildList: weight orders a section (lightest first,
// unweighted last, then newest first, then by title); _build.list never
// keeps a page out of every list and feed, local out of the site-wide
// ones, and both pages are still served.
func TestHugoWeightAndBuildList(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hugoWeights))
	want := "Charlie Bravo Local Alpha Delta"
	if _, feed := ts.get(t, "/posts/index.xml"); strings.Join(feedTitles(feed), " ") != want {
		t.Errorf("section feed lists %v, want %s", feedTitles(feed), want)
	}
	_, list := ts.get(t, "/posts/")
	if order := titlesIn(list, "Alpha", "Bravo", "Charlie", "Delta", "Local"); order != want {
		t.Errorf("section list shows %q, want %q", order, want)
	}
	if strings.Contains(list, "Hidden") {
		t.Error("a page with _build.list never is in its section's list")
	}
	for _, p := range []string{"/", "/index.xml", "/tags/go/"} {
		_, body := ts.get(t, p)
		if strings.Contains(body, "Hidden") || strings.Contains(body, "Local") {
			t.Errorf("%s lists a page that _build.list keeps out", p)
		}
	}
	for _, p := range []string{"/posts/hidden/", "/posts/local/"} {
		if resp, body := ts.get(t, p); resp.StatusCode != 200 || !strings.Contains(body, "<h1") {
			t.Errorf("%s: status %d, want its page", p, resp.StatusCode)
		}
	}
}

// titlesIn is the order in which names first appear in page.
func titlesIn(page string, names ...string) string {
	type at struct {
		name string
		i    int
	}
	var found []at
	for _, n := range names {
		if i := strings.Index(page, ">"+n+"<"); i >= 0 {
			found = append(found, at{n, i})
		}
	}
	for i := range found {
		for j := i + 1; j < len(found); j++ {
			if found[j].i < found[i].i {
				found[i], found[j] = found[j], found[i]
			}
		}
	}
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.name
	}
	return strings.Join(out, " ")
}

// TestHugoOrdersSectionsAsHugo compares the section's feed with the one
// Hugo builds for the same site.
func TestHugoOrdersSectionsAsHugo(t *testing.T) {
	files := testsite.Files(hugoWeights)
	out := testsite.HugoSite(t, files)
	hugoFeed, err := os.ReadFile(filepath.Join(out, "posts", "index.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestSite(t, files)
	_, feed := ts.get(t, "/posts/index.xml")
	want := feedTitles(string(hugoFeed))
	if len(want) != 5 {
		t.Fatalf("Hugo's feed lists %v", want)
	}
	if got := feedTitles(feed); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("section feed lists %v, Hugo's %v", got, want)
	}
}

// hugoSections is a Hugo site whose sections, nested ones too, say what
// they are in their _index.md.
const hugoSections = `
-- hugo.toml --
baseURL = "https://hugo.example.org/"
title = "Sections"
-- content/posts/_index.md --
---
title: Writing
---
Notes on **things**, oldest [first](a/).
-- content/posts/a.md --
---
title: A
date: 2024-01-01
---
a
-- content/posts/2024/_index.md --
---
title: The Year 2024
---
Twenty-four.
-- content/posts/2024/b.md --
---
title: B
date: 2024-06-01
---
b
`

// TestHugoSectionIndexBodies: a section's _index.md names its list (and
// its feed) and its body is shown above the list, nested sections too;
// an edit shows after the site is read again.
func TestHugoSectionIndexBodies(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hugoSections))
	_, posts := ts.get(t, "/posts/")
	for _, want := range []string{"<h1>Writing</h1>", `<div class="list-intro e-content"><p>Notes on <strong>things</strong>, oldest <a href="/posts/a/">first</a>.</p>`} {
		if !strings.Contains(posts, want) {
			t.Errorf("/posts/ lacks %s:\n%s", want, posts)
		}
	}
	_, year := ts.get(t, "/posts/2024/")
	if !strings.Contains(year, "<h1>The Year 2024</h1>") || !strings.Contains(year, "<p>Twenty-four.</p>") || strings.Contains(year, "things") {
		t.Errorf("/posts/2024/ does not show its own _index.md:\n%s", year)
	}
	if _, feed := ts.get(t, "/posts/2024/index.xml"); !strings.Contains(feed, "The Year 2024") {
		t.Errorf("the nested section's feed is not named by its _index.md:\n%s", feed)
	}
	if resp, _ := ts.get(t, "/posts/_index/"); resp.StatusCode != 404 {
		t.Errorf("an _index.md has a page of its own: status %d", resp.StatusCode)
	}
	testsite.WriteFiles(t, ts.dir, map[string]string{"content/posts/2024/_index.md": "---\ntitle: Last Year\n---\nRevised.\n"})
	if _, err := ts.loader.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, year := ts.get(t, "/posts/2024/"); !strings.Contains(year, "<h1>Last Year</h1>") || !strings.Contains(year, "Revised.") {
		t.Errorf("an edited _index.md is not shown after a reload:\n%s", year)
	}
}

// hugoHTMLPages is a Hugo site with HTML content files: a page and a
// post with front matter, and a file without, which Hugo copies as is.
const hugoHTMLPages = `
-- hugo.toml --
baseURL = "https://hugo.example.org/"
title = "HTML"
-- content/pg.html --
---
title: Handmade
---
<section class="hand"><p>Made <b>by hand</b> {{< param "title" >}}.</p></section>
-- content/posts/fm.html --
---
title: Formatted
date: 2024-01-01
---
<p>Kept <i>as written</i>.</p>
-- content/posts/md.md --
---
title: Markdown
date: 2024-02-01
---
md
-- content/legacy.html --
<p>old</p>
`

// TestHugoHTMLContentPages: an HTML content file with front matter is
// published at Hugo's address, in the theme, its body kept as HTML.
func TestHugoHTMLContentPages(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hugoHTMLPages))
	resp, page := ts.get(t, "/pg/")
	if resp.StatusCode != 200 || !strings.Contains(page, `<section class="hand"><p>Made <b>by hand</b> Handmade.</p></section>`) ||
		!strings.Contains(page, "<h1") {
		t.Errorf("/pg/: status %d, want the HTML body in the theme:\n%s", resp.StatusCode, page)
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("/pg/ is served without the pages' Content-Security-Policy")
	}
	if _, post := ts.get(t, "/posts/fm/"); !strings.Contains(post, "<p>Kept <i>as written</i>.</p>") || strings.Contains(post, "&lt;p&gt;") {
		t.Errorf("/posts/fm/ does not show its HTML as written:\n%s", post)
	}
	if _, list := ts.get(t, "/posts/"); !strings.Contains(list, "Formatted") {
		t.Error("the HTML post is not in its section's list")
	}
	if _, err := exec.LookPath("hugo"); err == nil {
		out := testsite.HugoSite(t, testsite.Files(hugoHTMLPages))
		sitemap, _ := os.ReadFile(filepath.Join(out, "sitemap.xml"))
		for _, p := range []string{"/pg/", "/posts/fm/"} {
			if !strings.Contains(string(sitemap), "https://hugo.example.org"+p+"<") {
				t.Errorf("Hugo does not publish %s:\n%s", p, sitemap)
			}
		}
	}
}
