package urls

import (
	"slices"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

func jekyllMap(t *testing.T, yml string) *Map {
	t.Helper()
	cfg := config.ParseJekyll("_config.yml", []byte(yml))
	if len(cfg.Problems) > 0 {
		t.Fatal(cfg.Problems)
	}
	return New(cfg)
}

// A post of Sunday 2024-01-07 14:05:09 in Berlin: in ISO week 1 of 2024.
func jekyllPost() *content.Doc {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return &content.Doc{
		Key: "_posts/2024-01-07-Hello-World.md", Kind: content.KindPost, Slug: "hello-world",
		Date:          time.Date(2024, 1, 7, 14, 5, 9, 0, berlin),
		CategoryNames: []string{"Tech", "Go Lang"},
	}
}

// TestJekyllTokens: every token Jekyll documents, as Jekyll's URL drop
// fills it in.
func TestJekyllTokens(t *testing.T) {
	for pattern, want := range map[string]string{
		"/:year/:short_year/:month/:i_month/:short_month/:long_month": "/2024/24/01/1/Jan/January",
		"/:day/:i_day/:y_day":                        "/07/7/007",
		"/:w_year/:week/:w_day/:short_day/:long_day": "/2024/01/7/Sun/Sunday",
		"/:hour/:minute/:second":                     "/14/05/09",
		"/:title/:slug":                              "/Hello-World/hello-world",
		"/:categories/:slugified_categories":         "/tech/go lang/tech/go-lang",
		"/:title:output_ext":                         "/Hello-World.html",
		"/:month_:day":                               "/01_07", // the "_" is not part of :month
		"/:unknown/x":                                "/:unknown/x",
	} {
		m := jekyllMap(t, "timezone: Europe/Berlin\npermalink: "+pattern+"\n")
		if got := m.Doc(jekyllPost()); got != want {
			t.Errorf("%s: %s, want %s", pattern, got, want)
		}
	}
}

// TestJekyllStyles: the named permalink styles, and the pages' address
// that follows the style.
func TestJekyllStyles(t *testing.T) {
	page := &content.Doc{Key: "about.md", Kind: content.KindPage, Slug: "about"}
	index := &content.Doc{Key: "blog/index.md", Kind: content.KindPage, Slug: "blog"}
	for style, want := range map[string][3]string{
		"date":     {"/tech/go lang/2024/01/07/Hello-World.html", "/about.html", "/blog/"},
		"pretty":   {"/tech/go lang/2024/01/07/Hello-World/", "/about/", "/blog/"},
		"ordinal":  {"/tech/go lang/2024/007/Hello-World.html", "/about.html", "/blog/"},
		"weekdate": {"/tech/go lang/2024/W01/Sun/Hello-World.html", "/about", "/blog/"},
		"none":     {"/tech/go lang/Hello-World.html", "/about.html", "/blog/"},
		"/:title/": {"/Hello-World/", "/about/", "/blog/"},
	} {
		m := jekyllMap(t, "timezone: Europe/Berlin\npermalink: "+style+"\n")
		got := [3]string{m.Doc(jekyllPost()), m.Doc(page), m.Doc(index)}
		if got != want {
			t.Errorf("%s: %q, want %q", style, got, want)
		}
	}
}

// TestJekyllListsAndTwins: jekyll-paginate's pages, jekyll-feed's feed,
// and the other spellings that redirect.
func TestJekyllListsAndTwins(t *testing.T) {
	m := jekyllMap(t, "paginate: 5\n")
	if got := m.Home(2); got != "/page2/" {
		t.Errorf("home page 2: %s", got)
	}
	if r := m.Match("/page3/"); r.Kind != Home || r.Page != 3 {
		t.Errorf("/page3/: %+v", r)
	}
	if got := m.SiteFeed(Atom); got != "/feed.xml" {
		t.Errorf("feed: %s", got)
	}
	custom := jekyllMap(t, "paginate_path: /blog/page:num/\n")
	if got := custom.Home(2); got != "/blog/page2/" {
		t.Errorf("paginate_path: %s", got)
	}
	for path, want := range map[string][]string{
		"/about.html":       {"/about"},
		"/about":            {"/about/", "/about.html"},
		"/x/":               {"/x"},
		"/guide/index.html": {"/guide/", "/guide"},
	} {
		if got := m.Twins(path); !slices.Equal(got, want) {
			t.Errorf("twins of %s: %q, want %q", path, got, want)
		}
	}
}

// TestJekyllCollections: a collection's documents at its permalink, or
// at Jekyll's default /:collection/:path with the pages' ending.
func TestJekyllCollections(t *testing.T) {
	m := jekyllMap(t, "permalink: pretty\ncollections:\n  recipes:\n    output: true\n    permalink: /r/:name:output_ext\n  docs:\n    output: true\n")
	recipe := &content.Doc{Key: "_recipes/Apple Cake.md", Kind: content.KindPage}
	doc := &content.Doc{Key: "_docs/setup/install.md", Kind: content.KindPage}
	if got := m.Doc(recipe); got != "/r/apple-cake.html" {
		t.Errorf("recipe: %s", got)
	}
	if got := m.Doc(doc); got != "/docs/setup/install/" {
		t.Errorf("doc: %s", got)
	}
}
