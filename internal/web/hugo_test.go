package web

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/testsite"
)

// hugoBlog is a Hugo site as authors write them: posts in two sections,
// a bundle with a slug and an image, an image kept in a section folder,
// a file name Hugo keeps as it is, a page at the top of content/.
const hugoBlog = `
-- hugo.toml --
baseURL = "https://hugo.example.org/"
title = "Hugo Blog"
paginate = 2
[taxonomies]
tag = "tags"
category = "categories"
series = "series"
-- content/about.md --
---
title: About
---
Hi.
-- content/posts/_index.md --
---
title: Posts
---
-- content/posts/post-1.md --
---
title: Post 1
date: 2024-01-01
tags: [go, Web Dev]
categories: [Code]
series: [Getting Started]
---
Body 1.
-- content/posts/post-2.md --
---
title: Post 2
date: 2024-02-01
tags: [go]
---
Body 2.
-- content/posts/post-3.md --
---
title: Post 3
date: 2024-03-01
tags: [go]
---
Body 3. ![x](/posts/images/x.png)
-- content/posts/bundle/index.md --
---
title: Bundle
date: 2024-06-01
slug: my-bundle
---
![d](diagram.png)
-- content/posts/bundle/notes.md --
A resource of the bundle, not a post.
-- content/posts/2023/old.md --
---
title: Old
date: 2023-05-01
---
Filed by year.
-- content/posts/2023/_index.md --
---
title: 2023
---
-- content/projects/tool.md --
---
title: A tool
---
Undated, as project pages often are.
-- content/posts/images/x.png --
IMG
-- content/posts/bundle/diagram.png --
PNG
-- content/articles/a---b-.md --
---
title: Article
date: 2024-07-01
---
Art.
`

// TestHugoAddresses: a Hugo site is served at Hugo's addresses, each
// page's other spelling redirects there in one step, and files kept in
// section folders and bundles are served at their paths.
func TestHugoAddresses(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hugoBlog))
	for _, p := range []string{
		"/", "/page/2/", "/index.xml", "/sitemap.xml",
		"/posts/post-1/", "/posts/my-bundle/", "/articles/a---b-/", "/about/",
		"/posts/", "/posts/page/2/", "/posts/index.xml", "/articles/",
		"/tags/", "/tags/go/", "/tags/go/page/2/", "/tags/web-dev/", "/tags/go/index.xml",
		"/categories/", "/categories/code/",
		"/posts/my-bundle/diagram.png", "/posts/images/x.png",
		"/series/", "/series/getting-started/", "/series/getting-started/index.xml",
		"/posts/2023/old/", "/posts/2023/", "/posts/2023/index.xml",
		"/projects/tool/", "/projects/",
	} {
		if resp, body := ts.get(t, p); resp.StatusCode != 200 {
			t.Errorf("%s: status %d %.200s", p, resp.StatusCode, body)
		}
	}
	for from, to := range map[string]string{
		"/posts/post-1": "/posts/post-1/", "/tags/go": "/tags/go/", "/posts": "/posts/",
		"/page/2": "/page/2/", "/tags": "/tags/", "/page/1/": "/",
	} {
		resp, _ := ts.get(t, from)
		if resp.StatusCode != 301 || resp.Header.Get("Location") != to {
			t.Errorf("%s: %d to %q, want 301 to %s", from, resp.StatusCode, resp.Header.Get("Location"), to)
		}
	}
	for _, p := range []string{"/blog/post-1", "/posts/notes/", "/posts/bundle/notes/", "/tag/go"} {
		if resp, _ := ts.get(t, p); resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
		}
	}
	st := ts.loader.Current()
	if len(st.Posts) != 6 {
		t.Errorf("%d posts, want 6 (the bundle's notes.md is not one)", len(st.Posts))
	}
	if _, list := ts.get(t, "/posts/"); !strings.Contains(list, "<h1>Posts</h1>") {
		t.Error("the section's list is not titled by its _index.md")
	}
	_, feed := ts.get(t, "/index.xml")
	if !strings.Contains(feed, "https://hugo.example.org/posts/my-bundle/") {
		t.Errorf("the feed does not link the posts at Hugo's addresses:\n%.500s", feed)
	}
}

// TestHugoMainSections: the home page and the site's feed list the posts
// of the section with the most pages, or of params.mainSections.
func TestHugoMainSections(t *testing.T) {
	files := testsite.Files(hugoBlog)
	ts := newTestSite(t, files)
	_, feed := ts.get(t, "/index.xml")
	if !strings.Contains(feed, "Post 1") || strings.Contains(feed, "Article") {
		t.Errorf("the feed lists other than the posts section's:\n%.800s", feed)
	}
	files["hugo.toml"] += "[params]\nmainSections = ['articles']\n"
	ts = newTestSite(t, files)
	_, feed = ts.get(t, "/index.xml")
	if strings.Contains(feed, "Post 1") || !strings.Contains(feed, "Article") {
		t.Errorf("the feed does not follow mainSections:\n%.800s", feed)
	}
	if _, home := ts.get(t, "/"); !strings.Contains(home, "Article") {
		t.Error("the home page does not follow mainSections")
	}
}

// TestHugoPermalinks: a section's permalinks pattern, and uglyURLs.
func TestHugoPermalinks(t *testing.T) {
	files := testsite.Files(hugoBlog)
	files["hugo.toml"] = "uglyURLs = true\n" + files["hugo.toml"] + "[permalinks]\nposts = '/:year/:month/:slug/'\narticles = '/:sections/:title/'\n"
	ts := newTestSite(t, files)
	for _, p := range []string{"/2024/01/post-1.html", "/2024/06/my-bundle.html", "/2024/06/my-bundle.html", "/articles/article.html", "/about.html"} {
		if resp, _ := ts.get(t, p); resp.StatusCode != 200 {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}
}

// locRE finds the addresses a sitemap lists.
var locRE = regexp.MustCompile(`<loc>https://hugo\.example\.org(/[^<]*)</loc>`)

// TestHugoBuildsTheSameAddresses: every address Hugo itself publishes for
// the site — its sitemap and its feeds — answers 200 from grail; with
// urlStyle = "grail", each answers one 301 to a page that answers 200.
func TestHugoBuildsTheSameAddresses(t *testing.T) {
	files := testsite.Files(hugoBlog)
	out := testsite.HugoSite(t, files)
	sitemap, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range locRE.FindAllStringSubmatch(string(sitemap), -1) {
		paths = append(paths, m[1])
	}
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "index.xml" {
			rel, _ := filepath.Rel(out, p)
			paths = append(paths, "/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if len(paths) < 10 {
		t.Fatalf("hugo published only %v", paths)
	}
	ts := newTestSite(t, files)
	for _, p := range paths {
		if resp, _ := ts.get(t, p); resp.StatusCode != 200 {
			t.Errorf("%s (in Hugo's build): status %d", p, resp.StatusCode)
		}
	}

	grailFiles := maps.Clone(files)
	grailFiles["grail.toml"] = "urlStyle = \"grail\"\n"
	gs := newTestSite(t, grailFiles)
	for _, p := range paths {
		resp, _ := gs.get(t, p)
		to := resp.Header.Get("Location")
		if p == "/" || p == "/sitemap.xml" {
			continue // the same address in both styles
		}
		if resp.StatusCode != 301 || to == "" {
			t.Errorf("%s under grail's style: status %d, want a 301", p, resp.StatusCode)
			continue
		}
		if resp, _ := gs.get(t, to); resp.StatusCode != 200 {
			t.Errorf("%s redirects to %s, which answers %d", p, to, resp.StatusCode)
		}
	}
}

// TestHugoPublishingFields: url, expiryDate, headless and _build.render
// decide whether and where a page is published, as in Hugo.
func TestHugoPublishingFields(t *testing.T) {
	files := testsite.Files(hugoBlog)
	files["content/posts/moved.md"] = "---\ntitle: Moved\ndate: 2024-01-05\nurl: /elsewhere/moved/\n---\nx\n"
	files["content/posts/expired.md"] = "---\ntitle: Expired\ndate: 2024-01-05\nexpiryDate: 2025-01-01\n---\nx\n"
	files["content/posts/expiring.md"] = "---\ntitle: Expiring\ndate: 2024-01-05\nexpiryDate: 2026-07-01\n---\nx\n"
	files["content/posts/headless.md"] = "---\ntitle: Headless\ndate: 2024-01-05\nheadless: true\n---\nx\n"
	files["content/posts/unbuilt.md"] = "---\ntitle: Unbuilt\ndate: 2024-01-05\n_build:\n  render: never\n---\nx\n"
	ts := newTestSite(t, files) // now is 2026-06-01
	for p, want := range map[string]int{
		"/elsewhere/moved/": 200, "/posts/moved/": 404, "/posts/expired/": 404, "/posts/expiring/": 200,
		"/posts/headless/": 404, "/posts/unbuilt/": 404,
	} {
		if resp, _ := ts.get(t, p); resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", p, resp.StatusCode, want)
		}
	}
	ts.setNow(time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC))
	if resp, _ := ts.get(t, "/posts/expiring/"); resp.StatusCode != 404 {
		t.Errorf("a post past its expiryDate: status %d, want 404", resp.StatusCode)
	}
}
