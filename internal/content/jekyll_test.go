package content

import (
	"strings"
	"testing"
	"time"
)

func TestParseJekyll(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	o := JekyllOptions{ExcerptSeparator: "<!--more-->", Defaults: map[string]any{"author": "Ann", "tags": "fromdefault"}}
	for _, c := range []struct {
		key, src          string
		slug, title, date string
		cats, tags        string
		draft, more       bool
		url, lead         string
	}{
		{key: "_posts/2024-03-31-hello-world.md", src: "---\ntitle: Hi\ncategories: News Updates\ntags: a b\n---\nLead.\n\n<!--more-->\n\nRest.\n",
			slug: "hello-world", title: "Hi", date: "2024-03-31T00:00:00+01:00", cats: "news,updates", tags: "a,b", more: true, lead: "Lead."},
		{key: "blog/tech/_posts/2024-04-02-second.markdown", src: "---\ndate: 2024-04-02 23:30:00 +0000\ncategory: Go\n---\nText.\n",
			slug: "second", title: "Second", date: "2024-04-03T01:30:00+02:00", cats: "blog,tech,go", tags: "fromdefault", lead: "Text."},
		{key: "_posts/2024-01-01-my-first-post.md", src: "---\nslug: Own Slug\npermalink: /x/:title/\n---\nA.\n",
			slug: "Own-Slug", title: "My First Post", date: "2024-01-01T00:00:00+01:00", tags: "fromdefault", url: "/x/:title/", lead: "A."},
		{key: "_drafts/idea.md", src: "---\ntitle: Idea\n---\nSoon.\n", slug: "idea", title: "Idea", tags: "fromdefault", draft: true, lead: "Soon."},
		{key: "_posts/2024-02-02-hidden.md", src: "---\npublished: false\n---\nNo.\n", slug: "hidden", title: "Hidden", date: "2024-02-02T00:00:00+01:00", tags: "fromdefault", draft: true, lead: "No."},
	} {
		d, problems := ParseJekyll(c.key, KindPost, []byte(c.src), berlin, o)
		if d == nil {
			t.Fatalf("%s: %v", c.key, problems)
		}
		date := ""
		if !d.Date.IsZero() {
			date = d.Date.In(berlin).Format(time.RFC3339)
		}
		got := []string{d.Slug, d.Title, date, strings.Join(d.Categories, ","), strings.Join(d.Tags, ","), d.URL, string(d.Lead)}
		want := []string{c.slug, c.title, c.date, c.cats, c.tags, c.url, c.lead}
		if strings.Join(got, "|") != strings.Join(want, "|") || d.Draft != c.draft || d.HasMore != c.more {
			t.Errorf("%s:\n got %q draft %v more %v\nwant %q draft %v more %v", c.key, got, d.Draft, d.HasMore, want, c.draft, c.more)
		}
	}
}

func TestJekyllSlugify(t *testing.T) {
	for in, want := range map[[2]string]string{
		{"Hello, World!", "default"}:    "hello-world",
		{"Hello, World!", "pretty"}:     "Hello,-World!",
		{"  Ünïcode  café ", "default"}: "ünïcode-café",
	} {
		if got := JekyllSlugify(in[0], in[1] == "pretty", in[1] == "pretty"); got != want {
			t.Errorf("%q %s: %q, want %q", in[0], in[1], got, want)
		}
	}
	if got := JekyllTitle("hello-WORLD"); got != "Hello World" {
		t.Errorf("title %q", got)
	}
}
