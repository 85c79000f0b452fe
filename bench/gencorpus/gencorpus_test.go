package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/grailblog/grail/internal/config"
)

// treeHash hashes every file's path and content under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func genSite(t *testing.T, n int, seed uint64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := generate(dir, n, seed, layoutOf(false)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSameFlagsSameBytes(t *testing.T) {
	a, b := treeHash(t, genSite(t, 300, 1)), treeHash(t, genSite(t, 300, 1))
	if a != b {
		t.Fatalf("two runs with seed 1 differ: %s vs %s", a, b)
	}
	if c := treeHash(t, genSite(t, 300, 2)); c == a {
		t.Fatal("seed 2 gave the same corpus as seed 1")
	}
}

func TestRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(dir, 1, 1, layoutOf(false)); err == nil {
		t.Fatal("wrote into a non-empty directory")
	}
}

type parsedFM struct {
	Title      string    `yaml:"title"`
	Date       time.Time `yaml:"date"`
	Lastmod    time.Time `yaml:"lastmod"`
	Draft      bool      `yaml:"draft"`
	Summary    string    `yaml:"summary"`
	Categories []string  `yaml:"categories"`
	Tags       []string  `yaml:"tags"`
	Aliases    []string  `yaml:"aliases"`
}

// splitPost returns a post's YAML front matter, its date lines, and body.
func splitPost(t *testing.T, name string, b []byte) (parsedFM, string, string) {
	t.Helper()
	rest, ok := bytes.CutPrefix(b, []byte("---\n"))
	fmText, body, ok2 := bytes.Cut(rest, []byte("\n---\n"))
	if !ok || !ok2 {
		t.Fatalf("%s: no front matter", name)
	}
	var fm parsedFM
	dec := yaml.NewDecoder(bytes.NewReader(fmText))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		t.Fatalf("%s: front matter is not valid YAML: %v\n%s", name, err, fmText)
	}
	return fm, string(fmText), string(body)
}

var (
	dateLine  = regexp.MustCompile(`(?m)^date: '?\d{4}-\d\d-\d\dT\d\d:\d\d:00(Z|[+-]\d\d:\d\d)'?$`)
	blogLink  = regexp.MustCompile(`\]\((/blog/[a-z0-9-]+)\)`)
	tableRule = regexp.MustCompile(`(?m)^\| --- \| ---: \| :--- \|$`)
)

func TestPostsAreHugoStyle(t *testing.T) {
	const n = 2000
	dir := genSite(t, n, 1)
	var (
		files                                    []string
		drafts, nested, lastmods, summaries, als int
		more, offsets, words                     int
		cats, tags                               = map[string]bool{}, map[string]bool{}
		slugs                                    = map[string]bool{}
		published                                = map[string]bool{}
		links                                    []string
	)
	filepath.WalkDir(filepath.Join(dir, "posts"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if len(files) != n {
		t.Fatalf("%d post files, want %d", len(files), n)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fm, fmText, body := splitPost(t, f, b)
		slug := strings.TrimSuffix(filepath.Base(f), ".md")
		if slugs[slug] {
			t.Errorf("slug %s used twice", slug)
		}
		slugs[slug] = true
		if fm.Title == "" || fm.Date.IsZero() || len(fm.Categories) == 0 || len(fm.Tags) == 0 {
			t.Errorf("%s: missing title, date, categories or tags: %+v", f, fm)
		}
		if !dateLine.MatchString(fmText) {
			t.Errorf("%s: date not in Hugo's offset form:\n%s", f, fmText)
		}
		if !fm.Lastmod.IsZero() && fm.Lastmod.Before(fm.Date) {
			t.Errorf("%s: lastmod before date", f)
		}
		for _, want := range []string{"\n```", "\n- ", "\n> ", "\n## "} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body lacks %q", f, want)
			}
		}
		if !tableRule.MatchString(body) {
			t.Errorf("%s: body has no GFM table", f)
		}
		if filepath.Dir(f) != filepath.Join(dir, "posts") {
			nested++
			if want := fm.Date.Format("2006"); filepath.Base(filepath.Dir(f)) != want {
				t.Errorf("%s: filed under the wrong year, want %s", f, want)
			}
		}
		if fm.Date.Format("-07:00") != "+00:00" {
			offsets++
		}
		if fm.Draft {
			drafts++
		} else {
			published["/blog/"+slug] = true
		}
		for _, c := range fm.Categories {
			cats[c] = true
		}
		for _, tg := range fm.Tags {
			tags[tg] = true
		}
		if !fm.Lastmod.IsZero() {
			lastmods++
		}
		if fm.Summary != "" {
			summaries++
		}
		if len(fm.Aliases) > 0 {
			als++
		}
		if strings.Contains(body, "\n<!--more-->\n") {
			more++
		}
		for _, m := range blogLink.FindAllStringSubmatch(body, -1) {
			links = append(links, m[1])
		}
		words += len(strings.Fields(body))
	}

	between := func(what string, got, lo, hi int) {
		if got < lo || got > hi {
			t.Errorf("%s: %d, want %d..%d", what, got, lo, hi)
		}
	}
	between("drafts", drafts, 5, 45)          // ~1%
	between("nested posts", nested, 300, 500) // ~20%
	between("posts with lastmod", lastmods, 350, 650)
	between("posts with summary", summaries, 450, 750)
	between("posts with aliases", als, 25, 110)
	between("posts with <!--more-->", more, 600, 1000)
	between("posts with a non-UTC offset", offsets, 1500, 1950)
	between("distinct categories", len(cats), 28, 30)
	between("distinct tags", len(tags), 180, 200)
	between("average words per post", words/n, 650, 850)
	for c := range cats {
		if strings.Count(c, "/") > 2 {
			t.Errorf("category %q deeper than 3 levels", c)
		}
	}
	if len(links) < n/2 {
		t.Errorf("only %d internal links in %d posts", len(links), n)
	}
	for _, l := range links {
		if !published[l] {
			t.Errorf("link to %s, which is not a published post", l)
		}
	}
}

func TestSiteFiles(t *testing.T) {
	dir := genSite(t, 1, 1)
	toml, err := os.ReadFile(filepath.Join(dir, "grail.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(toml)
	if err != nil {
		t.Fatalf("grail.toml does not parse: %v", err)
	}
	if cfg.Title == "" || cfg.Location.String() != "Europe/Berlin" {
		t.Errorf("grail.toml: title %q, zone %v", cfg.Title, cfg.Location)
	}
	about, err := os.ReadFile(filepath.Join(dir, "pages", "about.md"))
	if err != nil {
		t.Fatal(err)
	}
	fm, _, body := splitPost(t, "about.md", about)
	if fm.Title != "About" || len(strings.Fields(body)) < 100 {
		t.Errorf("about page: title %q, %d words", fm.Title, len(strings.Fields(body)))
	}
}

func BenchmarkRenderPost(b *testing.B) {
	posts := plan(1000, 1)
	links := publishedLinks(posts)
	i := 0
	for b.Loop() {
		renderPost(&posts[i%len(posts)], 1, i%len(posts), links)
		i++
	}
}

// TestHugoLayoutSameCorpus: -hugo lays out the same posts, byte for
// byte, under content/posts/, with hugo.toml for settings.
func TestHugoLayoutSameCorpus(t *testing.T) {
	grail, hugo := genSite(t, 50, 1), filepath.Join(t.TempDir(), "site")
	if _, err := generate(hugo, 50, 1, layoutOf(true)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"hugo.toml", "content/about.md"} {
		if _, err := os.Stat(filepath.Join(hugo, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	if treeHash(t, filepath.Join(grail, "posts")) != treeHash(t, filepath.Join(hugo, "content", "posts")) {
		t.Error("the Hugo layout's posts differ from the grail layout's")
	}
}
