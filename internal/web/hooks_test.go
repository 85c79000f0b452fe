package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// hookSite is a Hugo site with render hooks of its own and of its theme.
const hookSite = `
-- hugo.toml --
title = "Hooked"
baseURL = "https://hooked.example.org"
theme = "paper"
-- themes/paper/layouts/_default/_markup/render-link.html --
<a class="theme-link" href="{{ .Destination }}">{{ .Text }}</a>
-- themes/paper/layouts/_default/_markup/render-image.html --
<img class="theme-img" src="{{ .Destination }}" alt="{{ .PlainText }}">
-- layouts/_default/_markup/render-link.html --
<a class="site-link" href="{{ .Destination }}" data-page="{{ .Page.Title }}">{{ .Text }}</a>
-- layouts/_default/_markup/render-heading.html --
<h{{ .Level }} id="{{ .Anchor }}" class="hooked">{{ .Text }} ({{ .Page.RelPermalink }})</h{{ .Level }}>
-- layouts/_default/_markup/render-codeblock-go.html --
<pre class="go-code">{{ .Inner }}</pre>
-- content/posts/first.md --
---
title: First
date: 2024-05-01
---
## Part one

See [the docs](https://example.org/docs) and ![a cat](cat.png).

` + "```go\nfunc main() {}\n```\n\n```sh\necho hi\n```\n"

// TestRenderHooksFromTheSite serves a Hugo site's render hooks: the
// site's own over its theme's, a hook per code language, and .Page.
func TestRenderHooksFromTheSite(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hookSite))
	_, page := ts.get(t, "/posts/first/")
	for _, want := range []string{
		`<a class="site-link" href="https://example.org/docs" data-page="First">the docs</a>`,
		`<img class="theme-img" src="cat.png" alt="a cat">`,
		`class="hooked">Part one (/posts/first/)</h2>`,
		`<pre class="go-code">func main() {}</pre>`,
		`<span class="hl-nb">echo</span> hi`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, "theme-link") || strings.Contains(page, `class="go-code">echo`) {
		t.Errorf("the theme's link hook or the go hook drew what the site's own should:\n%s", page)
	}
}

// TestRenderHookChangeRerenders checks that a changed, added or removed
// hook is used after the layouts are read again.
func TestRenderHookChangeRerenders(t *testing.T) {
	ts := newTestSite(t, testsite.Files(hookSite))
	if _, page := ts.get(t, "/posts/first/"); !strings.Contains(page, "site-link") {
		t.Fatal("the site's link hook is not used")
	}
	if err := os.Remove(filepath.Join(ts.dir, "layouts/_default/_markup/render-link.html")); err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.ReloadTheme(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, page := ts.get(t, "/posts/first/"); !strings.Contains(page, `<a class="theme-link" href="https://example.org/docs">`) {
		t.Errorf("with the site's hook removed, the theme's is not used:\n%s", page)
	}
}
