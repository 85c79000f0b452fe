package urls

import (
	"strings"
	"time"
)

// Entry is one address of a site's snapshot, as the site package
// enumerates them: what the sitemap lists, and what a static copy of the
// site would write.
type Entry struct {
	Path     string
	Route    Route     // Kind Doc for a post or a page
	Modified time.Time // zero when not known
}

// Lists are the addresses, in the form CDNs take for invalidations (a
// trailing * stands for any ending), of everything a post's change may
// alter beside its own page and its neighbours': the home page and its
// pages, every category, tag and year with their pages and feeds, the
// site's feeds and the sitemap.
func (m *Map) Lists() []string {
	out := []string{m.Home(1), folder(m.Home(1)) + m.pagination + "*"}
	for _, s := range [][2]string{{m.categories, m.category}, {m.tags, m.tag}, {m.archive, m.year}} {
		out = append(out, cover(s[0], s[1])...)
	}
	for _, f := range Formats {
		out = append(out, m.SiteFeed(f))
	}
	return append(out, m.sitemap)
}

// cover is an index and every address under prefix in as few CDN paths as
// it takes: one when they share more than the root ("/categor*").
func cover(index, prefix string) []string {
	n := 0
	for n < len(index) && n < len(prefix) && index[n] == prefix[n] {
		n++
	}
	if n > 1 {
		return []string{prefix[:n] + "*"}
	}
	return []string{index, prefix + "*"}
}

// Covered reports whether an invalidation of paths (as Lists gives them)
// reaches the address path.
func Covered(paths []string, path string) bool {
	for _, p := range paths {
		if p == path || (strings.HasSuffix(p, "*") && strings.HasPrefix(path, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}
