package web

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/urls"
)

var (
	linkRE     = regexp.MustCompile(`(?:href|src)="(/[^"#]*)"`)
	absoluteRE = regexp.MustCompile(`https?://127\.0\.0\.1:\d+(/[^"<\s&\\]*)`)
)

// slashSite is the basic site with posts under /posts/<slug>/, a page
// bundle with an image beside it, and one post that kept its old address
// under the default permalink as an alias.
func slashSite(t *testing.T) *testSite {
	files := maps.Clone(basicSite)
	files["grail.toml"] += "permalink = \"/posts/:slug/\"\n"
	files["posts/second.md"] = strings.Replace(files["posts/second.md"], "aliases: [/old/second.html]", "aliases: [/old/second.html, /blog/second]", 1)
	files["posts/kb/index.md"] = post("Keyboard", "2024-03-01T10:00:00+01:00", "tags: [hardware]") + "![The board](board.png)\n"
	files["posts/kb/board.png"] = "PNGDATA"
	return newTestSite(t, files)
}

// TestPermalinkPatternMovesEveryAddress: with permalink = "/posts/:slug/",
// every link on every page, the sitemap, the feeds and what a change
// invalidates name the posts at their new addresses, and each of those
// answers; the old addresses answer only where an alias says so.
func TestPermalinkPatternMovesEveryAddress(t *testing.T) {
	ts := slashSite(t)
	st := ts.loader.Current()
	postURLs := map[string]bool{}
	for _, p := range st.Posts {
		postURLs["/posts/"+p.Slug+"/"] = true
	}

	// Every link of every page reached from the home page answers 200 as it
	// is (no redirect), and the links to posts are their new addresses.
	seen := map[string]bool{}
	var linkedPosts []string
	queue := []string{"/"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		resp, body := ts.get(t, path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d (Location %q)", path, resp.StatusCode, resp.Header.Get("Location"))
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		if strings.Contains(body, `"/blog/`) {
			t.Errorf("%s links to the default permalink", path)
		}
		for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
			if postURLs[m[1]] {
				linkedPosts = append(linkedPosts, m[1])
			}
			queue = append(queue, m[1])
		}
	}
	for _, page := range []string{"/", "/posts/first/", "/category/programming", "/tag/go", "/archive", "/archive/2024"} {
		if !seen[page] {
			t.Errorf("%s is not linked from any page", page)
		}
	}
	for u := range postURLs {
		if !slices.Contains(linkedPosts, u) {
			t.Errorf("no page links to %s", u)
		}
	}
	if !seen["/posts/kb/board.png"] {
		t.Error("the bundle's image is not linked at /posts/kb/board.png")
	}

	// The sitemap and every feed: the posts' addresses and ids are the new
	// ones, and every address of this host in them answers 200.
	for _, path := range []string{"/sitemap.xml", "/feed.atom", "/rss.xml", "/feed.json", "/tag/go/feed.atom", "/category/programming/rss.xml", "/tag/hardware/feed.json"} {
		_, body := ts.get(t, path)
		if strings.Contains(body, "/blog/") {
			t.Errorf("%s names the default permalink", path)
		}
		found := absoluteRE.FindAllStringSubmatch(body, -1)
		if len(found) == 0 {
			t.Errorf("%s has no links", path)
		}
		for _, m := range found {
			if resp, _ := ts.get(t, m[1]); resp.StatusCode != 200 {
				t.Errorf("%s links to %s, which answers %d", path, m[1], resp.StatusCode)
			}
		}
	}
	_, atom := ts.get(t, "/feed.atom")
	for _, want := range []string{"/posts/third/</id>", `href="` + ts.http.URL + `/posts/third/"`, ts.http.URL + "/posts/kb/board.png"} {
		if !strings.Contains(atom, want) {
			t.Errorf("the Atom feed lacks %s", want)
		}
	}
	_, rss := ts.get(t, "/rss.xml")
	if !strings.Contains(rss, `<guid isPermaLink="true">`+ts.http.URL+"/posts/third/</guid>") {
		t.Error("the RSS feed's guid is not the new address")
	}
	_, jsonFeed := ts.get(t, "/feed.json")
	if !strings.Contains(jsonFeed, `"id": "`+ts.http.URL+`/posts/third/"`) {
		t.Error("the JSON feed's id is not the new address")
	}
	_, sitemap := ts.get(t, "/sitemap.xml")
	for u := range postURLs {
		if !strings.Contains(sitemap, "<loc>"+ts.http.URL+u+"</loc>") {
			t.Errorf("the sitemap lacks %s", u)
		}
	}

	checkInvalidation(t, ts, st)

	for path, want := range map[string]struct {
		status   int
		location string
	}{
		"/blog/first":  {404, ""},
		"/blog/second": {301, "/posts/second/"}, // an alias
		"/posts/first": {301, "/posts/first/"},
		"/about/":      {301, "/about"}, // pages keep their address
	} {
		resp, _ := ts.get(t, path)
		if resp.StatusCode != want.status || resp.Header.Get("Location") != want.location {
			t.Errorf("%s: %d %q, want %d %q", path, resp.StatusCode, resp.Header.Get("Location"), want.status, want.location)
		}
	}
}

// checkInvalidation: a post's change invalidates its address and its
// neighbours' as they are now, and every list and feed the snapshot has.
func checkInvalidation(t *testing.T, ts *testSite, st *site.Site) {
	t.Helper()
	changed := site.ChangedPaths(st, st, []string{"posts/second.md"})
	for _, want := range []string{"/posts/second/", "/posts/kb/", "/posts/third/"} {
		if !slices.Contains(changed, want) {
			t.Errorf("invalidation %q lacks %s", changed, want)
		}
	}
	for _, p := range changed {
		if !strings.HasSuffix(p, "*") {
			if resp, _ := ts.get(t, p); resp.StatusCode != 200 {
				t.Errorf("invalidation names %s, which answers %d", p, resp.StatusCode)
			}
		}
	}
	for _, e := range st.AllURLs() {
		if k := e.Route.Kind; k != urls.Doc && k != urls.Robots && !urls.Covered(changed, e.Path) {
			t.Errorf("invalidation %q does not reach %s", changed, e.Path)
		}
	}
}

// TestEveryEnumeratedAddressAnswers: what a static copy of the site would
// write is what the server answers.
func TestEveryEnumeratedAddressAnswers(t *testing.T) {
	for _, ts := range []*testSite{newTestSite(t, basicSite), slashSite(t)} {
		for _, e := range ts.loader.Current().AllURLs() {
			if resp, _ := ts.get(t, e.Path); resp.StatusCode != 200 {
				t.Errorf("%s: status %d", e.Path, resp.StatusCode)
			}
		}
	}
}
