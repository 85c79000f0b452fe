package theme

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestAlertContrast: every alert's title colour reads on the page's
// background at WCAG's 4.5:1, in the light and in the dark scheme, and
// every alert type the renderer writes has its colour.
func TestAlertContrast(t *testing.T) {
	css, err := Files.ReadFile("assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	light, dark, ok := strings.Cut(string(css), "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("no dark scheme")
	}
	for scheme, block := range map[string]string{"light": light, "dark": dark} {
		vars := cssVars(block)
		for _, kind := range []string{"note", "tip", "important", "warning", "caution"} {
			fg := vars["--alert-"+kind]
			if fg == "" {
				t.Errorf("%s: no --alert-%s", scheme, kind)
				continue
			}
			if r := contrast(fg, vars["--bg"]); r < 4.5 {
				t.Errorf("%s: --alert-%s %s on %s is %.2f:1, below 4.5:1", scheme, kind, fg, vars["--bg"], r)
			}
			if scheme == "light" && kind != "note" && !strings.Contains(string(css), ".alert-"+kind+" {") {
				t.Errorf("no rule for .alert-%s", kind)
			}
		}
	}
}

var cssVar = regexp.MustCompile(`(--[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;`)

// cssVars are the first definitions of colour variables in a block.
func cssVars(block string) map[string]string {
	vars := map[string]string{}
	for _, m := range cssVar.FindAllStringSubmatch(block, -1) {
		if _, seen := vars[m[1]]; !seen {
			vars[m[1]] = m[2]
		}
	}
	return vars
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}
