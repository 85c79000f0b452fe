package urls

import (
	"testing"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

func mapWith(t *testing.T, toml string) *Map {
	t.Helper()
	cfg, err := config.Parse([]byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg)
}

// TestGrailAddresses pins grail's own URL style: what every builder gives
// and what Match reads back from it.
func TestGrailAddresses(t *testing.T) {
	m := mapWith(t, "")
	tests := []struct {
		route Route
		path  string
	}{
		{Route{Kind: Home, Page: 1}, "/"},
		{Route{Kind: Home, Page: 3}, "/page/3"},
		{Route{Kind: Categories}, "/categories"},
		{Route{Kind: Category, Name: "hardware/keyboards", Page: 1}, "/category/hardware/keyboards"},
		{Route{Kind: Category, Name: "hardware/keyboards", Page: 2}, "/category/hardware/keyboards/page/2"},
		{Route{Kind: Tags}, "/tags"},
		{Route{Kind: Tag, Name: "go", Page: 1}, "/tag/go"},
		{Route{Kind: Tag, Name: "go", Page: 12}, "/tag/go/page/12"},
		{Route{Kind: Archive}, "/archive"},
		{Route{Kind: Year, Year: 2024}, "/archive/2024"},
		{Route{Kind: Feed, Feed: Atom, Of: Home}, "/feed.atom"},
		{Route{Kind: Feed, Feed: RSS, Of: Home}, "/rss.xml"},
		{Route{Kind: Feed, Feed: JSONFeed, Of: Home}, "/feed.json"},
		{Route{Kind: Feed, Feed: Atom, Of: Category, Name: "hardware/keyboards"}, "/category/hardware/keyboards/feed.atom"},
		{Route{Kind: Feed, Feed: RSS, Of: Tag, Name: "go"}, "/tag/go/rss.xml"},
		{Route{Kind: Sitemap}, "/sitemap.xml"},
		{Route{Kind: Robots}, "/robots.txt"},
		{Route{Kind: Favicon}, "/favicon.ico"},
		{Route{Kind: HealthCheck}, "/healthz"},
		{Route{Kind: Asset, Name: "style.0123456789.css"}, "/assets/style.0123456789.css"},
		{Route{Kind: Media, Name: "2024/pic.jpg"}, "/media/2024/pic.jpg"},
	}
	for _, tt := range tests {
		if got := m.URL(tt.route); got != tt.path {
			t.Errorf("URL(%+v) = %q, want %q", tt.route, got, tt.path)
		}
		if got := m.Match(tt.path); got != tt.route {
			t.Errorf("Match(%q) = %+v, want %+v", tt.path, got, tt.route)
		}
		if got := m.Canonical(tt.path, tt.route); got != "" {
			t.Errorf("%s redirects to %s", tt.path, got)
		}
	}
}

func TestMatchOtherSpellings(t *testing.T) {
	m := mapWith(t, "")
	tests := []struct {
		path, canonical string
		kind            Kind
	}{
		{"/page/1", "/", Home},
		{"/tag/go/page/1", "/tag/go", Tag},
		{"/tag/go/", "/tag/go", Tag},
		{"/category/a/b/", "/category/a/b", Category},
		{"/tags/", "/tags", Tags},
		{"/archive/2024/", "/archive/2024", Year},
		{"/category/a/page/1/", "/category/a", Category},
		{"/tag/go/feed.json/", "/tag/go/feed.json", Feed},
		{"/category/a//b", "", Doc}, // no category has an empty slug
		{"/page/02", "", Doc},       // not a page number as grail writes them
		{"/page/0", "", Doc},
		{"/archive/02024", "", Doc},
		{"/blog/hello", "", Doc},
		{"/tag/a/b", "", Doc}, // tags are not nested
		{"/admin", "", Admin},
		{"/admin/edit", "", Admin},
		{"/administrator", "", Doc},
		{"/jobs/42", "", Jobs},
	}
	for _, tt := range tests {
		r := m.Match(tt.path)
		if r.Kind != tt.kind {
			t.Errorf("Match(%q) = %+v, want kind %d", tt.path, r, tt.kind)
		}
		if got := m.Canonical(tt.path, r); got != tt.canonical {
			t.Errorf("Canonical(%q) = %q, want %q", tt.path, got, tt.canonical)
		}
	}
}

func TestPostAddresses(t *testing.T) {
	date := time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC)
	tests := []struct{ toml, want string }{
		{``, "/blog/qmk"},
		{`permalink = "/posts/:slug/"`, "/posts/qmk/"},
		{`permalink = "/:year/:month/:day/:slug"`, "/2024/03/31/qmk"},
		// The date is read where the site is.
		{"permalink = \"/:year/:month/:day/:slug\"\ntimeZone = \"Europe/Berlin\"", "/2024/04/01/qmk"},
	}
	for _, tt := range tests {
		m := mapWith(t, tt.toml)
		post := &content.Doc{Kind: content.KindPost, Slug: "qmk", Date: date}
		if got := m.Doc(post); got != tt.want {
			t.Errorf("%s: post at %s, want %s", tt.toml, got, tt.want)
		}
		if got := m.Doc(&content.Doc{Kind: content.KindPage, Slug: "about"}); got != "/about" {
			t.Errorf("%s: page at %s, want /about", tt.toml, got)
		}
		if m.Match(tt.want).Kind != Doc {
			t.Errorf("%s: %s is not left to the documents", tt.toml, tt.want)
		}
	}
}

func TestSlashTwin(t *testing.T) {
	m := mapWith(t, `permalink = "/posts/:slug/"`)
	for path, want := range map[string]string{"/posts/x": "/posts/x/", "/posts/x/": "/posts/x", "/about//": "/about"} {
		if got := m.SlashTwin(path); got != want {
			t.Errorf("SlashTwin(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestReserved(t *testing.T) {
	def := mapWith(t, "")
	posts := mapWith(t, `permalink = "/posts/:slug/"`)
	root := mapWith(t, `permalink = "/:slug"`)
	tests := []struct {
		m        *Map
		path     string
		reserved bool
	}{
		{def, "/tags", true},
		{def, "/tags/", true},
		{def, "/tag", true},
		{def, "/tag/go", true},
		{def, "/tag/go/rss.xml", true},
		{def, "/category/x/y/feed.json", true},
		{def, "/categories", true},
		{def, "/archive/1999", true},
		{def, "/archive/old", true},
		{def, "/page", true},
		{def, "/page/2", true},
		{def, "/rss.xml", true},
		{def, "/feed.atom", true},
		{def, "/feeds", true},
		{def, "/feeds/all", true},
		{def, "/sitemap.xml", true},
		{def, "/robots.txt", true},
		{def, "/favicon.ico", true},
		{def, "/healthz", true},
		{def, "/assets", true},
		{def, "/media/x", true},
		{def, "/admin", true},
		{def, "/jobs/1", true},
		{def, "/", true},
		{def, "/blog", true}, // the posts' folder: readers look for a list there
		{def, "/blog/hello", false},
		{def, "/about", false},
		{def, "/tagged", false},
		{def, "/feed.atom.html", false},
		{posts, "/posts", true},
		{posts, "/posts/hello/", false},
		{posts, "/blog", false},
		{root, "/hello", false},
	}
	for _, tt := range tests {
		if got := tt.m.Reserved(tt.path); got != tt.reserved {
			t.Errorf("%s: Reserved(%q) = %v, want %v", tt.m.permalink, tt.path, got, tt.reserved)
		}
	}
}

// TestListsCoverEveryList: the invalidation a post's change sends reaches
// every list and feed, and not the posts and pages themselves.
func TestListsCoverEveryList(t *testing.T) {
	m := mapWith(t, "")
	lists := m.Lists()
	for _, r := range []Route{
		{Kind: Home}, {Kind: Home, Page: 4}, {Kind: Categories}, {Kind: Category, Name: "a/b", Page: 2},
		{Kind: Tags}, {Kind: Tag, Name: "go"}, {Kind: Archive}, {Kind: Year, Year: 2024}, {Kind: Sitemap},
		{Kind: Feed, Feed: Atom, Of: Home}, {Kind: Feed, Feed: RSS, Of: Home}, {Kind: Feed, Feed: JSONFeed, Of: Home},
		{Kind: Feed, Feed: JSONFeed, Of: Tag, Name: "go"}, {Kind: Feed, Feed: Atom, Of: Category, Name: "a"},
	} {
		if !Covered(lists, m.URL(r)) {
			t.Errorf("%q does not reach %s", lists, m.URL(r))
		}
	}
	for _, p := range []string{"/blog/hello", "/about", "/assets/style.css", "/media/x.jpg"} {
		if Covered(lists, p) {
			t.Errorf("%q reaches %s", lists, p)
		}
	}
}

// FuzzCanonicalSettles: following the map's redirect from any path ends,
// in one step, at an address that does not redirect and that the map
// builds for what it shows.
func FuzzCanonicalSettles(f *testing.F) {
	for _, s := range []string{"/page/1", "/category/a/page/1/", "/tag/go/", "/category/x/feed.atom/", "/category/a/page/2/page/1",
		"/tag/go/page/3", "/archive/2024", "/feed.json", "//", "/category//", "/tag/a/rss.xml/page/1"} {
		f.Add(s)
	}
	m := New(config.Default())
	f.Fuzz(func(t *testing.T, path string) {
		if path == "" || path[0] != '/' {
			return
		}
		r := m.Match(path)
		for hops := 0; ; hops++ {
			to := m.Canonical(path, r)
			if to == "" {
				break
			}
			if hops == 1 {
				t.Fatalf("%s redirects more than once", path)
			}
			path, r = to, m.Match(to)
		}
		if r.Kind != Doc && m.URL(r) != path {
			t.Fatalf("settled at %s, which the map builds as %s", path, m.URL(r))
		}
	})
}
