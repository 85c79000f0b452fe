package main

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// categories is a three-level tree of about thirty categories, listed as
// paths so parents and children both get posts.
var categories = []string{
	"programming", "programming/go", "programming/go/concurrency", "programming/go/testing",
	"programming/python", "programming/python/packaging", "programming/rust", "programming/rust/async",
	"programming/javascript", "programming/javascript/frontend", "programming/shell",
	"hardware", "hardware/keyboards", "hardware/keyboards/qmk", "hardware/keyboards/switches",
	"hardware/retro", "hardware/homelab", "hardware/homelab/networking",
	"operations", "operations/linux", "operations/containers", "operations/monitoring",
	"writing", "writing/tools", "life", "life/travel", "life/books", "life/cooking",
	"meta", "meta/blogging",
}

// codeLangs maps a programming category to the language of its code block;
// posts elsewhere get any of them.
var codeLangs = map[string]string{
	"programming/go": "go", "programming/python": "python", "programming/rust": "rust",
	"programming/javascript": "js", "programming/shell": "bash",
}

var langs = []string{"go", "python", "rust", "js", "bash"}

// Offsets seen on real blogs, so date parsing and time-zone display get
// exercised; Z is written for some UTC dates, +00:00 for others.
var zones = []*time.Location{
	time.UTC, time.FixedZone("", 1*3600), time.FixedZone("", 2*3600), time.FixedZone("", -5*3600),
	time.FixedZone("", -7*3600), time.FixedZone("", 5*3600+1800), time.FixedZone("", 9*3600),
	time.FixedZone("", -3*3600),
}

var (
	firstDate = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
)

// post is one post's metadata, decided up front so that any post's body
// can link to any other.
type post struct {
	file       string // relative to the site root
	slug       string
	title      string
	date       time.Time
	dateZ      bool // write a UTC date as Z rather than +00:00
	quoteDate  bool
	lastmod    time.Time // zero when absent
	categories []string
	tags       []string
	flowLists  bool // tags: [a, b] instead of a block list
	summary    string
	draft      bool
	aliases    []string
	lang       string
}

// plan decides every post's metadata from one stream. Titles must be made
// in order so duplicate slugs get deterministic suffixes.
func plan(n int, seed uint64) []post {
	g := newGen(seed, 0)
	seen := map[string]int{}
	posts := make([]post, n)
	for i := range posts {
		p := &posts[i]
		p.title = g.title()
		p.slug = uniqueSlug(seen, slugify(p.title))
		p.date = g.date()
		p.dateZ = p.date.Location() == time.UTC && g.chance(0.5)
		p.quoteDate = g.chance(0.2)
		if g.chance(0.25) {
			p.lastmod = p.date.Add(time.Duration(g.between(1, 400*24)) * time.Hour)
		}
		p.categories = g.categories()
		p.tags = g.tags()
		p.flowLists = g.chance(0.3)
		if g.chance(0.3) {
			var b strings.Builder
			g.sentence(&b)
			p.summary = b.String()
		}
		p.draft = g.chance(0.01)
		if g.chance(0.03) {
			p.aliases = []string{"/old/" + p.slug + "/", p.date.Format("/2006/01/") + p.slug + ".html"}
		}
		p.lang = g.lang(p.categories[0])
		p.file = path.Join("posts", p.slug+".md")
		if g.chance(0.2) { // some sites file posts by year
			p.file = path.Join("posts", p.date.Format("2006"), p.slug+".md")
		}
	}
	return posts
}

func (g *gen) title() string {
	adj, noun, noun2 := g.pick(words.adjectives), g.pick(words.nouns), g.pick(words.nouns)
	nouns, nouns2 := plural(noun), plural(noun2)
	var t string
	switch g.r.IntN(6) {
	case 0:
		t = fmt.Sprintf("%s %s %s %s", adj, nouns, g.pick(words.prepositions), nouns2)
	case 1:
		t = fmt.Sprintf("why my %s %s the %s %s", noun, g.pick(words.verbs), adj, noun2)
	case 2:
		t = fmt.Sprintf("notes on %s %s", adj, nouns)
	case 3:
		t = fmt.Sprintf("%s: a %s %s %s", g.skewed(words.tags), adj, noun, noun2)
	case 4:
		t = fmt.Sprintf("a %s %s for the %s", adj, noun, noun2)
	default:
		t = fmt.Sprintf("%s, %s and the %s %s", noun, noun2, adj, g.pick(words.nouns))
	}
	return titleCase(t)
}

func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func uniqueSlug(seen map[string]int, slug string) string {
	seen[slug]++
	if n := seen[slug]; n > 1 {
		return uniqueSlug(seen, fmt.Sprintf("%s-%d", slug, n))
	}
	return slug
}

// date returns a minute-precision time in one of the zones.
func (g *gen) date() time.Time {
	minutes := g.r.Int64N(int64(lastDate.Sub(firstDate) / time.Minute))
	return firstDate.Add(time.Duration(minutes) * time.Minute).In(zones[g.r.IntN(len(zones))])
}

func (g *gen) categories() []string {
	c := []string{g.pick(categories)}
	if g.chance(0.2) {
		if other := g.pick(categories); other != c[0] {
			c = append(c, other)
		}
	}
	return c
}

func (g *gen) tags() []string {
	n := g.between(2, 6)
	var tags []string
	have := map[string]bool{}
	for range n {
		if t := g.skewed(words.tags); !have[t] {
			have[t] = true
			tags = append(tags, t)
		}
	}
	return tags
}

// lang picks the code block's language from the category when it names one.
func (g *gen) lang(category string) string {
	for prefix, lang := range codeLangs {
		if category == prefix || strings.HasPrefix(category, prefix+"/") {
			return lang
		}
	}
	return g.pick(langs)
}
