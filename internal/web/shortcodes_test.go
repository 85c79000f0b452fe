package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestShortcodesOnPagesLeadsAndFeeds serves a Hugo site whose posts use
// built-in, site and theme shortcodes, and checks what readers get.
func TestShortcodesOnPagesLeadsAndFeeds(t *testing.T) {
	files := testsite.Files(`
-- hugo.toml --
title = "Hugo Blog"
baseURL = "https://hugo.example.org"
theme = "paper"
[params]
author = "Ann"
-- themes/paper/layouts/shortcodes/sig.html --
<span class="sig">{{ .Site.Params.author }} feels {{ .Page.Params.mood }}</span>
-- layouts/shortcodes/note.html --
<aside class="note">{{ .Inner | markdownify }}{{ with .Page.Resources.GetMatch "*.png" }} <img src="{{ .RelPermalink }}" alt="">{{ end }}</aside>
-- content/posts/plain.md --
+++
title = "Plain"
date = 2024-05-01
+++
Plain post.
-- content/posts/bundle/index.md --
---
title: Bundle
date: 2024-06-01
mood: Happy
---
{{< note >}}A **noted** thing.{{< /note >}}

See [the plain post]({{< relref "plain.md" >}}) and {{< youtube abc123 >}}.

{{< figure src="diagram.png" caption="The diagram" >}}

{{< mystery >}}kept text{{< /mystery >}}

{{< sig >}} / {{< param "mood" >}}
`)
	files["content/posts/bundle/diagram.png"] = "PNGDATA"
	ts := newTestSite(t, files)
	_, page := ts.get(t, "/posts/bundle/")
	for _, want := range []string{
		`<aside class="note">A <strong>noted</strong> thing. <img src="/posts/bundle/diagram.png" alt=""></aside>`,
		`<a href="/posts/plain/">the plain post</a>`,
		`<a href="https://www.youtube.com/watch?v=abc123">`,
		`<img src="/posts/bundle/diagram.png" alt="The diagram"`,
		`kept text`,
		`<span class="sig">Ann feels Happy</span>`,
		"/ Happy</p>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("post page lacks %s:\n%s", want, page)
		}
	}
	_, home := ts.get(t, "/")
	_, feed := ts.get(t, "/index.xml")
	for name, body := range map[string]string{"post": page, "home": home, "feed": feed} {
		if strings.Contains(body, "{{&lt;") || strings.Contains(body, "{{<") || strings.Contains(body, "grailsc") {
			t.Errorf("%s page shows a shortcode delimiter or placeholder", name)
		}
	}
	if !strings.Contains(home, "noted") {
		t.Error("home page does not show the expanded note")
	}
}

// TestShortcodeTemplateChangeRerenders checks that a changed template is
// used after a reload, not a page rendered with the old one.
func TestShortcodeTemplateChangeRerenders(t *testing.T) {
	files := testsite.Files(`
-- posts/a.md --
---
title: A
date: 2024-01-01
---
{{< hello >}}
-- layouts/shortcodes/hello.html --
<b>first version</b>
`)
	ts := newTestSite(t, files)
	if _, body := ts.get(t, "/blog/a"); !strings.Contains(body, "<b>first version</b>") {
		t.Fatal("site shortcode not used")
	}
	if err := os.WriteFile(filepath.Join(ts.dir, "layouts/shortcodes/hello.html"), []byte("<b>second version</b>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ts.srv.ReloadTheme(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, body := ts.get(t, "/blog/a"); !strings.Contains(body, "<b>second version</b>") {
		t.Error("a changed shortcode template is not used after a reload")
	}
}

// TestPreviewExpandsShortcodes checks the admin's preview: the editor's
// text with the site's shortcodes, seen from the document being edited.
func TestPreviewExpandsShortcodes(t *testing.T) {
	files := testsite.Files(`
-- posts/a/index.md --
---
title: A
date: 2024-01-01
---
Saved text.
-- layouts/shortcodes/files.html --
{{ range .Page.Resources }}<i>{{ .Name }}</i>{{ end }}
`)
	files["posts/a/pic.png"] = "PNG"
	ts := newTestSite(t, files)
	for key, want := range map[string]string{"posts/a/index.md": "<i>pic.png</i>", "posts/new.md": "Edited"} {
		html, err := ts.srv.Preview(context.Background(), key, "Edited {{< files >}} {{< nosuch />}}")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(html), want) || strings.Contains(string(html), "{{") {
			t.Errorf("preview of %s: %s", key, html)
		}
	}
}

// TestShortcodeSettingsFromConfigFolder checks that shortcodes see the
// theme, params and enableInlineShortcodes of config/_default/.
func TestShortcodeSettingsFromConfigFolder(t *testing.T) {
	ts := newTestSite(t, testsite.Files(`
-- config/_default/hugo.toml --
title = "Split"
theme = "paper"
enableInlineShortcodes = true
-- config/_default/params.toml --
author = "Bea"
-- themes/paper/layouts/shortcodes/sig.html --
<span class="sig">by {{ .Site.Params.author }}</span>
-- content/posts/p.md --
---
title: P
date: 2024-01-01
---
{{< sig >}} and {{< now.inline >}}named {{ .Site.Title }}{{< /now.inline >}}
`))
	_, page := ts.get(t, "/posts/p/")
	for _, want := range []string{`<span class="sig">by Bea</span>`, "and named Split"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s:\n%s", want, page)
		}
	}
}
