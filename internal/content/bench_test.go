package content

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"
)

// BenchmarkParse parses a typical post: about 700 words with YAML front
// matter, as bench/gencorpus writes them. A site of 10,000 posts costs
// 10,000 times this at a cold start.
func BenchmarkParse(b *testing.B) {
	src := readFixture(b, "bench/post.md")
	loc := zone(b, "Europe/Berlin")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if d, problems := Parse("posts/notes-on-late-examples.md", KindPost, src, loc); d == nil {
			b.Fatal(problems)
		}
	}
}

// BenchmarkParseSteps splits the cost of Parse, to show where it goes.
func BenchmarkParseSteps(b *testing.B) {
	src := readFixture(b, "bench/post.md")
	fm, body, _, err := splitFrontMatter(src)
	if err != nil {
		b.Fatal(err)
	}
	header := src[4 : len(src)-len(body)-4]
	b.Run("utf8", func(b *testing.B) {
		for b.Loop() {
			utf8.Valid(src)
		}
	})
	b.Run("yaml", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := decodeYAML(header, newFrontMatter()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := fmParser{key: "posts/p.md", loc: time.UTC, fm: fm}
			p.fields(&Doc{Kind: KindPost})
		}
	})
	b.Run("lead", func(b *testing.B) {
		for b.Loop() {
			lead(body)
		}
	})
	if !bytes.HasPrefix(header, []byte("title:")) {
		b.Fatalf("header cut wrongly: %q", header[:20])
	}
}

func BenchmarkRender(b *testing.B) {
	src := readFixture(b, "bench/post.md")
	_, body, _, _ := splitFrontMatter(src)
	md := NewMarkdown(MarkdownOptions{})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := md.Render(body, RenderOptions{IDPrefix: "p-"}); err != nil {
			b.Fatal(err)
		}
	}
}
