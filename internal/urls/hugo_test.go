package urls

import (
	"testing"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// TestUrlize: Hugo's urlize, as Hugo's own tests and sites show it.
func TestUrlize(t *testing.T) {
	for in, want := range map[string]string{
		"Web Dev":         "web-dev",
		"a---b-":          "a---b-",
		"a - b":           "a-b",
		"C++":             "c++",
		"C#":              "c",
		"Hello, World!":   "hello-world",
		"  lead and tail": "lead-and-tail",
		"Über Ärger":      "über-ärger",
		"日本語 テキスト":        "日本語-テキスト",
		"some_file.name":  "some_file.name",
		"trailing space ": "trailing-space",
	} {
		if got := Urlize(in); got != want {
			t.Errorf("Urlize(%q) = %q, want %q", in, got, want)
		}
	}
}

func hugoMap(permalinks map[string]string, ugly bool) *Map {
	cfg := config.Default()
	cfg.Hugo = config.DefaultHugo()
	cfg.Hugo.Permalinks = permalinks
	cfg.Hugo.UglyURLs = ugly
	cfg.Hugo.Taxonomies["series"] = "series"
	return New(cfg).WithSections([]string{"posts"})
}

// TestHugoPermalinkTokens: every token Hugo documents fills in as Hugo's does.
func TestHugoPermalinkTokens(t *testing.T) {
	d := &content.Doc{Key: "content/posts/go/My File.md", Slug: content.DefaultSlug("content/posts/go/My File.md"),
		Title: "Hello World", Date: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)}
	for pattern, want := range map[string]string{
		"/:year/:month/:day/:slug/":          "/2024/03/05/hello-world/",
		"/:monthname/:weekday/:weekdayname/": "/march/2/tuesday/",
		"/:yearday/:title/":                  "/65/hello-world/",
		"/:section/:sections/:filename/":     "/posts/posts/go/my-file/",
		"/:sections[last]/:contentbasename/": "/go/my-file/",
		"/:sections[1:]/:slugorfilename/":    "/go/my-file/",
		"/x/:slugorcontentbasename.html":     "/x/my-file.html",
	} {
		if got := hugoMap(map[string]string{"posts": pattern}, false).Doc(d); got != want {
			t.Errorf("%s: %s, want %s", pattern, got, want)
		}
	}
	if got := hugoMap(nil, false).Doc(d); got != "/posts/go/my-file/" {
		t.Errorf("no permalinks: %s, want the section folders and the file name", got)
	}
	if got := hugoMap(nil, true).Doc(d); got != "/posts/go/my-file.html" {
		t.Errorf("uglyURLs: %s", got)
	}
	d.Slug = "Chosen"
	if got := hugoMap(nil, false).Doc(d); got != "/posts/go/chosen/" {
		t.Errorf("front matter slug: %s", got)
	}
	if got := hugoMap(map[string]string{"posts": "/:slug/"}, false).Doc(d); got != "/chosen/" {
		t.Errorf(":slug with a front matter slug: %s", got)
	}
}

// TestHugoStyleLists: lists end in a slash, feeds are index.xml, and a
// section has its own list and feed.
func TestHugoStyleLists(t *testing.T) {
	m := hugoMap(nil, false)
	for _, tt := range []struct {
		got, want string
	}{
		{m.Home(2), "/page/2/"},
		{m.Tag("go", 1), "/tags/go/"},
		{m.Tag("go", 3), "/tags/go/page/3/"},
		{m.Category("code", 1), "/categories/code/"},
		{m.Tags(), "/tags/"},
		{m.SiteFeed(RSS), "/index.xml"},
		{m.Section("posts", 2), "/posts/page/2/"},
		{m.Feed(Route{Kind: Section, Name: "posts"}, RSS), "/posts/index.xml"},
		{m.Term("series", "intro", 1), "/series/intro/"},
		{m.Term("series", "intro", 2), "/series/intro/page/2/"},
		{m.URL(Route{Kind: Terms, Taxonomy: "series"}), "/series/"},
		{m.Feed(Route{Kind: Term, Taxonomy: "series", Name: "intro"}, RSS), "/series/intro/index.xml"},
		{m.Feed(Route{Kind: Terms, Taxonomy: "series"}, RSS), "/series/index.xml"},
		{m.Feed(Route{Kind: Tags}, RSS), "/tags/index.xml"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
		if r := m.Match(tt.want); m.URL(r) != tt.want {
			t.Errorf("Match(%s) = %+v, which builds %s", tt.want, r, m.URL(r))
		}
		if bare := tt.want[:len(tt.want)-1]; tt.want[len(tt.want)-1] == '/' && bare != "" {
			if to := m.Canonical(bare, m.Match(bare)); to != tt.want {
				t.Errorf("%s redirects to %q, want %s", bare, to, tt.want)
			}
		}
	}
	if m.Match("/notasection/").Kind != Doc {
		t.Error("a folder that is not a section is a list")
	}
}

// TestFromHugo: a Hugo site in grail's style sends Hugo's addresses of
// lists and feeds to its own.
func TestFromHugo(t *testing.T) {
	cfg := config.Default()
	cfg.Hugo = config.DefaultHugo()
	cfg.URLStyle = config.StyleGrail
	m := New(cfg).WithSections([]string{"posts"})
	for from, want := range map[string]string{
		"/tags/go/": "/tag/go", "/categories/code/": "/category/code", "/index.xml": "/rss.xml",
		"/posts/": "/", "/posts/index.xml": "/rss.xml", "/page/2/": "/page/2",
	} {
		if to, ok := m.FromHugo(from); !ok || to != want {
			t.Errorf("FromHugo(%s) = %q %v, want %s", from, to, ok, want)
		}
	}
	if _, ok := m.FromHugo("/posts/x/"); ok {
		t.Error("a document's address is the site's aliases' business")
	}
	if _, ok := New(config.Default()).FromHugo("/tags/go/"); ok {
		t.Error("a grail site redirects Hugo's addresses")
	}
}
