package svgsafe

import (
	"bytes"
	"testing"
)

// FuzzSanitize: whatever the input, the output parses, breaks no rule of
// the allowlist, and is a fixed point: sanitising it again changes
// nothing and removes nothing.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		open + `<rect width="5" height="5"/></svg>`,
		open + `<style>@import url(x); .a{fill:url(#g)} @media print{.b{fill:red}}</style><g class="a"><text>a&amp;b</text></g></svg>`,
		open + `<a xlink:href="javascript&#58;x"><use href="#a" style="fill:red;behavior:url(x)"/></a><set attributeName="onclick" to="x"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg"><s:script>x</s:script><h:p xmlns:h="http://www.w3.org/1999/xhtml"/></svg>`,
		`<?xml-stylesheet href="x"?><svg><image href="data:image/png;base64,AA=="/><animate attributeName="fill" values="red;url(#a)"/></svg>`,
		"<svg>\r\n<text x=\"1\t2\n\">\r</text></svg>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, _, err := Sanitize(src)
		if err != nil {
			return
		}
		if v := violation(out); v != "" {
			t.Fatalf("output breaks the allowlist: %s\ninput:  %q\noutput: %q", v, src, out)
		}
		again, removed, err := Sanitize(out)
		if err != nil {
			t.Fatalf("output does not sanitise again: %v\ninput:  %q\noutput: %q", err, src, out)
		}
		if !bytes.Equal(again, out) || len(removed) > 0 {
			t.Fatalf("sanitising twice changes the output (removed %q)\ninput:  %q\nonce:   %q\ntwice:  %q", removed, src, out, again)
		}
	})
}
