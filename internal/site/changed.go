package site

import (
	"slices"

	"github.com/grailblog/grail/internal/content"
)

// ChangedPaths lists the addresses whose pages may differ between before
// and after because the sources at keys changed, in the form CDNs take
// for invalidations (a trailing * stands for any ending). A post's change
// reaches its own page and its neighbours' (their links name it), and
// every list that may show it; a page's change reaches every page's
// navigation, so it is the whole site.
func ChangedPaths(before, after *Site, keys []string) []string {
	var paths []string
	add := func(p string) {
		if p != "" && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, key := range keys {
		for _, s := range []*Site{before, after} {
			d := s.docByKey(key)
			if d == nil {
				continue
			}
			if d.Kind == content.KindPage || d.Kind == content.KindSection {
				return []string{"/*"}
			}
			add(s.URL(d))
			older, newer := s.Neighbours(d)
			for _, n := range []*content.Doc{older, newer} {
				if n != nil {
					add(s.URL(n))
				}
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	// Everything that lists posts, and the feeds, at the addresses of
	// either snapshot.
	for _, p := range slices.Concat(before.URLs.Lists(), after.URLs.Lists()) {
		add(p)
	}
	return paths
}

// docByKey finds a visible doc by its source key.
func (s *Site) docByKey(key string) *content.Doc {
	for _, d := range s.Posts {
		if d.Key == key {
			return d
		}
	}
	for _, d := range s.Pages {
		if d.Key == key {
			return d
		}
	}
	for _, d := range s.sectionDocs {
		if d.Key == key {
			return d
		}
	}
	return nil
}
