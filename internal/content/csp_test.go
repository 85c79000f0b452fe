package content

import (
	"strings"
	"testing"
)

func TestCSPFindings(t *testing.T) {
	body := []byte(strings.Join([]string{
		"A paragraph with <span style=\"color:red\">red</span> text.", // 10
		"",
		"<script src=\"https://cdn.example.com/x.js\"></script>", // 12
		"",
		"<div onclick=\"go()\">", // 14
		"<img src=\"https://images.example.com/a.png\" alt=\"\">", // 15
		"<img src=\"/own.png\" alt=\"\"> <img src=\"https://blog.example.org/b.png\">",
		"</div>",
		"",
		"<iframe src=\"https://www.youtube.com/embed/x\"></iframe>", // 19
		"",
		"[fine](https://example.com) and <a href=\"javascript:alert(1)\">bad</a>", // 21
		"",
		"```html",
		"<script>shown as code, not run</script>",
		"```",
		"",
		"<style>p{}</style>", // 27
		"",
		"<link rel=\"stylesheet\" href=\"https://fonts.example.com/f.css\"><form action=\"https://forms.example.com/\"></form>", // 29
	}, "\n"))
	got := CSPFindings("posts/p.md", 10, body, MarkdownOptions{Unsafe: true}, "https://blog.example.org")
	want := []struct {
		line int
		has  string
	}{
		{10, "style="}, {12, "<script>"}, {14, "onclick"}, {15, "images.example.com"},
		{19, "<iframe>"}, {21, "javascript:"}, {27, "<style>"}, {29, "fonts.example.com"}, {29, "forms.example.com"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || !strings.Contains(g.Message, w.has) || !g.Warning || g.File != "posts/p.md" {
			t.Errorf("finding %d = %+v, want line %d mentioning %q, a warning", i, g, w.line, w.has)
		}
	}
	if s := got[0].String(); !strings.HasPrefix(s, "posts/p.md:10: warning: ") {
		t.Errorf("printed as %q", s)
	}
}

// Raw HTML is dropped unless the site keeps it: nothing reaches the page
// for the policy to block.
func TestCSPFindingsSafe(t *testing.T) {
	if got := CSPFindings("p.md", 1, []byte("<script>x()</script>\n"), MarkdownOptions{}, ""); got != nil {
		t.Errorf("got %v", got)
	}
}
