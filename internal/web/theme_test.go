package web

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

var update = flag.Bool("update", false, "rewrite generated files")

// TestSyntaxCSS checks that syntax.css is what chroma's github styles
// give today (run with -update to regenerate it).
func TestSyntaxCSS(t *testing.T) {
	want, err := generateSyntaxCSS()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("syntax.css", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(syntaxCSS, want) {
		t.Fatal("syntax.css is out of date: go test ./internal/web -run SyntaxCSS -update")
	}
	again, _ := generateSyntaxCSS()
	if !bytes.Equal(again, want) {
		t.Error("the generated CSS differs between runs")
	}
	dark := string(want[bytes.Index(want, []byte("@media (prefers-color-scheme: dark)")):])
	// Punctuation is coloured by the light style only; in dark mode it
	// must not keep its light colour (dark on dark).
	if !strings.Contains(dark, ".hl-p {") {
		t.Errorf("dark mode has no rule for .hl-p")
	}
	if strings.Contains(string(want), "style=") {
		t.Error("inline styles in the palette")
	}
}

// generateSyntaxCSS writes a light palette, and a dark one for readers
// whose system is in dark mode. The dark style has no rule for some
// classes the light one colours (punctuation, some names); left alone they
// would keep their light colours, so they inherit the dark text colour.
func generateSyntaxCSS() ([]byte, error) {
	f := html.New(html.WithClasses(true), html.ClassPrefix("hl-"))
	var light, dark bytes.Buffer
	if err := f.WriteCSS(&light, styles.Get("github")); err != nil {
		return nil, err
	}
	if err := f.WriteCSS(&dark, styles.Get("github-dark")); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("/* Code highlighting, generated from chroma's github styles by TestSyntaxCSS. */\n")
	b.Write(light.Bytes())
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	b.Write(dark.Bytes())
	for _, class := range missingClasses(light.String(), dark.String()) {
		fmt.Fprintf(&b, ".hl-chroma .hl-%s { color: inherit }\n", class)
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

var cssClassRE = regexp.MustCompile(`\.hl-([a-z0-9]+) \{[^}]*\bcolor:`)

// missingClasses lists, sorted, the classes that light gives a colour and
// dark does not.
func missingClasses(light, dark string) []string {
	has := map[string]bool{}
	for _, m := range cssClassRE.FindAllStringSubmatch(dark, -1) {
		has[m[1]] = true
	}
	var out []string
	for _, m := range cssClassRE.FindAllStringSubmatch(light, -1) {
		if !has[m[1]] && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}
