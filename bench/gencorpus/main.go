// Command gencorpus writes a deterministic Hugo-style blog for benchmarks
// and load tests: the same flags always give byte-identical files.
//
//	go run ./bench/gencorpus -n 10000 -o DIR [-seed 1] [-hugo]
//
// DIR gets grail.toml, pages/about.md and n posts under posts/ (about a
// fifth filed as posts/YEAR/SLUG.md), each with YAML front matter and about
// 700 words of Markdown. With -hugo, the same corpus is laid out as a Hugo
// site: hugo.toml, content/about.md and content/posts/. DIR must be empty or absent, so that no file from
// an earlier run can make the corpus differ.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 1000, "number of posts")
	out := flag.String("o", "", "output directory (created; must be empty)")
	seed := flag.Uint64("seed", 1, "random seed; same seed, same corpus")
	hugo := flag.Bool("hugo", false, "lay the corpus out as a Hugo site (hugo.toml, content/)")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	start := time.Now()
	size, err := generate(*out, *n, *seed, layoutOf(*hugo))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("gencorpus: wrote %d posts (%.1f MB) to %s in %v\n",
		*n, float64(size)/1e6, *out, time.Since(start).Round(time.Millisecond))
}

// layout is where a corpus's files go: a grail site's folders, or a
// Hugo site's.
type layout struct {
	config, configText, about, posts string
}

func layoutOf(hugo bool) layout {
	if hugo {
		// Post bodies link to each other by the permalink: Hugo's must
		// give the same addresses for the links to hold.
		return layout{config: "hugo.toml", configText: "[permalinks]\nposts = \"/blog/:slugorfilename\"\n", about: "content/about.md", posts: "content/posts"}
	}
	return layout{config: "grail.toml", configText: "permalink = \"/blog/:slug\"\n", about: "pages/about.md", posts: "posts"}
}

// generate writes the site and returns the bytes written.
func generate(dir string, n int, seed uint64, l layout) (int64, error) {
	if err := ensureEmpty(dir); err != nil {
		return 0, err
	}
	posts := plan(n, seed)
	for i := range posts {
		posts[i].file = l.posts + strings.TrimPrefix(posts[i].file, "posts")
	}
	links := publishedLinks(posts)
	if err := makeDirs(dir, posts, path.Dir(l.about)); err != nil {
		return 0, err
	}
	var size atomic.Int64
	add := func(name, content string) error {
		size.Add(int64(len(content)))
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644)
	}
	if err := add(l.config, siteConfig(n)+l.configText); err != nil {
		return 0, err
	}
	if err := add(l.about, aboutPage(seed)); err != nil {
		return 0, err
	}
	err := forEachParallel(n, func(i int) error {
		return add(posts[i].file, renderPost(&posts[i], seed, i, links))
	})
	return size.Load(), err
}

func ensureEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}

func makeDirs(dir string, posts []post, pages string) error {
	made := map[string]bool{pages: true}
	for _, p := range posts {
		made[filepath.Dir(p.file)] = true
	}
	for d := range made {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// publishedLinks lists the permalinks of non-draft posts, the only ones
// prose may link to without making a broken link.
func publishedLinks(posts []post) []string {
	var links []string
	for _, p := range posts {
		if !p.draft {
			links = append(links, "/blog/"+p.slug)
		}
	}
	return links
}

// forEachParallel calls fn for 0..n-1 on one worker per CPU and returns the
// first error.
func forEachParallel(n int, fn func(int) error) error {
	var (
		next    atomic.Int64
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					errOnce.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

func renderPost(p *post, seed uint64, i int, links []string) string {
	g := newGen(seed, uint64(i)+1) // stream 0 is the plan's
	g.links = links
	var b strings.Builder
	b.Grow(6 << 10)
	frontMatter(&b, p)
	g.body(&b, p, g.between(620, 780))
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// siteConfig is the settings both layouts share; each adds its permalink
// explicitly because post bodies link to each other by it.
func siteConfig(n int) string {
	return fmt.Sprintf("title = \"Generated corpus (%d posts)\"\ntimeZone = \"Europe/Berlin\"\n", n)
}

func aboutPage(seed uint64) string {
	g := newGen(seed, 1<<63) // a stream no post index reaches
	var b strings.Builder
	b.WriteString("---\ntitle: \"About\"\n---\n\n")
	for range 3 {
		g.paragraph(&b, g.between(40, 70))
		b.WriteString("\n\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
