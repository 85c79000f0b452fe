package main

import (
	"math/rand/v2"
	"strings"
)

// gen produces text from one random stream. Each post gets its own stream,
// seeded from the corpus seed and the post's index, so a post's text does
// not depend on how many workers wrote the corpus or in which order.
type gen struct {
	r *rand.Rand
	// links are site-relative targets prose may link to; nil for plain text.
	links []string
}

func newGen(seed, stream uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, stream))}
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// between returns an int in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// skewed picks from list favouring the front, like real tag usage: a few
// tags are everywhere, most are rare.
func (g *gen) skewed(list []string) string {
	f := g.r.Float64()
	return list[int(f*f*float64(len(list)))]
}

// line writes the words of one sentence: it spaces them, capitalizes the
// first and counts them, so callers need not re-scan the text.
type line struct {
	b *strings.Builder
	n int
}

func (l *line) add(w string) {
	if l.n == 0 {
		w = upperFirst(w)
	} else {
		l.b.WriteByte(' ')
	}
	l.b.WriteString(w)
	l.n++
}

// sentence writes one sentence built from a few grammatical patterns and
// returns its word count.
func (g *gen) sentence(b *strings.Builder) int {
	l := &line{b: b}
	switch g.r.IntN(4) {
	case 0:
		l.add(g.pick(words.openers))
		b.WriteByte(',')
		g.clause(l)
	case 1:
		g.clause(l)
		l.add(g.pick(words.connectives))
		g.clause(l)
	case 2:
		g.clause(l)
		b.WriteByte(',')
		l.add(g.pick(words.adverbs))
	default:
		g.clause(l)
	}
	if g.chance(0.08) {
		b.WriteByte('?')
	} else {
		b.WriteByte('.')
	}
	return l.n
}

// clause writes "subject [adverb] verb object [preposition phrase]".
func (g *gen) clause(l *line) {
	g.nounPhrase(l, true)
	if g.chance(0.2) {
		l.add(g.pick(words.adverbs))
	}
	l.add(g.pick(words.verbs))
	g.nounPhrase(l, false)
	if g.chance(0.5) {
		l.add(g.pick(words.prepositions))
		g.nounPhrase(l, false)
	}
}

var determiners = []string{"the", "the", "a", "my", "every", "this", "our", "one"}

// nounPhrase writes "[determiner] [adjective] noun". A subject always has a
// determiner, so every sentence starts with a plain word.
func (g *gen) nounPhrase(l *line, subject bool) {
	det := g.pick(determiners)
	if !subject && det == "a" && g.chance(0.5) {
		det = ""
	}
	var adj string
	if g.chance(0.4) {
		adj = g.decorate(g.pick(words.adjectives))
	}
	noun := g.pick(words.nouns)
	if det == "" {
		noun = plural(noun) // "fixes", not "fix", reads right without one
	}
	noun = g.decorate(noun)
	if det == "a" && startsWithVowel(adj+noun) {
		det = "an"
	}
	if det != "" {
		l.add(det)
	}
	if adj != "" {
		l.add(adj)
	}
	l.add(noun)
}

func startsWithVowel(s string) bool {
	s = strings.TrimLeft(s, "*[`")
	return s != "" && strings.ContainsRune("aeiou", rune(s[0]))
}

func plural(noun string) string {
	switch {
	case strings.HasSuffix(noun, "y") && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"),
		strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}

// decorate sometimes dresses a word in inline Markdown, so a renderer sees
// emphasis, code spans and links in ordinary proportions.
func (g *gen) decorate(w string) string {
	if g.links == nil {
		return w
	}
	switch f := g.r.Float64(); {
	case f < 0.03:
		return "*" + w + "*"
	case f < 0.045:
		return "**" + w + "**"
	case f < 0.06:
		return "`" + g.pick(words.idents) + "`"
	case f < 0.068:
		return "[" + w + "](https://example.com/" + w + "/" + g.pick(words.nouns) + ")"
	case f < 0.074 && len(g.links) > 0:
		return "[" + w + "](" + g.pick(g.links) + ")"
	}
	return w
}

// paragraph writes sentences until it has at least n words and returns how
// many it wrote.
func (g *gen) paragraph(b *strings.Builder, n int) int {
	count := 0
	for count < n {
		if count > 0 {
			b.WriteByte(' ')
		}
		count += g.sentence(b)
	}
	return count
}

// upperFirst upper-cases the first byte. Sentences start with an opener
// or a plain determiner, never with markup, so that byte is a letter.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// minorWords stay lower case inside a title.
var minorWords = map[string]bool{"a": true, "an": true, "the": true, "and": true, "but": true,
	"or": true, "for": true, "on": true, "in": true, "of": true, "to": true, "at": true, "by": true}

// titleCase capitalizes every word but minor ones, which are capitalized
// only first or after a colon.
func titleCase(s string) string {
	fs := strings.Fields(s)
	for i, w := range fs {
		if i == 0 || !minorWords[w] || strings.HasSuffix(fs[i-1], ":") {
			fs[i] = upperFirst(w)
		}
	}
	return strings.Join(fs, " ")
}
