package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

var locRE = regexp.MustCompile(`<loc>([^<]+)</loc>`)

func memory(args []string) error {
	flagArgs, command, err := splitCommand(args)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("memory", flag.ContinueOnError)
	pages := fs.Int("pages", 1000, "distinct posts to request")
	prefix := fs.String("prefix", "/blog/", "path prefix of posts in the sitemap")
	if err := fs.Parse(flagArgs); err != nil {
		return err
	}
	s, err := startServer(command)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := s.waitFor("/", 60*time.Second); err != nil {
		return err
	}
	_, sitemap, err := get(s.base + "/sitemap.xml")
	if err != nil {
		return err
	}
	var posts []string
	for _, m := range locRE.FindAllStringSubmatch(string(sitemap), -1) {
		if i := strings.Index(m[1], *prefix); i >= 0 {
			posts = append(posts, m[1][i:])
		}
	}
	if len(posts) < *pages {
		return fmt.Errorf("the sitemap lists %d posts, fewer than %d", len(posts), *pages)
	}
	fmt.Printf("RSS after start: %s\n", rss(s.cmd.Process.Pid))
	for _, p := range posts[:*pages] {
		resp, _, err := get(s.base+p, "Accept-Encoding", "br")
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	fmt.Printf("RSS after the home page and %d distinct posts: %s\n", *pages, rss(s.cmd.Process.Pid))
	return nil
}

// rss reads the resident set size of a process from /proc.
func rss(pid int) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
