package site

import (
	"slices"
	"testing"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// mapSite has two categories deep, two tags, two years, a page, and
// enough posts for a second page of the home page and of one tag.
func mapSite(t *testing.T, toml string) *Site {
	t.Helper()
	cfg := siteConfig(t, "homePosts = 2\nperPage = 2\n"+toml)
	docs := []*content.Doc{
		post(t, cfg, "posts/a.md", "2024-01-01", "categories: [hardware/keyboards]", "tags: [go]"),
		post(t, cfg, "posts/b.md", "2024-05-01", "tags: [go, C++]"),
		post(t, cfg, "posts/c.md", "2025-02-01", "tags: [go]"),
		parse(t, cfg, "pages/about.md", "title: About"),
	}
	return Build(cfg, docs, nil, at("2025-06-01T00:00:00Z"))
}

func paths(entries []urls.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Path)
	}
	return out
}

// TestAllURLs: every address of a snapshot, once, each one the router
// reads back as what it is.
func TestAllURLs(t *testing.T) {
	s := mapSite(t, "")
	got := paths(s.AllURLs())
	want := []string{
		"/", "/page/2",
		"/blog/c", "/blog/b", "/blog/a", "/about",
		"/archive", "/categories", "/tags",
		"/category/hardware", "/category/hardware/keyboards",
		"/tag/c-plus-plus", "/tag/go", "/tag/go/page/2",
		"/archive/2025", "/archive/2024",
		"/feed.atom", "/rss.xml", "/feed.json",
		"/category/hardware/feed.atom", "/category/hardware/rss.xml", "/category/hardware/feed.json",
		"/category/hardware/keyboards/feed.atom", "/category/hardware/keyboards/rss.xml", "/category/hardware/keyboards/feed.json",
		"/tag/c-plus-plus/feed.atom", "/tag/c-plus-plus/rss.xml", "/tag/c-plus-plus/feed.json",
		"/tag/go/feed.atom", "/tag/go/rss.xml", "/tag/go/feed.json",
		"/sitemap.xml", "/robots.txt",
	}
	if !slices.Equal(got, want) {
		t.Errorf("AllURLs:\n got  %q\n want %q", got, want)
	}
	for _, e := range s.AllURLs() {
		if e.Route.Kind == urls.Doc {
			if s.ByPath(e.Path) == nil {
				t.Errorf("%s is listed but shows no document", e.Path)
			}
			continue
		}
		if r := s.URLs.Match(e.Path); r != e.Route {
			t.Errorf("Match(%s) = %+v, listed as %+v", e.Path, r, e.Route)
		}
	}
}

// TestGrailAddressesAreReserved: every address the map gives a snapshot's
// lists, feeds and files is one no document may take, because both come
// from the map; a post whose permalink would land on one is refused with
// a problem naming it.
func TestGrailAddressesAreReserved(t *testing.T) {
	s := mapSite(t, "")
	for _, e := range s.AllURLs() {
		if e.Route.Kind != urls.Doc && !s.URLs.Reserved(e.Path) {
			t.Errorf("%s is not reserved", e.Path)
		}
	}
	for _, tt := range []struct{ toml, slug, url string }{
		{`permalink = "/:slug"`, "feed.json", "/feed.json"},
		{`permalink = "/tag/go/:slug"`, "rss.xml", "/tag/go/rss.xml"},
		{`permalink = "/category/hardware/:slug"`, "page", "/category/hardware/page"},
		{`permalink = "/archive/:slug"`, "2024", "/archive/2024"},
	} {
		cfg := siteConfig(t, tt.toml)
		d := post(t, cfg, "posts/x.md", "2024-01-01", "slug: "+tt.slug)
		s := Build(cfg, []*content.Doc{d}, nil, at("2024-06-01T00:00:00Z"))
		if s.ByPath(tt.url) != nil {
			t.Errorf("%s: a post took %s", tt.toml, tt.url)
		}
		checkProblems(t, s.Problems, []problem{{d.Key, "slug", true, tt.url + " is one of grail's own addresses"}})
	}
}

// TestTrailingSlashPermalink: a pattern ending in a slash makes every
// post's address end in one, and what a change invalidates follows.
func TestTrailingSlashPermalink(t *testing.T) {
	s := mapSite(t, `permalink = "/posts/:slug/"`)
	if got := s.URL(s.Posts[0]); got != "/posts/c/" {
		t.Errorf("newest post at %s, want /posts/c/", got)
	}
	if s.ByPath("/posts/c/") != s.Posts[0] || s.ByPath("/posts/c") != nil {
		t.Error("the post is not found at its address alone")
	}
	got := ChangedPaths(s, s, []string{"posts/b.md"})
	for _, want := range []string{"/posts/b/", "/posts/a/", "/posts/c/"} {
		if !slices.Contains(got, want) {
			t.Errorf("%q lacks %s", got, want)
		}
	}
	if slices.Contains(got, "/blog/b") {
		t.Errorf("%q names the default permalink", got)
	}
}

// TestSlashSpellingsAreOneAddress: an address with and without its
// trailing slash is one address, for clashes and for aliases alike.
func TestSlashSpellingsAreOneAddress(t *testing.T) {
	cfg := siteConfig(t, `permalink = "/:slug/"`)
	page := parse(t, cfg, "pages/about.md", "title: About")
	clash := post(t, cfg, "posts/about.md", "2024-01-01")
	y := post(t, cfg, "posts/y.md", "2024-02-01")
	x := post(t, cfg, "posts/x.md", "2024-03-01", "aliases: [/y, /x]")
	s := Build(cfg, []*content.Doc{page, clash, x, y}, nil, at("2024-06-01T00:00:00Z"))
	if s.ByPath("/about") != page || s.ByPath("/about/") != nil {
		t.Errorf("/about shows %v and /about/ %v; want the page alone", s.ByPath("/about"), s.ByPath("/about/"))
	}
	if s.ByPathOrTwin("/y") != y || s.ByPathOrTwin("/y/") != y {
		t.Error("ByPathOrTwin does not find /y/ by either spelling")
	}
	if s.Alias("/y") != "" || s.Alias("/x") != "" {
		t.Errorf("aliases /y → %q, /x → %q; want none", s.Alias("/y"), s.Alias("/x"))
	}
	checkProblems(t, s.Problems, []problem{
		{"pages/about.md", "slug", false, "/about/ is also the address of posts/about.md"},
		{"posts/about.md", "slug", true, "/about/ is also the address of pages/about.md"},
		{"posts/x.md", "aliases", false, "/y is the address of posts/y.md"},
	})
}
