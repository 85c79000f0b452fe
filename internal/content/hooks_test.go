package content

import (
	"strings"
	"testing"
)

type testPage struct{}

func (testPage) Title() string        { return "The Post" }
func (testPage) RelPermalink() string { return "/blog/the-post/" }
func (testPage) Permalink() string    { return "https://example.org/blog/the-post/" }

const hookDir = "layouts/_default/_markup/"

func hooksFrom(t *testing.T, files map[string]string) *Hooks {
	t.Helper()
	b := map[string][]byte{}
	for k, v := range files {
		b[k] = []byte(v)
	}
	h, problems := ParseHooks(b)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	return h
}

func TestRenderHooks(t *testing.T) {
	h := hooksFrom(t, map[string]string{
		hookDir + "render-link.html":                    `<a href="{{ .Destination | safeURL }}"{{ if hasPrefix .Destination "http" }} rel="external"{{ end }}>{{ .Text }}</a>`,
		hookDir + "render-image.html":                   `<figure><img src="{{ .Destination }}" alt="{{ .PlainText }}"><figcaption>{{ .Title }} on {{ .Page.Title }}</figcaption></figure>`,
		hookDir + "render-heading.html":                 `<h{{ .Level }} id="{{ .Anchor }}" class="{{ .Attributes.class }}">{{ .Text }} <a href="#{{ .Anchor }}">§</a></h{{ .Level }}>`,
		hookDir + "render-codeblock.html":               `<div class="code {{ .Type }}">{{ .Inner }}</div>`,
		"layouts/_markup/render-codeblock-mermaid.html": `<pre class="mermaid">{{ .Inner }}</pre>`,
		"layouts/partials/render-link.html":             `not a hook: {{ .Nope }}`,
	})
	src := "## Hello *world* {.big}\n\nSee [the *docs*](https://example.com/x?a=1&b=2) and [home](/).\n\n" +
		"![A cat & dog](/cat.png \"Whiskers\")\n\n```go\nfmt.Println(\"<hi>\")\n```\n\n```mermaid\ngraph TD;\n```\n"
	out, err := NewMarkdown(MarkdownOptions{Hooks: h}).Render([]byte(src), RenderOptions{Page: testPage{}})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`<h2 id="hello-world" class="big">Hello <em>world</em> <a href="#hello-world">§</a></h2>`,
		`<a href="https://example.com/x?a=1&amp;b=2" rel="external">the <em>docs</em></a>`,
		`<a href="/">home</a>`,
		`<figure><img src="/cat.png" alt="A cat &amp; dog"><figcaption>Whiskers on The Post</figcaption></figure>`,
		`<div class="code go">fmt.Println(&#34;&lt;hi&gt;&#34;)</div>`,
		`<pre class="mermaid">graph TD;</pre>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "not a hook") || strings.Contains(got, `class="anchor"`) {
		t.Errorf("wrong hook or the default anchor used:\n%s", got)
	}
}

// A hook that fails leaves the default drawing and says where it failed.
func TestRenderHookFails(t *testing.T) {
	h := hooksFrom(t, map[string]string{hookDir + "render-link.html": "<a>\n{{ .Nope }}</a>"})
	md := NewMarkdown(MarkdownOptions{Hooks: h})
	var got []Problem
	out, err := md.Render([]byte("A [link](/x)."), RenderOptions{Report: func(p Problem) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "<p>A <a href=\"/x\">link</a>.</p>\n" {
		t.Errorf("fallback: %s", out)
	}
	if len(got) != 1 || got[0].File != hookDir+"render-link.html" || got[0].Line != 2 {
		t.Errorf("problems %+v", got)
	}
	found := md.Findings("posts/p.md", 5, []byte("A [link](/x)."), "", nil)
	if len(found) != 1 || !strings.Contains(found[0].Message, "posts/p.md") || found[0].File != hookDir+"render-link.html" {
		t.Errorf("findings %+v", found)
	}
}

func TestParseHooksProblems(t *testing.T) {
	h, problems := ParseHooks(map[string][]byte{
		hookDir + "render-link.html":  []byte("{{ urls.Parse .Destination }}"),
		hookDir + "render-image.html": []byte("{{ .Destination }}\n{{ if }}"),
		"content/posts/a.md":          []byte("x"),
	})
	if h != nil || len(problems) != 2 {
		t.Fatalf("hooks %v, problems %v", h, problems)
	}
	if problems[0].File != hookDir+"render-image.html" || problems[0].Line != 2 || problems[1].Line != 1 {
		t.Errorf("problems %+v", problems)
	}
	if h, _ := ParseHooks(nil); h != nil {
		t.Error("hooks from no files")
	}
}
