package web

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/testsite"
)

// jekyllRaw is what the fixture's {% raw %} block shows as written.
const jekyllRaw = "Liquid kept as written: {{ not_expanded }}"

// TestJekyllBuildsTheSameAddresses builds the fixture with the real
// Jekyll and asks grail for every file Jekyll wrote: each answers, the
// feed lists the same posts at the same addresses and instants, and no
// page shows Liquid.
func TestJekyllBuildsTheSameAddresses(t *testing.T) {
	jekyll, err := exec.LookPath("jekyll")
	if err != nil {
		t.Skip("jekyll is not on PATH (scripts/install-test-deps.sh installs it): cannot compare with Jekyll's own build")
	}
	files := testsite.Files(testsite.JekyllBlog)
	src, out := t.TempDir(), t.TempDir()
	testsite.WriteFiles(t, src, files)
	cmd := exec.Command(jekyll, "build", "--quiet", "--source", src, "--destination", out)
	cmd.Env = append(os.Environ(), "JEKYLL_ENV=production")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jekyll: %v\n%s", err, b)
	}
	paths := builtPaths(t, out)
	if len(paths) < 10 {
		t.Fatalf("jekyll published only %v", paths)
	}
	ts := newTestSite(t, files)
	for _, p := range paths {
		resp, body := ts.get(t, p)
		if resp.StatusCode != 200 {
			t.Errorf("%s (in Jekyll's build): status %d", p, resp.StatusCode)
			continue
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			if shown := strings.ReplaceAll(body, jekyllRaw, ""); strings.Contains(shown, "{%") || strings.Contains(shown, "{{") {
				t.Errorf("%s shows Liquid:\n%s", p, body)
			}
		}
	}
	for _, plugin := range []string{"feed.xml", "page2/index.html", "sitemap.xml"} {
		if _, err := os.Stat(filepath.Join(out, plugin)); err != nil {
			t.Logf("Jekyll wrote no %s (its plugin is not installed): not compared", plugin)
		}
	}
	if jf, err := os.ReadFile(filepath.Join(out, "feed.xml")); err == nil {
		_, gf := ts.get(t, "/feed.xml")
		want, got := feedEntries(t, string(jf)), feedEntries(t, gf)
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("feed entries differ\njekyll:\n%s\ngrail:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}
}

// builtPaths are the addresses of the files of a Jekyll build.
func builtPaths(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		paths = append(paths, strings.TrimSuffix("/"+filepath.ToSlash(rel), "index.html"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

var (
	entryRE     = regexp.MustCompile(`(?s)<entry.*?</entry>`)
	entryTitle  = regexp.MustCompile(`(?s)<title[^>]*>(.*?)</title>`)
	entryLink   = regexp.MustCompile(`<link[^>]*href="([^"]*)"`)
	entryPublic = regexp.MustCompile(`<published>(.*?)</published>`)
)

// feedEntries are an Atom feed's entries as "title address instant".
func feedEntries(t *testing.T, feed string) []string {
	t.Helper()
	var out []string
	for _, e := range entryRE.FindAllString(feed, -1) {
		title, link, pub := entryTitle.FindStringSubmatch(e), entryLink.FindStringSubmatch(e), entryPublic.FindStringSubmatch(e)
		if title == nil || link == nil || pub == nil {
			t.Fatalf("entry without title, link or published date: %s", e)
		}
		when, err := time.Parse(time.RFC3339, pub[1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, title[1]+" "+link[1]+" "+when.UTC().Format(time.RFC3339))
	}
	return out
}

// TestJekyllAddresses: the addresses Jekyll gives each kind of document,
// without Jekyll at hand.
func TestJekyllAddresses(t *testing.T) {
	ts := newTestSite(t, testsite.Files(testsite.JekyllBlog))
	for path, want := range map[string]string{
		"/news/updates/2024/03/31/hello-world.html": "Hello World",     // categories from the front matter's words
		"/tech/2024/04/03/second.html":              "Second post",     // date in UTC, address in Berlin; category lower case
		"/custom/in-a-folder/":                      "In a folder",     // front matter permalink
		"/2023/12/24/no-title.html":                 "No Title",        // title from the file name
		"/2023/06/01/Nice-Name.html":                "Pretty one",      // :title from the slug
		"/about.html":                               "About",           // a page at its path
		"/handbook/guide/":                          "Guide",           // permalink from the defaults
		"/recipes/cake/":                            "Cake",            // a collection's permalink
		"/page2/":                                   "Jekyll Blog",     // jekyll-paginate's page 2
		"/feed.xml":                                 "<feed",           // jekyll-feed's Atom feed
		"/assets/site.css":                          "body{color:red}", // a static file in assets/
	} {
		resp, body := ts.get(t, path)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: status %d, want 200 with %q", path, resp.StatusCode, want)
		}
	}
	for _, path := range []string{"/unfinished.html", "/drafts-notes.html", "/notes/secret/", "/_notes/secret.html", "/index.html", "/_config.yml", "/_layouts/default.html", "/_sass/main.scss"} {
		if resp, _ := ts.get(t, path); resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404 (Jekyll does not publish it)", path, resp.StatusCode)
		}
	}
	for from, to := range map[string]string{
		"/about":                     "/about.html",
		"/tech/2024/04/03/second":    "/tech/2024/04/03/second.html",
		"/custom/in-a-folder":        "/custom/in-a-folder/",
		"/handbook/guide/index.html": "/handbook/guide/",
		"/page2":                     "/page2/",
	} {
		resp, _ := ts.get(t, from)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || !strings.HasSuffix(loc, to) {
			t.Errorf("%s: status %d to %q, want a 301 to %s", from, resp.StatusCode, loc, to)
		}
	}
}

// TestJekyllLiquid: the Liquid of a post is expanded before its Markdown.
func TestJekyllLiquid(t *testing.T) {
	ts := newTestSite(t, testsite.Files(testsite.JekyllBlog))
	_, body := ts.get(t, "/news/updates/2024/03/31/hello-world.html")
	for _, want := range []string{
		"Site: Jekyll Blog, page: Hello World, year 2024.",
		`<a href="/about.html">About</a>`,
		`<a href="/tech/2024/04/03/second.html">the second post</a>`,
		`style /assets/site.css, home <a href="https://jekyll.example.org/">`,
		"escaped a &lt; b",
		`<span class="hl-k">def</span>`,
		jekyllRaw,
		`<aside class="note">An included note</aside>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the post has no %q:\n%s", want, body)
		}
	}
}

// TestJekyllBrokenLiquid: a tag Jekyll would stop at leaves the page
// served, the text around it kept, and grail check names it.
func TestJekyllBrokenLiquid(t *testing.T) {
	files := testsite.Files(testsite.JekyllBlog)
	files["_posts/2024-02-01-broken.md"] = "---\ntitle: Broken\n---\nBefore {% unknowntag foo %} after.\n\n{% highlight go %}\nunclosed\n\nLast {{ page.title }} line.\n"
	ts := newTestSite(t, files)
	resp, body := ts.get(t, "/2024/02/01/broken.html")
	if resp.StatusCode != 200 || !strings.Contains(body, "Before  after.") || !strings.Contains(body, "Last Broken line.") {
		t.Fatalf("status %d, want 200 with the text kept:\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "{%") || strings.Contains(body, "{{") {
		t.Errorf("the page shows Liquid:\n%s", body)
	}
	problems, err := BodyProblems(context.Background(), ts.store, ts.loader)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	for _, want := range []string{
		`_posts/2024-02-01-broken.md:4: warning: Liquid: undefined tag "unknowntag"`,
		`_posts/2024-02-01-broken.md:6: warning: Liquid: {% highlight %} has no {% endhighlight %}`,
	} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}
