package main

import (
	"fmt"
	"strings"
	"time"
)

// frontMatter writes p's YAML front matter in the styles Hugo sites mix:
// quoted and bare dates, block and flow lists, optional fields left out.
func frontMatter(b *strings.Builder, p *post) {
	b.WriteString("---\n")
	fmt.Fprintf(b, "title: %s\n", yamlQuote(p.title))
	fmt.Fprintf(b, "date: %s\n", formatDate(p.date, p.dateZ, p.quoteDate))
	if !p.lastmod.IsZero() {
		fmt.Fprintf(b, "lastmod: %s\n", formatDate(p.lastmod, p.dateZ, p.quoteDate))
	}
	if p.draft {
		b.WriteString("draft: true\n")
	}
	if p.summary != "" {
		fmt.Fprintf(b, "summary: %s\n", yamlQuote(p.summary))
	}
	yamlList(b, "categories", p.categories, p.flowLists)
	yamlList(b, "tags", p.tags, p.flowLists)
	yamlList(b, "aliases", p.aliases, false)
	b.WriteString("---\n\n")
}

func formatDate(t time.Time, z, quote bool) string {
	layout := "2006-01-02T15:04:05-07:00"
	if z {
		layout = time.RFC3339
	}
	if quote {
		return "'" + t.Format(layout) + "'"
	}
	return t.Format(layout)
}

// yamlQuote double-quotes s. The vocabulary is plain ASCII, so escaping
// backslashes and quotes is all YAML needs.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func yamlList(b *strings.Builder, key string, items []string, flow bool) {
	switch {
	case len(items) == 0:
	case flow:
		fmt.Fprintf(b, "%s: [%s]\n", key, strings.Join(items, ", "))
	default:
		fmt.Fprintf(b, "%s:\n", key)
		for _, it := range items {
			fmt.Fprintf(b, "  - %s\n", it)
		}
	}
}

// body writes about target words of Markdown: an intro, sometimes a
// <!--more--> summary break, then sections whose paragraphs are
// interleaved with one each of a code block, a table, a list and a quote.
func (g *gen) body(b *strings.Builder, p *post, target int) {
	count := g.paragraph(b, g.between(40, 80))
	b.WriteString("\n\n")
	if g.chance(0.4) {
		b.WriteString("<!--more-->\n\n")
	}
	blocks := []func(*strings.Builder, *post) int{g.codeBlock, g.table, g.list, g.quote}
	g.r.Shuffle(len(blocks), func(i, j int) { blocks[i], blocks[j] = blocks[j], blocks[i] })
	for sinceHeading := 0; count < target || len(blocks) > 0; sinceHeading++ {
		if sinceHeading == 0 || sinceHeading > 2 && g.chance(0.5) {
			fmt.Fprintf(b, "## %s\n\n", titleCase(g.pick(words.adjectives)+" "+plural(g.pick(words.nouns))))
			sinceHeading = 1
		}
		count += g.paragraph(b, g.between(40, 90))
		b.WriteString("\n\n")
		if len(blocks) > 0 && (g.chance(0.5) || count >= target) {
			count += blocks[0](b, p)
			b.WriteString("\n")
			blocks = blocks[1:]
		}
	}
}

// codeSnippets are per-language templates; %[1]s and %[2]s take
// identifiers and %[3]s a noun, so blocks differ between posts.
var codeSnippets = map[string][]string{
	"go": {
		"func %[1]s(%[2]s []string) (int, error) {\n\tn := 0\n\tfor _, s := range %[2]s {\n\t\tif s == \"%[3]s\" {\n\t\t\tn++\n\t\t}\n\t}\n\treturn n, nil\n}\n",
		"type %[3]sStore struct {\n\tmu sync.Mutex\n\t%[1]s map[string]int\n}\n\nfunc (s *%[3]sStore) Add(%[2]s string) {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\ts.%[1]s[%[2]s]++\n}\n",
	},
	"python": {
		"def %[1]s(%[2]s):\n    \"\"\"Count the %[3]s entries.\"\"\"\n    return sum(1 for x in %[2]s if x == \"%[3]s\")\n",
		"with open(\"%[3]s.csv\") as f:\n    %[1]s = [line.split(\",\") for line in f]\nprint(len(%[1]s), \"rows\")\n",
	},
	"rust": {
		"fn %[1]s(%[2]s: &[&str]) -> usize {\n    %[2]s.iter().filter(|s| **s == \"%[3]s\").count()\n}\n",
		"#[derive(Debug, Default)]\nstruct %[3]s {\n    %[1]s: Vec<u32>,\n    %[2]s: Option<String>,\n}\n",
	},
	"js": {
		"const %[1]s = (%[2]s) => %[2]s.filter((x) => x === '%[3]s').length;\nconsole.log(%[1]s(['%[3]s', 'other']));\n",
		"async function %[1]s(%[2]s) {\n  const res = await fetch(`/api/%[3]s/${%[2]s}`);\n  return res.json();\n}\n",
	},
	"bash": {
		"#!/usr/bin/env bash\nset -euo pipefail\nfor %[1]s in ./%[3]s/*; do\n  echo \"$%[1]s\"\ndone\n",
		"%[1]s=$(grep -c %[3]s \"${%[2]s:-log.txt}\")\necho \"found $%[1]s\"\n",
	},
}

func (g *gen) codeBlock(b *strings.Builder, p *post) int {
	a, c := g.pick(words.idents), g.pick(words.idents)
	if a == c {
		c += "2"
	}
	code := fmt.Sprintf(g.pick(codeSnippets[p.lang]), a, c, g.pick(words.nouns))
	fmt.Fprintf(b, "```%s\n%s```\n", p.lang, code)
	return len(strings.Fields(code))
}

func (g *gen) table(b *strings.Builder, _ *post) int {
	b.WriteString("| Name | Size | Notes |\n| --- | ---: | :--- |\n")
	n := 3 // the header
	for range g.between(3, 5) {
		fmt.Fprintf(b, "| %s | %d | %s %s |\n", g.pick(words.nouns), g.between(1, 9999),
			g.pick(words.adjectives), g.pick(words.nouns))
		n += 4
	}
	return n
}

func (g *gen) list(b *strings.Builder, _ *post) int {
	count := 0
	for i := range g.between(3, 6) {
		if i > 0 && g.chance(0.15) {
			b.WriteString("  ") // a nested item under the previous one
		}
		b.WriteString("- ")
		count += g.sentence(b)
		b.WriteByte('\n')
	}
	return count
}

func (g *gen) quote(b *strings.Builder, _ *post) int {
	b.WriteString("> ")
	count := g.paragraph(b, g.between(12, 30))
	b.WriteByte('\n')
	if g.chance(0.3) {
		b.WriteString(">\n> — a " + g.pick(words.adjectives) + " colleague\n")
	}
	return count
}
