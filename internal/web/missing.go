package web

import (
	"bytes"
	"index/suffixarray"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/grailblog/grail/internal/content"
)

// A crawl of made-up addresses (scanners, broken links, a hostile client)
// asks for a different path every time, so the negative cache cannot
// help: each miss must itself be cheap. Rendering the 404 page and
// searching 10,000 slugs for suggestions took about 190 µs a miss; two
// things, both made once per snapshot and theme, bring it near a cached
// page's cost:
//
//   - missPage: the 404 page without suggestions, rendered once with a mark
//     where the path goes. A miss with nothing to suggest (most of a crawl)
//     only splices its escaped path in.
//   - slugIndex: every slug in one suffix array, so that "which slugs
//     contain this word" is a lookup, not 10,000 substring searches, and
//     the posts by slug length, so that only slugs of about the right
//     length are compared letter by letter.
type missing struct {
	pageOnce sync.Once
	parts    [][]byte // the 404 page split at pathMark; nil if it failed
	pageErr  error

	indexOnce sync.Once
	index     *suffixarray.Index
	starts    []int   // where each post's slug starts in the index's text
	byLen     [][]int // posts by the length of their slug, newest first
}

// pathMark stands for the path in the 404 page made once per view. HTML
// escaping leaves it as it is, and no address a reader asks for is
// rendered without being escaped, so it cannot be forged into the page.
const pathMark = "/grail-404-path-mark-6a1f0c"

// missPage returns the 404 page for a path with no suggestions.
func (v *view) missPage(render func() ([]byte, error), urlPath string) ([]byte, error) {
	m := &v.missing
	m.pageOnce.Do(func() {
		body, err := render()
		if err != nil {
			m.pageErr = err
			return
		}
		m.parts = bytes.Split(body, []byte(pathMark))
	})
	if m.pageErr != nil {
		return nil, m.pageErr
	}
	return bytes.Join(m.parts, []byte(htmlEscape(urlPath))), nil
}

// suggest returns up to n posts whose slugs are within a few edits of the
// last segment of the path asked for, or contain it, closest first.
func (v *view) suggest(urlPath string, n int) []*content.Doc {
	want := content.Slugify(strings.TrimSuffix(path.Base(urlPath), path.Ext(urlPath)))
	if want == "" {
		return nil
	}
	posts := v.site.Posts
	limit := max(2, len(want)/3)
	type match struct {
		i    int // in posts, so that ties go to the newer post
		dist int
	}
	var found []match
	m := v.slugIndex()
	for l := max(0, len(want)-limit); l <= len(want)+limit && l < len(m.byLen); l++ {
		for _, i := range m.byLen[l] {
			if d := editDistance(want, posts[i].Slug, limit); d <= limit {
				found = append(found, match{i, d})
			}
		}
	}
	if len(want) >= 4 {
		for _, i := range m.containing(want) {
			if !slices.ContainsFunc(found, func(m match) bool { return m.i == i }) {
				found = append(found, match{i, editDistance(want, posts[i].Slug, limit)})
			}
		}
	}
	sort.Slice(found, func(a, b int) bool {
		if found[a].dist != found[b].dist {
			return found[a].dist < found[b].dist
		}
		return found[a].i < found[b].i
	})
	var out []*content.Doc
	for _, m := range found[:min(n, len(found))] {
		out = append(out, posts[m.i])
	}
	return out
}

// slugIndex returns the view's index of slugs, made on the first miss.
func (v *view) slugIndex() *missing {
	m := &v.missing
	m.indexOnce.Do(func() {
		var text bytes.Buffer
		for i, p := range v.site.Posts {
			text.WriteByte(0) // slugs hold no NUL, so no match spans two
			m.starts = append(m.starts, text.Len())
			text.WriteString(p.Slug)
			if len(p.Slug) >= len(m.byLen) {
				m.byLen = append(m.byLen, make([][]int, len(p.Slug)+1-len(m.byLen))...)
			}
			m.byLen[len(p.Slug)] = append(m.byLen[len(p.Slug)], i)
		}
		m.index = suffixarray.New(text.Bytes())
	})
	return m
}

// containing returns the indexes of the posts whose slug contains s.
func (m *missing) containing(s string) []int {
	var out []int
	for _, off := range m.index.Lookup([]byte(s), -1) {
		i := sort.SearchInts(m.starts, off+1) - 1
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}
