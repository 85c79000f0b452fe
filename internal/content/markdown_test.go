package content

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/markdown")

// goldenOptions are how each testdata/markdown file is rendered; files not
// listed get the defaults.
var goldenOptions = map[string]struct {
	md   MarkdownOptions
	opts RenderOptions
}{
	"footnotes.md":          {opts: RenderOptions{IDPrefix: "p1-"}},
	"headings.md":           {opts: RenderOptions{IDPrefix: "p1-"}},
	"headings-noanchors.md": {opts: RenderOptions{NoAnchors: true}},
	"rawhtml-unsafe.md":     {md: MarkdownOptions{Unsafe: true}},
	"math.md":               {md: MarkdownOptions{Math: true}},
	"attributes.md":         {md: MarkdownOptions{BlockAttributes: true}, opts: RenderOptions{NoAnchors: true}},
	"bundle.md":             {opts: RenderOptions{LinkBase: "/blog/qmk/"}},
	"origin.md":             {opts: RenderOptions{LinkBase: "/blog/qmk/", Origin: "https://example.org"}},
}

// TestGolden renders testdata/markdown/*.md and compares the HTML with the
// .html file beside it. Run with -update to rewrite those after checking
// the difference by eye.
func TestGolden(t *testing.T) {
	sources, err := filepath.Glob(filepath.Join("testdata", "markdown", "*.md"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no golden sources: %v", err)
	}
	for _, src := range sources {
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			o := goldenOptions[name]
			got, err := NewMarkdown(o.md).Render(readFixture(t, "markdown/"+name), o.opts)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(src, ".md") + ".html"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update to accept):\n got:\n%s\n want:\n%s", name, golden, got, want)
			}
		})
	}
}

// TestGoldenFilesPaired: a golden file without its source would never be
// checked.
func TestGoldenFilesPaired(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "markdown", "*.html"))
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".html") + ".md"); err != nil {
			t.Errorf("%s has no source", g)
		}
	}
	for name := range goldenOptions {
		if _, err := os.Stat(filepath.Join("testdata", "markdown", name)); err != nil {
			t.Errorf("options for missing file %s", name)
		}
	}
}

// styleAttr finds a style attribute in a tag (not the words in text,
// which are escaped).
var styleAttr = regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`)

// TestMarkdownFeatures states what the golden files are expected to show,
// so that -update cannot silently accept a regression.
func TestMarkdownFeatures(t *testing.T) {
	tests := []struct {
		file    string
		want    []string
		notWant []string
	}{
		{"tables.md", []string{
			`<th class="align-left">Left</th>`, `<th class="align-center">Centre</th>`,
			`<th class="align-right">Right</th>`, "<th>Key</th>", `<td class="align-right">22</td>`,
		}, []string{"align=", "text-align"}},
		{"inline.md", []string{
			"<del>wrong</del>", `<a href="https://go.dev/doc">https://go.dev/doc</a>`,
			`<a href="http://www.example.com">www.example.com</a>`,
			`<a href="https://example.org/path?q=1">https://example.org/path?q=1</a>`,
			`<a href="mailto:grail@example.org">grail@example.org</a>`,
			"&ldquo;Quotes&rdquo;", "&lsquo;single&rsquo;", "&ndash;", "&mdash;", "&hellip;", "It&rsquo;s",
		}, nil},
		{"tasks.md", []string{
			`<span class="task done" role="img" aria-label="Done">&#x2611;</span> Flash the firmware`,
			`<span class="task" role="img" aria-label="To do">&#x2610;</span> Print the case`,
			"<li>A plain item</li>",
		}, []string{"<input", "checkbox"}},
		{"footnotes.md", []string{
			`id="p1-fnref:1"`, `href="#p1-fn:1"`, `id="p1-fn:1"`, `href="#p1-fnref:1"`, `id="p1-fn:2"`,
		}, []string{`id="fn:`, `id="fnref:`}},
		{"headings.md", []string{
			`<h1 id="p1-getting-started">Getting started<a href="#p1-getting-started" class="anchor"><span class="visually-hidden">Link to this section</span></a></h1>`,
			`<h2 id="p1-getting-started-1">`, `href="#p1-getting-started-1"`,
		}, []string{`id="getting-started"`}},
		// Ids as Hugo makes them, so that links into moved posts still work.
		{"headings-noanchors.md", []string{
			`<h1 id="getting-started">Getting started</h1>`, `<h2 id="getting-started-1">Getting started</h2>`,
			`<h3 id="über-die-tastatur">`, `<h2 id="whats-new">`, `<h2 id="using-go-test-with-race">`,
			`<h2 id="привет-мир">`, `<h2 id="日本語の見出し">`, `<h2 id="snake_case-in-v12">`,
			`<h2 id="docs-and-more">`, `<h2 id="heading">`,
		}, []string{"anchor", "visually-hidden"}},
		{"code.md", []string{
			`<pre tabindex="0" class="hl-chroma"><code><span class="hl-line"><span class="hl-cl"><span class="hl-kd">func</span>`,
			`<span class="hl-s">&#34;hello, &lt;world&gt;&#34;</span>`, `<span class="hl-k">def</span>`,
			`<span class="hl-c1"># double</span>`, `<span class="hl-nb">test</span>`, `<span class="hl-kc">false</span>`,
			"<pre tabindex=\"0\"><code class=\"language-no-such-language\">plain &lt;text&gt; &amp; more\n</code></pre>",
			"<pre tabindex=\"0\"><code>no language\n</code></pre>", "<pre tabindex=\"0\"><code>indented code\n</code></pre>",
		}, nil},
		{"rawhtml.md", []string{"<p>Before.</p>", "<p>After.</p>", "<!-- raw HTML omitted -->"},
			[]string{"<script", "<div", "<span", "onerror", "<img", "a comment"}},
		{"rawhtml-unsafe.md", []string{`<div class="note">A block of HTML.</div>`, "<script>alert(1)</script>"}, nil},
		{"bundle.md", []string{
			`<img src="/blog/qmk/board.jpg" alt="The board" title="Top view" loading="lazy">`,
			`<img src="/blog/qmk/img/side.png" alt="Relative" loading="lazy">`,
			`href="/blog/qmk/schematic.pdf"`, `href="/blog/other-post/"`, `href="#wiring"`, `href="?page=2"`,
			`href="/about"`, `href="//cdn.example.org/x.js"`, `href="https://example.org/x"`,
			`href="mailto:me@example.org"`, `href="/blog/qmk/notes.txt"`,
		}, nil},
		{"origin.md", []string{
			`src="https://example.org/blog/qmk/board.jpg"`, `href="https://example.org/blog/qmk/schematic.pdf"`,
			`href="https://example.org/about"`, `href="#wiring"`, `href="//cdn.example.org/x.js"`,
			`href="https://example.org/x"`, `href="mailto:me@example.org"`,
		}, []string{`"/about"`, `"/blog/`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			o := goldenOptions[tt.file]
			out, err := NewMarkdown(o.md).Render(readFixture(t, "markdown/"+tt.file), o.opts)
			if err != nil {
				t.Fatal(err)
			}
			html := string(out)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(html, w) {
					t.Errorf("unexpected %s", w)
				}
			}
			// Raw HTML is the author's own when allowed; grail adds no styles.
			if loc := styleAttr.FindStringIndex(html); loc != nil && !o.md.Unsafe {
				t.Errorf("inline style, which the Content-Security-Policy blocks: %s", html[loc[0]:min(loc[1]+40, len(html))])
			}
			if t.Failed() {
				t.Logf("output:\n%s", html)
			}
		})
	}
}

// TestRenderLinks covers URL rewriting case by case.
func TestRenderLinks(t *testing.T) {
	tests := []struct {
		dest, base, origin, want string
	}{
		{"img.png", "", "", "img.png"},
		{"img.png", "/blog/qmk/", "", "/blog/qmk/img.png"},
		{"./img.png", "/blog/qmk/", "", "/blog/qmk/img.png"},
		{"img.png", "/blog/qmk/", "https://example.org", "https://example.org/blog/qmk/img.png"},
		{"/media/a.png", "/blog/qmk/", "https://example.org", "https://example.org/media/a.png"},
		{"/media/a.png", "", "", "/media/a.png"},
		{"#top", "/blog/qmk/", "https://example.org", "#top"},
		{"https://go.dev/", "/blog/qmk/", "https://example.org", "https://go.dev/"},
		{"//cdn.example.org/a.js", "/blog/qmk/", "https://example.org", "//cdn.example.org/a.js"},
		{"mailto:me@example.org", "/blog/qmk/", "", "mailto:me@example.org"},
		{"a%20b.png", "/blog/qmk/", "", "/blog/qmk/a%20b.png"},
		{"../x/", "/blog/qmk/", "https://example.org", "https://example.org/blog/x/"},
		{"img/a.png?v=2#top", "/blog/qmk/", "", "/blog/qmk/img/a.png?v=2#top"},
		{"javascript:alert(1)", "/blog/qmk/", "", ""},
	}
	md := NewMarkdown(MarkdownOptions{})
	for _, tt := range tests {
		out, err := md.Render([]byte("[x]("+tt.dest+")"), RenderOptions{LinkBase: tt.base, Origin: tt.origin})
		if err != nil {
			t.Fatal(err)
		}
		if want := `<a href="` + tt.want + `">`; !strings.Contains(string(out), want) {
			t.Errorf("%s with base %q origin %q: %s, want %s", tt.dest, tt.base, tt.origin, out, want)
		}
	}
}

// TestRenderConcurrently: one Markdown serves every request, and the
// id prefix of one rendering must not leak into another.
func TestRenderConcurrently(t *testing.T) {
	md := NewMarkdown(MarkdownOptions{})
	src := []byte("# Title\n\nText.[^1]\n\n[^1]: Note.\n")
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			prefix := string(rune('a'+i)) + "-"
			for range 50 {
				out, err := md.Render(src, RenderOptions{IDPrefix: prefix})
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Contains(out, []byte(`id="`+prefix+`title"`)) || !bytes.Contains(out, []byte(`id="`+prefix+`fn:1"`)) {
					t.Errorf("prefix %s missing from %s", prefix, out)
					return
				}
			}
		})
	}
	wg.Wait()
}
