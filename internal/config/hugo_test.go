package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseHugoFormats: the same settings read from TOML, YAML and JSON.
func TestParseHugoFormats(t *testing.T) {
	files := map[string]string{
		"hugo.toml": "baseURL = 'https://x.example.org/'\ntitle = 'T'\nuglyURLs = true\nsummaryLength = 30\n" +
			"[permalinks]\nposts = '/:year/:month/:slug/'\n[taxonomies]\ntag = 'tags'\nseries = 'series'\n" +
			"[params]\nmainSections = ['articles']\n[markup.goldmark.renderer]\nunsafe = true\n" +
			"[markup.goldmark.extensions]\ntypographer = false\n[markup.goldmark.parser.attribute]\nblock = true\n",
		"hugo.yaml": "baseURL: https://x.example.org/\ntitle: T\nuglyURLs: true\nsummaryLength: 30\n" +
			"permalinks:\n  posts: /:year/:month/:slug/\ntaxonomies:\n  tag: tags\n  series: series\n" +
			"params:\n  mainSections: [articles]\nmarkup:\n  goldmark:\n    renderer: {unsafe: true}\n" +
			"    extensions: {typographer: false}\n    parser: {attribute: {block: true}}\n",
		"config.json": `{"baseURL": "https://x.example.org/", "title": "T", "uglyURLs": true, "summaryLength": 30,
			"permalinks": {"posts": "/:year/:month/:slug/"}, "taxonomies": {"tag": "tags", "series": "series"},
			"params": {"mainSections": ["articles"]},
			"markup": {"goldmark": {"renderer": {"unsafe": true}, "extensions": {"typographer": false}, "parser": {"attribute": {"block": true}}}}}`,
	}
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			c := ParseHugoFiles([]HugoFile{{name, []byte(src)}})
			if len(c.Problems) > 0 {
				t.Fatal(c.Problems)
			}
			h := c.Hugo
			if c.Title != "T" || c.BaseURL != "https://x.example.org" || !h.UglyURLs || h.SummaryLength != 30 {
				t.Errorf("got %+v %+v", c, h)
			}
			if h.Permalinks["posts"] != "/:year/:month/:slug/" {
				t.Errorf("permalinks %v", h.Permalinks)
			}
			if !reflect.DeepEqual(h.Taxonomies, map[string]string{"tag": "tags", "series": "series"}) {
				t.Errorf("taxonomies %v: want exactly the configured ones", h.Taxonomies)
			}
			if !reflect.DeepEqual(h.MainSections, []string{"articles"}) {
				t.Errorf("mainSections %v", h.MainSections)
			}
			if c.Markup != (Markup{Unsafe: true, Typographer: false, Attributes: true}) {
				t.Errorf("markup %+v", c.Markup)
			}
		})
	}
}

// TestParseHugoConfigDir: config/_default/ files are merged under the
// setting they are named after, and the root file wins.
func TestParseHugoConfigDir(t *testing.T) {
	c := ParseHugoFiles([]HugoFile{
		{"config/_default/hugo.toml", []byte("title = 'From dir'\nlanguageCode = 'fr'\ntheme = ['paper', 'base']\nenableInlineShortcodes = true\n")},
		{"config/_default/params.yaml", []byte("description: D\nauthor: {name: Ada}\n")},
		{"config/_default/markup.toml", []byte("[goldmark.renderer]\nunsafe = true\n")},
		{"hugo.toml", []byte("title = 'Root'\n")},
	})
	if len(c.Problems) > 0 {
		t.Fatal(c.Problems)
	}
	if c.Title != "Root" || c.Language != "fr" || c.Description != "D" || c.Author != "Ada" || !c.Markup.Unsafe {
		t.Errorf("got %+v", c)
	}
	if h := c.Hugo; h.Theme != "paper" || !h.InlineShortcodes || h.Params["description"] != "D" {
		t.Errorf("theme %q, inline shortcodes %v, params %v", h.Theme, h.InlineShortcodes, h.Params)
	}
}

// TestParseHugoProblems: a broken file or setting is named with its line,
// and the rest of the site's settings still apply.
func TestParseHugoProblems(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"hugo.toml", "title = 'x'\nbad = \n", "hugo.toml:2:"},
		{"hugo.yaml", "title: x\n  bad: : :\n", "hugo.yaml:2:"},
		{"hugo.json", "{\"title\": \"x\",\n\"bad\": }", "hugo.json:2:"},
		{"hugo.toml", "title = 'x'\n[permalinks]\nposts = '/:yaer/:slug/'\n", "hugo.toml:3: permalinks.posts: :yaer is not a permalink token"},
		{"hugo.toml", "title = 'x'\ntimeZone = 'Nowhere/Else'\n", "hugo.toml:2:"},
	}
	for _, tt := range tests {
		c := ParseHugoFiles([]HugoFile{{tt.name, []byte(tt.src)}, {"config/_default/params.toml", []byte("description = 'kept'\n")}})
		if len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Error(), tt.want) {
			t.Errorf("%s %q: problems %v, want one containing %q", tt.name, tt.src, c.Problems, tt.want)
		}
		if c.Description != "kept" || c.Location == nil {
			t.Errorf("%s %q: the other settings were lost: %+v", tt.name, tt.src, c)
		}
	}
}

// TestParseOverHugo: grail.toml adds grail's settings to a Hugo site's
// and overrides only what it sets.
func TestParseOverHugo(t *testing.T) {
	base := ParseHugoFiles([]HugoFile{{"hugo.toml", []byte("title = 'Hugo title'\nlanguageCode = 'de'\n[params]\nmainSections = ['notes']\n")}})
	c, err := ParseOver(base, []byte("urlStyle = 'grail'\nhomePosts = 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "Hugo title" || c.Language != "de" || c.URLStyle != StyleGrail || c.HomePosts != 3 || c.Hugo == nil || c.Hugo.MainSections[0] != "notes" {
		t.Errorf("got %+v", c)
	}
	if _, err := Parse([]byte("urlStyle = 'jekyll'\n")); err == nil || !strings.Contains(err.Error(), "grail.toml:1: urlStyle") {
		t.Errorf("unknown style: %v", err)
	}
}
