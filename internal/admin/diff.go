package admin

import (
	"strings"
)

// A line-based diff (Myers' algorithm) for the history and conflict
// screens: which lines one text removes and the other adds.

type op int8

const (
	opSame op = iota
	opDel     // only in the old text
	opAdd     // only in the new text
)

type edit struct {
	op   op
	text string
}

// maxEdits bounds the work: past this many differing lines, the middle of
// the texts is shown as all removed and all added, which is still true.
const maxEdits = 2000

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diffLines returns the edits that turn a into b.
func diffLines(a, b []string) []edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out []edit
	for _, l := range a[:pre] {
		out = append(out, edit{opSame, l})
	}
	out = append(out, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, edit{opSame, l})
	}
	return out
}

// myers finds a shortest edit script. trace[d] keeps the furthest x on
// each diagonal k in [-d-1, d+1] as it was before step d.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(a, b)
	}
	off := n + m + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	for d := 0; d <= n+m; d++ {
		if d > maxEdits {
			return replaceAll(a, b)
		}
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	return replaceAll(a, b)
}

func backtrack(a, b []string, trace [][]int, d int) []edit {
	var rev []edit
	x, y := len(a), len(b)
	for ; d > 0; d-- {
		prev := trace[d]
		at := func(k int) int { return prev[k+d+1] }
		k := x - y
		prevK := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, edit{opSame, a[x-1]})
			x, y = x-1, y-1
		}
		if x == prevX {
			rev = append(rev, edit{opAdd, b[y-1]})
			y--
		} else {
			rev = append(rev, edit{opDel, a[x-1]})
			x--
		}
	}
	for x > 0 && y > 0 {
		rev = append(rev, edit{opSame, a[x-1]})
		x, y = x-1, y-1
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

func replaceAll(a, b []string) []edit {
	out := make([]edit, 0, len(a)+len(b))
	for _, l := range a {
		out = append(out, edit{opDel, l})
	}
	for _, l := range b {
		out = append(out, edit{opAdd, l})
	}
	return out
}

// diffRow is one line of a diff as shown: unchanged lines far from any
// change are folded into a "skip" row.
type diffRow struct {
	Kind    string // same, del, add, skip
	Old     int    // line number in the old text (0: none)
	New     int    // line number in the new text
	Text    string
	Skipped int
}

// diffView is what a diff screen shows.
type diffView struct {
	Rows    []diffRow
	Added   int
	Removed int
}

func (d diffView) Same() bool { return d.Added == 0 && d.Removed == 0 }

const diffContext = 3

// diffTexts compares two versions of a file for display.
func diffTexts(old, new string) diffView {
	edits := diffLines(splitLines(old), splitLines(new))
	var all []diffRow
	var v diffView
	o, n := 1, 1
	for _, e := range edits {
		switch e.op {
		case opSame:
			all = append(all, diffRow{Kind: "same", Old: o, New: n, Text: e.text})
			o, n = o+1, n+1
		case opDel:
			all = append(all, diffRow{Kind: "del", Old: o, Text: e.text})
			o++
			v.Removed++
		case opAdd:
			all = append(all, diffRow{Kind: "add", New: n, Text: e.text})
			n++
			v.Added++
		}
	}
	v.Rows = fold(all)
	return v
}

// fold keeps diffContext unchanged lines around each change.
func fold(rows []diffRow) []diffRow {
	near := make([]bool, len(rows))
	for i, r := range rows {
		if r.Kind == "same" {
			continue
		}
		for j := max(0, i-diffContext); j <= min(len(rows)-1, i+diffContext); j++ {
			near[j] = true
		}
	}
	var out []diffRow
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && !near[j] {
			j++
		}
		if j-i < 2 { // folding one line hides nothing
			j = i + 1
			out = append(out, rows[i])
		} else {
			out = append(out, diffRow{Kind: "skip", Skipped: j - i})
		}
		i = j
	}
	return out
}

// Conflict markers, as git writes them, so that authors who know them
// recognise them and editors highlight them.
const (
	markTheirs = "<<<<<<< saved by someone else"
	markSplit  = "======="
	markYours  = ">>>>>>> yours"
)

// mergeMarked is theirs with each place where yours differs marked, both
// versions in full: the author keeps what they want and deletes the rest.
func mergeMarked(theirs, yours string) string {
	edits := diffLines(splitLines(theirs), splitLines(yours))
	var b strings.Builder
	for i := 0; i < len(edits); {
		if edits[i].op == opSame {
			b.WriteString(edits[i].text + "\n")
			i++
			continue
		}
		var th, yo []string
		for ; i < len(edits) && edits[i].op != opSame; i++ {
			if edits[i].op == opDel {
				th = append(th, edits[i].text)
			} else {
				yo = append(yo, edits[i].text)
			}
		}
		b.WriteString(markTheirs + "\n")
		for _, l := range th {
			b.WriteString(l + "\n")
		}
		b.WriteString(markSplit + "\n")
		for _, l := range yo {
			b.WriteString(l + "\n")
		}
		b.WriteString(markYours + "\n")
	}
	return b.String()
}

// hasMarkers reports whether a merged text still has conflict markers.
func hasMarkers(s string) bool {
	for _, l := range splitLines(s) {
		if strings.HasPrefix(l, "<<<<<<< ") || strings.HasPrefix(l, ">>>>>>> ") || l == markSplit {
			return true
		}
	}
	return false
}
