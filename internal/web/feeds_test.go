package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// The demo blog's feeds, read by a real feed parser (gofeed) the way a
// feed reader would read them.

// feedPost is what a reader's feed must say about one demo post, as its
// front matter has it.
type feedPost struct {
	slug, title string
	date        string   // front matter date
	lastmod     string   // front matter lastmod, or "" for date
	categories  []string // category paths
	tags        []string
	deep        string // a sentence from deep in the body
}

var demoFeedPosts = map[string]feedPost{
	"small-things-i-learned-in-2025": {
		title: "Small things I learned in 2025", date: "2026-01-04T10:30:00+01:00", // no offset in the front matter: the site's Europe/Berlin
		categories: []string{"notes"}, tags: []string{"til", "yearly", "go", "sqlite", "git"},
	},
	"the-hour-that-happens-twice": {
		title: "The hour that happens twice", date: "2025-10-26T02:30:00+01:00",
		categories: []string{"programming/go"}, tags: []string{"time", "time-zones", "dst", "go"},
		deep: "The simplest policy of all, which I now use for anything new, is to schedule machine jobs in UTC.",
	},
	"conditional-requests-in-go": {
		title: "Conditional requests in Go, with and without ServeContent", date: "2025-08-23T17:20:00+02:00",
		categories: []string{"web/http", "programming/go"}, tags: []string{"go", "http", "caching", "etag"},
	},
	"hand-wiring-a-split-keyboard": {
		title: "Hand-wiring a split keyboard, one diode at a time", date: "2025-06-14T10:00:00+02:00",
		categories: []string{"hardware/keyboards"}, tags: []string{"keyboards", "soldering", "hardware", "qmk"},
		deep: "Two keys had a cold solder joint and one diode was in backwards.",
	},
	"why-my-blog-costs-40-cents-a-month": {
		title: "Why my blog costs $0.40 a month", date: "2025-01-18T12:00:00+01:00",
		categories: []string{"web/hosting", "notes"}, tags: []string{"hosting", "cdn", "costs"},
	},
	"backing-up-sqlite-without-stopping-the-world": {
		title: "Backing up SQLite without stopping the world", date: "2024-10-05T11:45:00+02:00",
		categories: []string{"programming/databases"}, tags: []string{"sqlite", "backups", "operations"},
	},
	"building-a-tiny-keyboard-firmware-feature-in-c": {
		title: "Building a tiny keyboard firmware feature in C", date: "2024-07-09T22:10:00+02:00",
		categories: []string{"hardware/keyboards/qmk"}, tags: []string{"qmk", "c", "keyboards", "firmware"},
	},
	"notes-on-reading-the-go-memory-model": {
		title: "Notes on reading the Go memory model", date: "2024-04-21T19:30:00+02:00",
		categories: []string{"programming/go"}, tags: []string{"go", "concurrency", "memory-model"},
	},
	"choosing-a-qmk-layout-for-a-36-key-split": {
		title: "Choosing a QMK layout for a 36-key split", date: "2024-02-03T14:00:00+01:00", lastmod: "2025-11-02T11:00:00+01:00",
		categories: []string{"hardware/keyboards/qmk"}, tags: []string{"keyboards", "qmk", "ergonomics", "layouts"},
		deep: "It took me three weeks to get back to full speed, and three months before I stopped thinking about the layout at all.",
	},
	"http-caching-headers-that-actually-matter": {
		title: "HTTP caching headers that actually matter", date: "2023-11-14T08:30:00+01:00",
		categories: []string{"web/http"}, tags: []string{"http", "caching", "performance"},
	},
	"debugging-a-flaky-test-with-go-test-count": {
		title: "Debugging a flaky test with go test -count", date: "2023-08-06T21:05:00+02:00",
		categories: []string{"programming/go"}, tags: []string{"go", "testing", "concurrency"},
	},
	"sqlite-wal-mode-in-production": {
		title: "SQLite WAL mode in production", date: "2023-05-20T16:40:00+02:00", lastmod: "2023-05-22T08:10:00+02:00",
		categories: []string{"programming/databases"}, tags: []string{"sqlite", "databases", "operations"},
		deep: "four pragmas, one rule about transactions, and one alert.",
	},
	"time-zones-are-not-offsets": {
		title: "Time zones are not offsets", date: "2023-02-11T10:20:00+01:00",
		categories: []string{"programming/go"}, tags: []string{"time", "go", "time-zones"},
	},
}

// The draft and the scheduled post (2031) must never reach a feed.
var hiddenPosts = map[string]string{
	"postgres-advisory-locks-for-cron-jobs": "Postgres advisory locks for jobs that must run once",
	"rate-limiting-with-a-token-bucket":     "Rate limiting a Go endpoint with a token bucket",
}

// images each post's feed content must carry, by absolute path.
var feedImages = map[string]string{
	"choosing-a-qmk-layout-for-a-36-key-split": "/media/2024/layout-36.png",
	"hand-wiring-a-split-keyboard":             "/media/2025/matrix-col2row.svg",
}

type demoFeed struct {
	dir   string // "" for the whole site, "/category/…" or "/tag/…"
	title string
	page  string // the HTML page the feed follows
	slugs []string
}

var demoFeeds = []demoFeed{
	{
		dir: "", title: "Home Row", page: "/",
		slugs: []string{
			"small-things-i-learned-in-2025", "the-hour-that-happens-twice", "conditional-requests-in-go",
			"hand-wiring-a-split-keyboard", "why-my-blog-costs-40-cents-a-month", "backing-up-sqlite-without-stopping-the-world",
			"building-a-tiny-keyboard-firmware-feature-in-c", "notes-on-reading-the-go-memory-model",
			"choosing-a-qmk-layout-for-a-36-key-split", "http-caching-headers-that-actually-matter",
			"debugging-a-flaky-test-with-go-test-count", "sqlite-wal-mode-in-production", "time-zones-are-not-offsets",
		},
	},
	{
		// Includes the posts of its subcategory qmk.
		dir: "/category/hardware/keyboards", title: "Home Row: hardware › keyboards", page: "/category/hardware/keyboards",
		slugs: []string{"hand-wiring-a-split-keyboard", "building-a-tiny-keyboard-firmware-feature-in-c", "choosing-a-qmk-layout-for-a-36-key-split"},
	},
	{
		// The draft is in this category.
		dir: "/category/programming/databases", title: "Home Row: programming › databases", page: "/category/programming/databases",
		slugs: []string{"backing-up-sqlite-without-stopping-the-world", "sqlite-wal-mode-in-production"},
	},
	{
		// The draft and the scheduled post both have this tag.
		dir: "/tag/go", title: "Home Row: #go", page: "/tag/go",
		slugs: []string{
			"small-things-i-learned-in-2025", "the-hour-that-happens-twice", "conditional-requests-in-go",
			"notes-on-reading-the-go-memory-model", "debugging-a-flaky-test-with-go-test-count", "time-zones-are-not-offsets",
		},
	},
}

// feedFormats lists each format's media types: its own, or for RSS and
// Atom also generic XML, which browsers render with the feed's stylesheet
// (Chromium shows application/rss+xml and application/atom+xml as text).
var feedFormats = []struct {
	file, feedType string
	contentTypes   []string
}{
	{"feed.atom", "atom", []string{"application/atom+xml", "application/xml", "text/xml"}},
	{"rss.xml", "rss", []string{"application/rss+xml", "application/xml", "text/xml"}},
	{"feed.json", "json", []string{"application/feed+json"}},
}

func TestDemoFeedsParse(t *testing.T) {
	srv := e2eDemoServer(t)
	linkOK := map[string]bool{} // item links already fetched
	for _, df := range demoFeeds {
		for _, ff := range feedFormats {
			path := df.dir + "/" + ff.file
			t.Run(path, func(t *testing.T) {
				resp, body := e2eGet(t, srv, path)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s: status %d", path, resp.StatusCode)
				}
				ct := resp.Header.Get("Content-Type")
				mediaType, _, _ := strings.Cut(ct, ";")
				if !slices.Contains(ff.contentTypes, mediaType) || !strings.Contains(ct, "charset=utf-8") {
					t.Errorf("Content-Type %q, want one of %q with charset=utf-8", ct, ff.contentTypes)
				}
				feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("gofeed cannot parse %s: %v\n%s", path, err, body[:min(len(body), 2000)])
				}
				if feed.FeedType != ff.feedType {
					t.Errorf("gofeed reads %s as %q, want %q", path, feed.FeedType, ff.feedType)
				}
				if feed.Title != df.title {
					t.Errorf("feed title %q, want %q", feed.Title, df.title)
				}
				if want := srv.URL + df.page; feed.Link != want {
					t.Errorf("feed link %q, want %q", feed.Link, want)
				}
				if want := srv.URL + path; feed.FeedLink != want {
					t.Errorf("feed's own link %q, want %q", feed.FeedLink, want)
				}
				if feed.Language != "en" {
					t.Errorf("feed language %q, want en", feed.Language)
				}
				checkFeedItems(t, srv, feed, df, ff.feedType, linkOK)
			})
		}
	}
}

func checkFeedItems(t *testing.T, srv *httptest.Server, feed *gofeed.Feed, df demoFeed, feedType string, linkOK map[string]bool) {
	t.Helper()
	var got []string
	for _, it := range feed.Items {
		got = append(got, it.Title)
		for slug, title := range hiddenPosts {
			if strings.Contains(it.Link, slug) || it.Title == title {
				t.Errorf("the feed has the unpublished post %q (%s)", title, it.Link)
			}
		}
	}
	var want []string
	for _, slug := range df.slugs {
		want = append(want, demoFeedPosts[slug].title)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("item titles, newest first:\n got %q\nwant %q", got, want)
	}
	for i, it := range feed.Items {
		slug := df.slugs[i]
		p := demoFeedPosts[slug]
		wantLink := srv.URL + "/blog/" + slug
		if it.Link != wantLink {
			t.Errorf("%s: link %q, want %q", slug, it.Link, wantLink)
		}
		if !linkOK[it.Link] {
			if resp, _ := e2eGet(t, srv, it.Link); resp.StatusCode != 200 {
				t.Errorf("%s: the item's link %s answers %d", slug, it.Link, resp.StatusCode)
			} else {
				linkOK[it.Link] = true
			}
		}
		if feedType != "rss" && it.GUID != wantLink {
			t.Errorf("%s: id %q, want the post's URL %q", slug, it.GUID, wantLink)
		}
		checkTime(t, slug+": published", it.PublishedParsed, it.Published, p.date)
		updated := p.lastmod
		if updated == "" {
			updated = p.date
		}
		checkTime(t, slug+": updated", it.UpdatedParsed, it.Updated, updated)
		checkCategories(t, slug, feedType, it.Categories, p)
		checkContent(t, srv, slug, it.Content, p)
	}
}

// checkTime compares a feed's time with a front matter date: the instant
// gofeed parsed (it converts to UTC) must be the same, and the text in the
// feed must keep the author's UTC offset.
func checkTime(t *testing.T, what string, parsed *time.Time, raw, want string) {
	t.Helper()
	w, err := time.Parse(time.RFC3339, want)
	if err != nil {
		t.Fatal(err)
	}
	if parsed == nil {
		t.Errorf("%s: missing or unreadable (%q), want %s", what, raw, want)
		return
	}
	if !parsed.Equal(w) {
		t.Errorf("%s: %s (%q), want %s", what, parsed.Format(time.RFC3339), raw, want)
		return
	}
	local, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		local, err = time.Parse(time.RFC1123Z, raw)
	}
	if err != nil {
		t.Errorf("%s: %q is neither RFC 3339 nor RFC 1123 with a numeric zone", what, raw)
		return
	}
	if s := local.Format(time.RFC3339); s != want {
		t.Errorf("%s: written as %q, which is %s in the feed's own offset, want %s", what, raw, s, want)
	}
}

func checkCategories(t *testing.T, slug, feedType string, got []string, p feedPost) {
	t.Helper()
	// Atom terms and JSON Feed tags carry the category path; RSS has only
	// a text per category, the path as the post's page shows it.
	var want []string
	want = append(want, p.categories...)
	want = append(want, p.tags...)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s (%s): categories %q lack %q", slug, feedType, got, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s (%s): categories %q, want %q", slug, feedType, got, want)
	}
}

var attrURL = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)

func checkContent(t *testing.T, srv *httptest.Server, slug, content string, p feedPost) {
	t.Helper()
	if len(content) < 1500 {
		t.Errorf("%s: content is %d bytes: the feed must carry the whole post", slug, len(content))
	}
	text := html.UnescapeString(content)
	if p.deep != "" && !strings.Contains(text, p.deep) {
		t.Errorf("%s: content lacks the sentence %q from the end of the post", slug, p.deep)
	}
	if img := feedImages[slug]; img != "" {
		if want := `src="` + srv.URL + img + `"`; !strings.Contains(content, want) {
			t.Errorf("%s: content lacks the image as %s", slug, want)
		} else if resp, _ := e2eGet(t, srv, srv.URL+img); resp.StatusCode != 200 {
			t.Errorf("%s: the image %s answers %d", slug, img, resp.StatusCode)
		}
	}
	for _, m := range attrURL.FindAllStringSubmatch(content, -1) {
		u := html.UnescapeString(m[1])
		if strings.HasPrefix(u, "#") {
			continue // a footnote: its target is in the same content
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "mailto:") {
			t.Errorf("%s: content has the relative URL %q, which a feed reader cannot resolve", slug, u)
		}
	}
}

// TestDemoFeedStylesheet: RSS and Atom start with an xml-stylesheet
// processing instruction whose href serves an XSLT document, so that a
// reader who opens a feed in a browser gets a page rather than raw XML.
func TestDemoFeedStylesheet(t *testing.T) {
	srv := e2eDemoServer(t)
	for _, path := range []string{"/feed.atom", "/rss.xml", "/category/hardware/keyboards/feed.atom", "/tag/go/rss.xml"} {
		t.Run(path, func(t *testing.T) {
			_, body := e2eGet(t, srv, path)
			dec := xml.NewDecoder(bytes.NewReader(body))
			var pis []xml.ProcInst
			for {
				tok, err := dec.Token()
				if err != nil {
					t.Fatalf("read %s: %v", path, err)
				}
				if pi, ok := tok.(xml.ProcInst); ok {
					pis = append(pis, pi.Copy())
				}
				if _, ok := tok.(xml.StartElement); ok {
					break
				}
			}
			if len(pis) != 2 || pis[0].Target != "xml" || pis[1].Target != "xml-stylesheet" {
				t.Fatalf("want <?xml …?> then <?xml-stylesheet …?> before the root element, got %v", pis)
			}
			inst := string(pis[1].Inst)
			if !strings.Contains(inst, `type="text/xsl"`) {
				t.Errorf("xml-stylesheet %q has no type=\"text/xsl\"", inst)
			}
			m := regexp.MustCompile(`href="([^"]+)"`).FindStringSubmatch(inst)
			if m == nil {
				t.Fatalf("xml-stylesheet %q has no href", inst)
			}
			resp, xsl := e2eGet(t, srv, m[1])
			if resp.StatusCode != 200 {
				t.Fatalf("the stylesheet %s answers %d", m[1], resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "xml") && !strings.Contains(ct, "xsl") {
				t.Errorf("the stylesheet %s has Content-Type %q", m[1], ct)
			}
			root := rootElement(t, xsl)
			if root.Space != "http://www.w3.org/1999/XSL/Transform" || root.Local != "stylesheet" {
				t.Errorf("the stylesheet %s is not XSLT: root element {%s}%s", m[1], root.Space, root.Local)
			}
		})
	}
}

func rootElement(t *testing.T, doc []byte) xml.Name {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			t.Fatal("no root element")
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name
		}
	}
}

// TestDemoJSONFeedVersion checks the fields gofeed does not report.
func TestDemoJSONFeedVersion(t *testing.T) {
	srv := e2eDemoServer(t)
	_, body := e2eGet(t, srv, "/feed.json")
	var doc struct {
		Version string `json:"version"`
		Authors []struct {
			Name string `json:"name"`
		} `json:"authors"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version %q, want https://jsonfeed.org/version/1.1", doc.Version)
	}
	if len(doc.Authors) != 1 || doc.Authors[0].Name != "Ada Okafor" {
		t.Errorf("authors %+v, want Ada Okafor", doc.Authors)
	}
	for _, it := range doc.Items {
		for _, k := range []string{"id", "url", "title", "content_html", "date_published"} {
			if s, _ := it[k].(string); s == "" {
				t.Errorf("item %v: no %q", it["url"], k)
			}
		}
	}
}
