package site

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/urls"
)

// siteConfig is a configuration as grail.toml would give it.
func siteConfig(t testing.TB, toml string) config.Config {
	t.Helper()
	c, err := config.Parse([]byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// parse makes a doc the way the loader does: files under pages/ are pages.
func parse(t testing.TB, cfg config.Config, key, front string) *content.Doc {
	t.Helper()
	kind := content.KindPost
	if strings.HasPrefix(key, "pages/") {
		kind = content.KindPage
	}
	d, problems := content.Parse(key, kind, []byte("---\n"+front+"\n---\nBody of "+key+".\n"), cfg.Location)
	if d == nil {
		t.Fatalf("%s: %v", key, problems)
	}
	return d
}

// post is a post with a title, a date and more front matter lines.
func post(t testing.TB, cfg config.Config, key, date string, more ...string) *content.Doc {
	t.Helper()
	return parse(t, cfg, key, strings.Join(append([]string{"title: " + key, "date: " + date}, more...), "\n"))
}

func keys(docs []*content.Doc) []string {
	out := []string{}
	for _, d := range docs {
		out = append(out, d.Key)
	}
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBuildVisibility(t *testing.T) {
	cfg := siteConfig(t, "")
	docs := []*content.Doc{
		post(t, cfg, "posts/a.md", "2024-01-10"),
		post(t, cfg, "posts/b.md", "2024-03-01", "lastmod: 2024-03-20"),
		post(t, cfg, "posts/c.md", "2024-02-01"),
		post(t, cfg, "posts/draft.md", "2024-02-15", "draft: true"),
		post(t, cfg, "posts/future.md", "2024-06-01"),
		post(t, cfg, "posts/pub.md", "2024-01-01", "publishDate: 2024-05-01T08:00:00Z"),
		parse(t, cfg, "pages/about.md", "title: About"),
		parse(t, cfg, "pages/contact.md", "title: Contact"),
		parse(t, cfg, "pages/secret.md", "title: Secret\ndraft: true"),
	}
	s := Build(cfg, docs, nil, at("2024-04-01T00:00:00Z"))

	if got, want := keys(s.Posts), []string{"posts/b.md", "posts/c.md", "posts/a.md"}; !reflect.DeepEqual(got, want) {
		t.Errorf("posts = %v, want newest first %v", got, want)
	}
	if got, want := keys(s.Pages), []string{"pages/about.md", "pages/contact.md"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	if len(s.Docs) != len(docs) {
		t.Errorf("Docs has %d, want all %d", len(s.Docs), len(docs))
	}
	for path, want := range map[string]string{
		"/blog/b": "posts/b.md", "/about": "pages/about.md",
		"/blog/draft": "", "/blog/future": "", "/blog/pub": "", "/secret": "", "/blog/about": "",
	} {
		if got := s.ByPath(path); (got == nil && want != "") || (got != nil && got.Key != want) {
			t.Errorf("ByPath(%s) = %v, want %q", path, got, want)
		}
	}
	if want := at("2024-05-01T08:00:00Z"); !s.NextChange.Equal(want) {
		t.Errorf("NextChange = %v, want %v (the earliest scheduled post)", s.NextChange, want)
	}
	if want := at("2024-03-20T00:00:00Z"); !s.Updated().Equal(want) {
		t.Errorf("Updated = %v, want %v", s.Updated(), want)
	}
	for now, stale := range map[string]bool{
		"2024-04-01T00:00:00Z": false, "2024-05-01T07:59:59Z": false,
		"2024-05-01T08:00:00Z": true, "2024-07-01T00:00:00Z": true,
	} {
		if s.Stale(at(now)) != stale {
			t.Errorf("Stale(%s) = %v, want %v", now, !stale, stale)
		}
	}

	later := Build(cfg, docs, nil, at("2024-05-01T08:00:00Z"))
	if got := keys(later.Posts); got[len(got)-1] != "posts/pub.md" {
		t.Errorf("at its publish date: posts = %v, want pub.md last (by its date)", got)
	}
	if want := at("2024-06-01T00:00:00Z"); !later.NextChange.Equal(want) {
		t.Errorf("NextChange = %v, want %v", later.NextChange, want)
	}
	done := Build(cfg, docs, nil, at("2025-01-01T00:00:00Z"))
	if !done.NextChange.IsZero() || done.Stale(at("2030-01-01T00:00:00Z")) {
		t.Errorf("nothing scheduled, yet NextChange = %v", done.NextChange)
	}
}

// TestBuildDeterministic: servers list files in different orders and must
// still serve the same site.
func TestBuildDeterministic(t *testing.T) {
	cfg := siteConfig(t, "")
	docs := []*content.Doc{
		post(t, cfg, "posts/zeta.md", "2024-01-01"),
		post(t, cfg, "posts/alpha.md", "2024-01-01"),
		post(t, cfg, "posts/mid.md", "2024-01-01"),
		post(t, cfg, "posts/beta.md", "2024-01-01"),
		post(t, cfg, "posts/2023/alpha.md", "2024-02-01"), // the same slug as posts/alpha.md
		parse(t, cfg, "pages/b.md", "title: Same"),
		parse(t, cfg, "pages/a.md", "title: Same"),
	}
	want := describe(Build(cfg, docs, nil, at("2024-06-01T00:00:00Z")))
	if !strings.Contains(want, "posts: posts/2023/alpha.md posts/beta.md posts/mid.md posts/zeta.md\n") {
		t.Errorf("same-day posts not ordered by slug:\n%s", want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := append([]*content.Doc(nil), docs...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := describe(Build(cfg, shuffled, nil, at("2024-06-01T00:00:00Z"))); got != want {
			t.Fatalf("order %v gives\n%s\nwant\n%s", keys(shuffled), got, want)
		}
	}
}

// describe is what a reader can see of a site, as text.
func describe(s *Site) string {
	var b strings.Builder
	fmt.Fprintf(&b, "posts: %s\npages: %s\n", strings.Join(keys(s.Posts), " "), strings.Join(keys(s.Pages), " "))
	for _, d := range append(append([]*content.Doc(nil), s.Posts...), s.Pages...) {
		fmt.Fprintf(&b, "%s -> %s\n", s.URL(d), d.Key)
	}
	for _, p := range s.Problems {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}

func TestCategories(t *testing.T) {
	cfg := siteConfig(t, "")
	p1 := post(t, cfg, "posts/p1.md", "2024-04-01", "categories: [Programming/QMK]")
	p2 := post(t, cfg, "posts/p2.md", "2024-03-01", "categories: [programming / Go, Hardware]")
	p3 := post(t, cfg, "posts/p3.md", "2024-02-01", "categories: Programming")
	p4 := post(t, cfg, "posts/p4.md", "2024-01-01", "categories: [programming/qmk, programming/go]")
	draft := post(t, cfg, "posts/d.md", "2024-01-05", "draft: true", "categories: [Secret]")
	s := Build(cfg, []*content.Doc{p4, draft, p2, p1, p3}, nil, at("2024-06-01T00:00:00Z"))

	var top []string
	for _, c := range s.Categories.Children {
		top = append(top, c.Name)
	}
	if want := []string{"Hardware", "Programming"}; !reflect.DeepEqual(top, want) {
		t.Errorf("top level = %v, want %v", top, want)
	}
	tests := []struct {
		path, name string
		names      []string
		posts      []*content.Doc
		children   []string
	}{
		// A parent lists its children's posts, each once, newest first.
		{"programming", "Programming", []string{"Programming"}, []*content.Doc{p1, p2, p3, p4}, []string{"go", "qmk"}},
		{"programming/qmk", "QMK", []string{"Programming", "QMK"}, []*content.Doc{p1, p4}, nil},
		{"programming/go", "Go", []string{"Programming", "Go"}, []*content.Doc{p2, p4}, nil},
		{"hardware", "Hardware", []string{"Hardware"}, []*content.Doc{p2}, nil},
	}
	for _, tt := range tests {
		c := s.Category(tt.path)
		if c == nil {
			t.Errorf("no category %s", tt.path)
			continue
		}
		var children []string
		for _, ch := range c.Children {
			children = append(children, ch.Slug)
			if ch.Parent != c {
				t.Errorf("%s: child %s has the wrong parent", tt.path, ch.Path)
			}
		}
		if c.Path != tt.path || c.Name != tt.name || !reflect.DeepEqual(c.Names(), tt.names) ||
			!reflect.DeepEqual(keys(c.Posts), keys(tt.posts)) || !reflect.DeepEqual(children, tt.children) {
			t.Errorf("%s: name %q names %v posts %v children %v; want %q %v %v %v",
				tt.path, c.Name, c.Names(), keys(c.Posts), children, tt.name, tt.names, keys(tt.posts), tt.children)
		}
		if anc := c.Ancestors(); anc[len(anc)-1] != c || len(anc) != len(tt.names) {
			t.Errorf("%s: ancestors %v", tt.path, anc)
		}
		if s.CategoryOf(tt.path) != c {
			t.Errorf("CategoryOf(%s) differs from Category", tt.path)
		}
	}
	if s.Category("secret") != nil {
		t.Error("a draft's category is listed")
	}
}

func TestTags(t *testing.T) {
	cfg := siteConfig(t, "")
	p1 := post(t, cfg, "posts/p1.md", "2024-03-01", "tags: [Go, zig]")
	p2 := post(t, cfg, "posts/p2.md", "2024-02-01", "tags: [go, CSS, Go]")
	p3 := post(t, cfg, "posts/p3.md", "2024-01-01", "tags: [Machine Learning, machine-learning]")
	s := Build(cfg, []*content.Doc{p3, p1, p2}, nil, at("2024-06-01T00:00:00Z"))
	var names []string
	for _, tag := range s.Tags {
		names = append(names, tag.Name)
	}
	if want := []string{"CSS", "Go", "Machine Learning", "zig"}; !reflect.DeepEqual(names, want) {
		t.Errorf("tags = %v, want %v (sorted regardless of case)", names, want)
	}
	tests := []struct {
		slug  string
		posts []*content.Doc
	}{
		{"go", []*content.Doc{p1, p2}},
		{"css", []*content.Doc{p2}},
		{"machine-learning", []*content.Doc{p3}},
		{"zig", []*content.Doc{p1}},
	}
	for _, tt := range tests {
		tag := s.Tag(tt.slug)
		if tag == nil || !reflect.DeepEqual(keys(tag.Posts), keys(tt.posts)) {
			t.Errorf("Tag(%s) = %v, want posts %v", tt.slug, tag, keys(tt.posts))
		}
	}
	if s.Tag("Go") != nil {
		t.Error("tags are found by slug, not by name")
	}
}

// TestArchiveInSiteZone: a post belongs to the month its date falls in
// where the site is, not where the author was.
func TestArchiveInSiteZone(t *testing.T) {
	cfg := siteConfig(t, `timeZone = "Europe/Berlin"`)
	nye := post(t, cfg, "posts/nye.md", "2024-12-31T23:30:00-05:00")     // 05:30 on 1 January in Berlin
	late := post(t, cfg, "posts/late.md", "2024-12-31T22:30:00Z")        // 23:30 on 31 December in Berlin
	march := post(t, cfg, "posts/march.md", "2025-02-28T23:30:00Z")      // 00:30 on 1 March in Berlin
	june := post(t, cfg, "posts/june.md", "2024-06-15")                  // midnight in Berlin
	early := post(t, cfg, "posts/early.md", "2024-06-01T00:30:00+02:00") // still June
	s := Build(cfg, []*content.Doc{june, nye, late, march, early}, nil, at("2025-06-01T00:00:00Z"))

	var got []string
	for _, y := range s.Years {
		n := 0
		for _, m := range y.Months {
			got = append(got, fmt.Sprintf("%d-%02d %s", m.Year, m.Month, strings.Join(keys(m.Posts), ",")))
			n += len(m.Posts)
		}
		if n != y.Count {
			t.Errorf("%d: Count = %d, months hold %d", y.Year, y.Count, n)
		}
	}
	want := []string{
		"2025-03 posts/march.md", "2025-01 posts/nye.md",
		"2024-12 posts/late.md", "2024-06 posts/june.md,posts/early.md",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("archive = %q, want %q", got, want)
	}
	if y := s.Year(2025); y == nil || y.Count != 2 {
		t.Errorf("Year(2025) = %+v", y)
	}
	if s.Year(2023) != nil {
		t.Error("Year(2023) exists")
	}
}

func TestPermalinks(t *testing.T) {
	tests := []struct {
		pattern, zone, date, want string
	}{
		{"/blog/:slug", "UTC", "2024-03-31", "/blog/qmk"},
		{"/posts/:slug", "UTC", "2024-03-31", "/posts/qmk"},
		{"/:year/:month/:slug", "UTC", "2024-03-31", "/2024/03/qmk"},
		// A pattern that ends in a slash gives addresses that end in one.
		{"/:year/:month/:day/:slug/", "UTC", "2024-03-05", "/2024/03/05/qmk/"},
		// The date is read where the site is: 23:30 UTC is the next day in Berlin.
		{"/:year/:month/:day/:slug", "Europe/Berlin", "2024-03-31T23:30:00Z", "/2024/04/01/qmk"},
		{"/:year/:month/:day/:slug", "America/New_York", "2024-04-01T01:30:00Z", "/2024/03/31/qmk"},
	}
	for _, tt := range tests {
		cfg := siteConfig(t, fmt.Sprintf("permalink = %q\ntimeZone = %q", tt.pattern, tt.zone))
		p := post(t, cfg, "posts/qmk.md", tt.date)
		page := parse(t, cfg, "pages/about.md", "title: About")
		s := Build(cfg, []*content.Doc{p, page}, nil, at("2025-01-01T00:00:00Z"))
		if got := s.URL(p); got != tt.want {
			t.Errorf("%s in %s: %s, want %s", tt.pattern, tt.zone, got, tt.want)
		}
		if s.ByPath(tt.want) != p {
			t.Errorf("%s: ByPath(%s) does not find the post", tt.pattern, tt.want)
		}
		if got := s.URL(page); got != "/about" || s.ByPath("/about") != page {
			t.Errorf("%s: page at %s", tt.pattern, got)
		}
	}
}

func TestNeighbours(t *testing.T) {
	cfg := siteConfig(t, "")
	a := post(t, cfg, "posts/a.md", "2024-01-01")
	b := post(t, cfg, "posts/b.md", "2024-02-01")
	c := post(t, cfg, "posts/c.md", "2024-03-01")
	draft := post(t, cfg, "posts/d.md", "2024-02-15", "draft: true")
	page := parse(t, cfg, "pages/about.md", "title: About")
	s := Build(cfg, []*content.Doc{a, b, c, draft, page}, nil, at("2024-06-01T00:00:00Z"))
	tests := []struct {
		doc, older, newer *content.Doc
	}{
		{c, b, nil}, {b, a, c}, {a, nil, b}, {draft, nil, nil}, {page, nil, nil},
	}
	for _, tt := range tests {
		older, newer := s.Neighbours(tt.doc)
		if older != tt.older || newer != tt.newer {
			t.Errorf("Neighbours(%s) = %v, %v; want %v, %v", tt.doc.Key, older, newer, tt.older, tt.newer)
		}
	}
}

func TestAliases(t *testing.T) {
	cfg := siteConfig(t, "")
	a := post(t, cfg, "posts/a.md", "2024-01-01", "aliases: [/old/a/, /blog/b, /blog/a, /tags]")
	b := post(t, cfg, "posts/b.md", "2024-02-01")
	c := post(t, cfg, "posts/c.md", "2024-03-01", "aliases: [/old/a, /2019/c.html]")
	draft := post(t, cfg, "posts/d.md", "2024-03-01", "draft: true", "aliases: [/old/d]")
	page := parse(t, cfg, "pages/about.md", "title: About\naliases: [/about-me]")
	s := Build(cfg, []*content.Doc{c, b, a, draft, page}, nil, at("2024-06-01T00:00:00Z"))

	for path, want := range map[string]string{
		"/old/a": "/blog/a", "/old/a/": "/blog/a", "/2019/c.html": "/blog/c", "/about-me": "/about",
		"/old/d": "", "/blog/b": "", "/tags": "", "/nothing": "",
	} {
		if got := s.Alias(path); got != want {
			t.Errorf("Alias(%s) = %q, want %q", path, got, want)
		}
	}
	want := []problem{
		{"posts/a.md", "aliases", false, "/blog/b is the address of posts/b.md"},
		{"posts/a.md", "aliases", false, "/tags is one of grail's own addresses"},
		{"posts/c.md", "aliases", false, "/old/a is already an alias of /blog/a"},
	}
	checkProblems(t, s.Problems, want)
}

// problem is a problem a test expects; msg need only be part of the message.
type problem struct {
	file, field string
	skipped     bool
	msg         string
}

func checkProblems(t *testing.T, got []content.Problem, want []problem) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].File == want[i].file && got[i].Field == want[i].field &&
			got[i].Skipped == want[i].skipped && strings.Contains(got[i].Message, want[i].msg)
	}
	if !ok {
		t.Errorf("problems:\n got  %v\n want %+v", got, want)
	}
}

// TestDuplicateSlugs: two files at one address. The same one wins on
// every server, whatever order the store lists them in, and both files
// are told why.
func TestDuplicateSlugs(t *testing.T) {
	cfg := siteConfig(t, "")
	older := post(t, cfg, "posts/2023/qmk.md", "2023-05-01")
	newer := post(t, cfg, "posts/qmk.md", "2024-05-01")
	third := post(t, cfg, "posts/keyboards.md", "2024-06-01", "slug: qmk")
	docs := []*content.Doc{older, newer, third}
	want := []problem{
		{"posts/2023/qmk.md", "slug", false, "/blog/qmk is also the address of posts/keyboards.md; this file is shown"},
		{"posts/2023/qmk.md", "slug", false, "/blog/qmk is also the address of posts/qmk.md; this file is shown"},
		{"posts/keyboards.md", "slug", true, "/blog/qmk is also the address of posts/2023/qmk.md, which is shown instead"},
		{"posts/qmk.md", "slug", true, "/blog/qmk is also the address of posts/2023/qmk.md, which is shown instead"},
	}
	for _, order := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		in := []*content.Doc{docs[order[0]], docs[order[1]], docs[order[2]]}
		s := Build(cfg, in, nil, at("2024-07-01T00:00:00Z"))
		if got := s.ByPath("/blog/qmk"); got != older {
			t.Fatalf("order %v: /blog/qmk shows %v, want %s", order, got, older.Key)
		}
		if len(s.Posts) != 1 {
			t.Errorf("order %v: %d posts listed, want 1", order, len(s.Posts))
		}
		checkProblems(t, s.Problems, want)
	}

	// With the year in the address, the same slug in two years is fine.
	byYear := siteConfig(t, `permalink = "/:year/:slug"`)
	s := Build(byYear, []*content.Doc{post(t, byYear, "posts/2023/qmk.md", "2023-05-01"), post(t, byYear, "posts/qmk.md", "2024-05-01")}, nil, at("2024-07-01T00:00:00Z"))
	if len(s.Posts) != 2 || len(s.Problems) != 0 {
		t.Errorf("posts %v, problems %v", keys(s.Posts), s.Problems)
	}
}

// TestReservedAddresses: a page or post cannot take an address that grail
// serves itself; it would be unreachable, or hide the feature.
func TestReservedAddresses(t *testing.T) {
	cfg := siteConfig(t, "")
	atRoot := siteConfig(t, `permalink = "/:slug"`)
	tests := []struct {
		cfg   config.Config
		doc   func(config.Config) *content.Doc
		url   string
		clash bool
	}{
		{cfg, func(c config.Config) *content.Doc { return parse(t, c, "pages/tags.md", "title: Tags") }, "/tags", true},
		{cfg, func(c config.Config) *content.Doc { return parse(t, c, "pages/archive.md", "title: A") }, "/archive", true},
		{cfg, func(c config.Config) *content.Doc { return parse(t, c, "pages/rss.xml.md", "title: R\nslug: rss.xml") }, "/rss.xml", true},
		{cfg, func(c config.Config) *content.Doc { return parse(t, c, "pages/about.md", "title: About") }, "/about", false},
		{cfg, func(c config.Config) *content.Doc { return post(t, c, "posts/tags.md", "2024-01-01") }, "/blog/tags", false},
		{atRoot, func(c config.Config) *content.Doc { return post(t, c, "posts/archive.md", "2024-01-01") }, "/archive", true},
		{atRoot, func(c config.Config) *content.Doc { return post(t, c, "posts/healthz.md", "2024-01-01") }, "/healthz", true},
		{atRoot, func(c config.Config) *content.Doc { return post(t, c, "posts/hello.md", "2024-01-01") }, "/hello", false},
		{siteConfig(t, `permalink = "/page/:slug"`), func(c config.Config) *content.Doc { return post(t, c, "posts/2.md", "2024-01-01") }, "/page/2", true},
		{siteConfig(t, `permalink = "/media/:slug"`), func(c config.Config) *content.Doc { return post(t, c, "posts/x.md", "2024-01-01") }, "/media/x", true},
	}
	for _, tt := range tests {
		d := tt.doc(tt.cfg)
		s := Build(tt.cfg, []*content.Doc{d}, nil, at("2024-06-01T00:00:00Z"))
		if got := s.ByPath(tt.url); (got == nil) != tt.clash {
			t.Errorf("%s at %s: ByPath = %v, want clash=%v", d.Key, tt.url, got, tt.clash)
		}
		if tt.clash {
			checkProblems(t, s.Problems, []problem{{d.Key, "slug", true, tt.url + " is one of grail's own addresses"}})
		} else if len(s.Problems) > 0 {
			t.Errorf("%s: unexpected problems %v", d.Key, s.Problems)
		}
	}
}

// TestPageAndPostClash: with posts at the root, a post and a page can
// claim the same address.
func TestPageAndPostClash(t *testing.T) {
	cfg := siteConfig(t, `permalink = "/:slug"`)
	page := parse(t, cfg, "pages/about.md", "title: About")
	p := post(t, cfg, "posts/about.md", "2024-01-01")
	s := Build(cfg, []*content.Doc{p, page}, nil, at("2024-06-01T00:00:00Z"))
	if s.ByPath("/about") != page {
		t.Errorf("/about shows %v, want the page (its key sorts first)", s.ByPath("/about"))
	}
	checkProblems(t, s.Problems, []problem{
		{"pages/about.md", "slug", false, "also the address of posts/about.md"},
		{"posts/about.md", "slug", true, "also the address of pages/about.md"},
	})
}

func TestBuildProblems(t *testing.T) {
	cfg := siteConfig(t, "")
	loaded := []content.Problem{
		{File: "posts/z.md", Line: 3, Field: "date", Message: "bad", Skipped: true},
		{File: "posts/a.md", Line: 9, Field: "tags", Message: "later line"},
		{File: "posts/a.md", Line: 2, Field: "title", Message: "earlier line"},
	}
	s := Build(cfg, nil, loaded, at("2024-06-01T00:00:00Z"))
	checkProblems(t, s.Problems, []problem{
		{"posts/a.md", "title", false, "earlier line"},
		{"posts/a.md", "tags", false, "later line"},
		{"posts/z.md", "date", true, "bad"},
	})
	if loaded[0].File != "posts/z.md" {
		t.Error("Build reordered its caller's problems")
	}
	if len(s.Posts) != 0 || len(s.Years) != 0 || len(s.Categories.Children) != 0 || s.ByPath("/") != nil {
		t.Error("an empty site is not empty")
	}
}

// TestBuildWithoutLocation: a Config made by hand, without Location, is
// read in UTC rather than crashing the server.
func TestBuildWithoutLocation(t *testing.T) {
	cfg := config.Default()
	cfg.Location = nil
	cfg.Permalink = "/:year/:slug"
	p := post(t, config.Default(), "posts/p.md", "2024-12-31T23:30:00Z")
	s := Build(cfg, []*content.Doc{p}, nil, at("2025-06-01T00:00:00Z"))
	if s.ByPath("/2024/p") != p || s.Year(2024) == nil {
		t.Errorf("URL %s, years %v", s.URL(p), s.Years)
	}
}

func TestBuildLeavesInputAlone(t *testing.T) {
	cfg := siteConfig(t, "")
	docs := []*content.Doc{post(t, cfg, "posts/b.md", "2024-01-01"), post(t, cfg, "posts/a.md", "2024-02-01")}
	before := keys(docs)
	Build(cfg, docs, nil, at("2024-06-01T00:00:00Z"))
	if !reflect.DeepEqual(keys(docs), before) {
		t.Errorf("Build reordered the docs: %v", keys(docs))
	}
}

func TestTagSlugsKeepLanguagesApart(t *testing.T) {
	for _, tt := range []struct{ name, slug string }{
		{"C", "c"}, {"C++", "c-plus-plus"}, {"C#", "c-sharp"}, {"F#", "f-sharp"}, {"Go", "go"}, {"node.js", "node.js"},
	} {
		if got := urls.New(config.Default()).TagSlug(tt.name); got != tt.slug {
			t.Errorf("TagSlug(%q) = %q, want %q", tt.name, got, tt.slug)
		}
	}
}

func TestTagSpellingsMerged(t *testing.T) {
	mk := func(key, date string, tags ...string) *content.Doc {
		d, probs := content.Parse(key, content.KindPost, []byte("---\ntitle: T\ndate: "+date+"\ntags: ["+strings.Join(tags, ", ")+"]\n---\nx\n"), time.UTC)
		if d == nil {
			t.Fatal(probs)
		}
		return d
	}
	s := Build(config.Default(), []*content.Doc{
		mk("posts/a.md", "2024-01-01", "Go", "go lang"),
		mk("posts/b.md", "2024-01-02", "go", "go-lang"),
	}, nil, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if tg := s.Tag("go"); tg == nil || len(tg.Posts) != 2 {
		t.Fatalf("Go and go are one tag with both posts: %+v", tg)
	}
	var merged []string
	for _, p := range s.Problems {
		if p.Field == "tags" {
			merged = append(merged, p.Message)
		}
	}
	if len(merged) != 1 || !strings.Contains(merged[0], "go-lang") {
		t.Errorf("want one problem about go lang / go-lang, got %q", merged)
	}
}

func TestChangedPaths(t *testing.T) {
	mk := func(key, kind, date string) *content.Doc {
		k := content.KindPost
		if kind == "page" {
			k = content.KindPage
		}
		d, probs := content.Parse(key, k, []byte("---\ntitle: T\ndate: "+date+"\n---\nx\n"), time.UTC)
		if d == nil {
			t.Fatal(probs)
		}
		return d
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	a, b, about := mk("posts/a.md", "post", "2024-01-01"), mk("posts/b.md", "post", "2024-02-01"), mk("pages/about.md", "page", "")
	before := Build(config.Default(), []*content.Doc{a, about}, nil, now)
	after := Build(config.Default(), []*content.Doc{a, b, about}, nil, now)
	got := ChangedPaths(before, after, []string{"posts/b.md"})
	for _, want := range []string{"/blog/b", "/blog/a", "/"} {
		if !slices.Contains(got, want) {
			t.Errorf("a new post: %q lacks %s", got, want)
		}
	}
	for _, list := range []string{"/feed.atom", "/rss.xml", "/feed.json", "/page/2", "/categories", "/category/a/b/page/2", "/tag/go/feed.json", "/archive/2024", "/sitemap.xml"} {
		if !urls.Covered(got, list) {
			t.Errorf("a new post: %q does not reach %s", got, list)
		}
	}
	// Deleting b: its address and its former neighbour.
	got = ChangedPaths(after, before, []string{"posts/b.md"})
	if !slices.Contains(got, "/blog/b") || !slices.Contains(got, "/blog/a") {
		t.Errorf("a deleted post: %q", got)
	}
	if got := ChangedPaths(before, before, []string{"pages/about.md"}); !slices.Equal(got, []string{"/*"}) {
		t.Errorf("a page: %q, want the whole site", got)
	}
	if got := ChangedPaths(before, before, []string{"posts/draft.md"}); got != nil {
		t.Errorf("a change no reader can see: %q, want nothing", got)
	}
}

// TestHugoWeightLeavesTheArchiveByDate: weight orders a Hugo site's
// posts, but its archive stays newest first.
func TestHugoWeightLeavesTheArchiveByDate(t *testing.T) {
	cfg := config.ParseHugoFiles([]config.HugoFile{{Name: "hugo.toml", Data: []byte("title = 'W'\n")}})
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	docs := []*content.Doc{
		{Key: "content/posts/old.md", Slug: "old", Title: "Old", Date: day(1), Weight: 1},
		{Key: "content/posts/new.md", Slug: "new", Title: "New", Date: day(20)},
		{Key: "content/posts/mid.md", Slug: "mid", Title: "Mid", Date: day(10), Weight: 2},
	}
	s := Build(cfg, docs, nil, day(30))
	var order, archive []string
	for _, p := range s.Posts {
		order = append(order, p.Slug)
	}
	for _, p := range s.Years[0].Months[0].Posts {
		archive = append(archive, p.Slug)
	}
	if strings.Join(order, " ") != "old mid new" || strings.Join(archive, " ") != "new mid old" {
		t.Errorf("posts %v, archive %v; want by weight, and by date", order, archive)
	}
}
