package web

import (
	"strings"
	"testing"
)

func TestSyntaxCSSDarkCoversLightClasses(t *testing.T) {
	css, err := syntaxCSS()
	if err != nil {
		t.Fatal(err)
	}
	s := string(css)
	dark := s[strings.Index(s, "@media (prefers-color-scheme: dark)"):]
	// Punctuation is coloured by the light style only; in dark mode it
	// must not keep its light colour.
	if !strings.Contains(s[:len(s)-len(dark)], ".hl-p {") {
		t.Skip("the light style no longer colours punctuation")
	}
	if !strings.Contains(dark, ".hl-p {") {
		t.Errorf("dark mode has no rule for .hl-p:\n%s", dark)
	}
	again, _ := syntaxCSS()
	if string(again) != s {
		t.Error("the generated CSS differs between runs (the asset hash would change on every start)")
	}
	if strings.Contains(s, "background-color: #") && strings.Contains(dark, "inherit }\n.hl-chroma .hl-chroma") {
		t.Error("malformed rules")
	}
}
