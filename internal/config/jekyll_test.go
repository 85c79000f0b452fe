package config

import (
	"strings"
	"testing"
)

func TestParseJekyll(t *testing.T) {
	c := ParseJekyll("_config.yml", []byte(`
title: My Blog
description: Things
url: https://example.org/
baseurl: /blog/
timezone: America/New_York
permalink: pretty
excerpt_separator: <!--more-->
paginate: 4
paginate_path: /posts/page:num/
exclude: [notes.md, drafts/]
include: [.well-known]
collections:
  recipes:
    output: true
    permalink: /r/:name/
  hidden:
    output: false
defaults:
  - scope: {path: "", type: posts}
    values: {layout: post, author: Ann}
  - scope: {path: docs}
    values: {permalink: /handbook/:basename/}
`))
	if len(c.Problems) > 0 {
		t.Fatal(c.Problems)
	}
	j := c.Jekyll
	if c.Title != "My Blog" || c.Description != "Things" || c.BaseURL != "https://example.org/blog" || j.BaseURL != "/blog" {
		t.Errorf("title %q description %q base %q %q", c.Title, c.Description, c.BaseURL, j.BaseURL)
	}
	if c.Location.String() != "America/New_York" {
		t.Errorf("zone %v", c.Location)
	}
	if j.Permalink != "/:categories/:year/:month/:day/:title/" || j.PermalinkStyle != "pretty" {
		t.Errorf("permalink %q (%q)", j.Permalink, j.PermalinkStyle)
	}
	if j.ExcerptSeparator != "<!--more-->" || j.Paginate != 4 || c.PerPage != 4 || c.HomePosts != 4 || j.PaginatePath != "/posts/page:num/" {
		t.Errorf("excerpt %q paginate %d/%d/%d %q", j.ExcerptSeparator, j.Paginate, c.PerPage, c.HomePosts, j.PaginatePath)
	}
	if strings.Join(j.Exclude, ",") != "notes.md,drafts/" || strings.Join(j.Include, ",") != ".well-known" {
		t.Errorf("exclude %q include %q", j.Exclude, j.Include)
	}
	if r := j.Collections["recipes"]; !r.Output || r.Permalink != "/r/:name/" || j.Collections["hidden"].Output {
		t.Errorf("collections %+v", j.Collections)
	}
	if d := j.DefaultsFor("_posts/2024-01-01-a.md", "posts"); d["author"] != "Ann" || d["permalink"] != nil {
		t.Errorf("post defaults %v", d)
	}
	if d := j.DefaultsFor("docs/guide.md", "pages"); d["permalink"] != "/handbook/:basename/" || d["author"] != nil {
		t.Errorf("docs defaults %v", d)
	}
	if d := j.DefaultsFor("docsets/x.md", "pages"); len(d) != 0 {
		t.Errorf("a folder named like docs/ took its defaults: %v", d)
	}
}

// TestParseJekyllDefaults: a site that says nothing gets Jekyll's
// defaults; what grail cannot read is a problem, and the site is still
// served.
func TestParseJekyllDefaults(t *testing.T) {
	c := ParseJekyll("_config.yml", []byte("title: x\n"))
	j := c.Jekyll
	if j.Permalink != "/:categories/:year/:month/:day/:title:output_ext" || j.PaginatePath != "/page:num/" || j.ExcerptSeparator != "\n\n" {
		t.Errorf("defaults: %+v", j)
	}
	bad := ParseJekyll("_config.yml", []byte("title: [unclosed\n"))
	if len(bad.Problems) == 0 || !strings.HasPrefix(bad.Problems[0].Error(), "_config.yml:") || bad.Jekyll == nil {
		t.Errorf("problems %v", bad.Problems)
	}
	zone := ParseJekyll("_config.yml", []byte("timezone: Mars/Olympus\n"))
	if len(zone.Problems) == 0 || zone.Location.String() != "UTC" {
		t.Errorf("unknown zone: %v, %v", zone.Problems, zone.Location)
	}
	for style, want := range map[string]string{
		"ordinal": "/:categories/:year/:y_day/:title:output_ext", "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
		"none": "/:categories/:title:output_ext", "/:title/": "/:title/",
	} {
		if got := JekyllPermalink(style); got != want {
			t.Errorf("%s: %s", style, got)
		}
	}
}
