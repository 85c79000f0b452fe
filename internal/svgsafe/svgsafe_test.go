package svgsafe

import (
	"bytes"
	"strings"
	"testing"
)

const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">`

// Each of these once got past the upload check. After sanitising, the
// drawing must keep its rectangle, lose every trace of the attack, and
// the author must be told something was removed.
func TestSanitizeRemovesWhatRunsOrLoads(t *testing.T) {
	for _, c := range []struct {
		name, svg string
		gone      []string // must not be in the output
		told      string   // must be in what the author is told
	}{
		{"script in an SVG-prefixed element",
			`<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script><rect width="5" height="5"/></svg>`,
			[]string{"script", "alert"}, "<script>"},
		{"XHTML script",
			open + `<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script><rect width="5" height="5"/></svg>`,
			[]string{"script", "alert"}, "<html:script>"},
		{"plain script and event handler",
			`<svg xmlns="http://www.w3.org/2000/svg" ONLOAD="alert(1)"><script>alert(1)</script><rect onclick="alert(1)" width="5" height="5"/></svg>`,
			[]string{"script", "alert", "onload", "ONLOAD", "onclick"}, "event handlers (ONLOAD)"},
		{"entity-encoded javascript scheme",
			open + `<a xlink:href="javascript&#58;alert(1)"><rect width="5" height="5"/></a><use href="java&#x09;script&#58;alert(2)"/><image href=" JaVaScRiPt:alert(3)"/></svg>`,
			[]string{"javascript", "JaVaScRiPt", "alert", "<a"}, "links to java script:alert(2)"},
		{"SMIL set of an event handler",
			open + `<rect width="5" height="5"><set attributeName="onclick" to="alert(1)"/></rect></svg>`,
			[]string{"set", "onclick", "alert"}, "<set> changing onclick"},
		{"animated href",
			open + `<a><animate attributeName="href" values="javascript:alert(1)"/><rect width="5" height="5"/></a><animate attributeName=" xlink:href" to="javascript:alert(2)"/></svg>`,
			[]string{"animate", "javascript", "alert"}, "<animate> changing href"},
		{"animated fill from another site",
			open + `<rect width="5" height="5"><animate attributeName="fill" values="url(https://evil.example/p.svg#x)" dur="1s"/></rect></svg>`,
			[]string{"evil"}, `values="url(https://evil.example/p.svg#x)"`},
		{"CSS @import in a style sheet",
			open + `<style>@import url(https://evil.example/x.css); @\69mport 'y.css'; rect { fill: red }</style><rect width="5" height="5"/></svg>`,
			[]string{"import", "evil", "@"}, "a style sheet with CSS escapes"},
		{"CSS @import and remote url in a style sheet",
			open + `<style>@import url(https://evil.example/x.css); rect { fill: url(//evil.example/p#g); stroke: red }</style><rect width="5" height="5"/></svg>`,
			[]string{"import", "evil"}, "the CSS @import rule"},
		{"CSS in a style attribute",
			open + `<rect width="5" height="5" style="@import 'https://evil.example/x.css'; fill: url( 'https://evil.example/p#g' ); behavior: url(x.htc); width: expression(alert(1)); stroke:blue"/></svg>`,
			[]string{"import", "evil", "behavior", "expression", "alert"}, "the CSS property behavior"},
		{"xml-stylesheet instruction",
			`<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/x.css" type="text/css"?>` + open + `<rect width="5" height="5"/></svg>`,
			[]string{"stylesheet", "evil", "<?"}, "<?xml-stylesheet?>"},
		{"foreignObject with HTML",
			open + `<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject><rect width="5" height="5"/></svg>`,
			[]string{"foreignObject", "iframe", "evil"}, "<foreignObject>"},
		{"links out",
			open + `<use href="https://evil.example/sprite.svg#a"/><image xlink:href="data:image/svg+xml;base64,PHN2Zz4="/><rect width="5" height="5" fill="url(https://evil.example/#g)"/></svg>`,
			[]string{"evil", "svg+xml"}, "links to https://evil.example/sprite.svg#a"},
		{"attribute in the SVG namespace",
			`<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg"><rect s:onclick="alert(1)" width="5" height="5"/></svg>`,
			[]string{"onclick", "alert"}, "onclick attributes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, removed, err := Sanitize([]byte(c.svg))
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range c.gone {
				if bytes.Contains(out, []byte(g)) {
					t.Errorf("output still holds %q:\n%s", g, out)
				}
			}
			if !bytes.Contains(out, []byte(`<rect width="5" height="5"`)) {
				t.Errorf("the drawing lost its rectangle:\n%s", out)
			}
			if !contains(removed, c.told) {
				t.Errorf("the author is told %q, want it to mention %q", removed, c.told)
			}
			if v := violation(out); v != "" {
				t.Errorf("output breaks the allowlist: %s\n%s", v, out)
			}
		})
	}
}

func TestSanitizeRefusesWhatItCannotRead(t *testing.T) {
	for name, svg := range map[string]string{
		"entity declared":  `<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>` + open + `<a href="&x;"/></svg>`,
		"entity undefined": open + `<text>&x;</text></svg>`,
		"not XML":          `<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`,
		"not SVG":          `<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>`,
		"no root":          `<?xml version="1.0"?>`,
		"other encoding":   `<?xml version="1.0" encoding="Shift_JIS"?>` + open + `</svg>`,
	} {
		if out, _, err := Sanitize([]byte(svg)); err == nil {
			t.Errorf("%s: sanitised to %s, want an error", name, out)
		}
	}
}

// A drawing as Inkscape saves it: its own namespaces and metadata go,
// the drawing stays exactly as drawn.
func TestSanitizeKeepsAnInkscapeDrawing(t *testing.T) {
	src := `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg width="210mm" height="297mm" viewBox="0 0 210 297" version="1.1" id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)" sodipodi:docname="drawing.svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#">
  <sodipodi:namedview id="namedview7" pagecolor="#ffffff" inkscape:zoom="0.7" />
  <defs id="defs2">
    <linearGradient inkscape:collect="always" id="linearGradient1">
      <stop style="stop-color:#ff0000;stop-opacity:1;" offset="0" id="stop1" />
      <stop style="stop-color:#0000ff;stop-opacity:0" offset="1" id="stop2" />
    </linearGradient>
    <radialGradient xlink:href="#linearGradient1" id="radial1" cx="50" cy="50" r="40" gradientUnits="userSpaceOnUse" />
  </defs>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">A drawing</dc:title></cc:Work></rdf:RDF></metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <path style="fill:url(#radial1);stroke:#000000;stroke-width:0.264583px" d="M 10,10 H 100 V 100 Z" id="path1" sodipodi:nodetypes="cccc" />
    <text xml:space="preserve" style="font-size:10.5833px;font-family:'DejaVu Sans';fill:#000000" x="20" y="150" id="text1"><tspan sodipodi:role="line" id="tspan1" x="20" y="150">Tom &amp; Jerry &lt;3</tspan></text>
    <use xlink:href="#path1" transform="translate(50,0) rotate(45)" />
  </g>
</svg>
`
	out, removed, err := Sanitize([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="210mm" height="297mm" viewBox="0 0 210 297" version="1.1" id="svg5">`,
		`<stop style="stop-color:#ff0000;stop-opacity:1" offset="0" id="stop1"/>`,
		`<radialGradient xlink:href="#linearGradient1" id="radial1"`,
		`<path style="fill:url(#radial1);stroke:#000000;stroke-width:0.264583px" d="M 10,10 H 100 V 100 Z" id="path1"/>`,
		`<text xml:space="preserve" style="font-size:10.5833px;font-family:'DejaVu Sans';fill:#000000" x="20" y="150" id="text1"><tspan id="tspan1" x="20" y="150">Tom &amp; Jerry &lt;3</tspan></text>`,
		`<use xlink:href="#path1" transform="translate(50,0) rotate(45)"/>`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	for _, gone := range []string{"inkscape", "sodipodi", "metadata", "rdf", "A drawing", "<!--"} {
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("output still holds %q:\n%s", gone, out)
		}
	}
	if !contains(removed, "<sodipodi:namedview>") || !contains(removed, "inkscape:label attributes") || !contains(removed, "<metadata>") {
		t.Errorf("the author is told %q", removed)
	}
	again, removedAgain, err := Sanitize(out)
	if err != nil || !bytes.Equal(again, out) || len(removedAgain) > 0 {
		t.Errorf("sanitising the output again: %v, removed %q, changed: %v", err, removedAgain, !bytes.Equal(again, out))
	}
}

// An Illustrator export: a DOCTYPE naming the SVG DTD, class-based
// styles in a sheet, an embedded PNG, a link around a shape.
func TestSanitizeKeepsAnIllustratorDrawing(t *testing.T) {
	src := `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px" viewBox="0 0 100 100" style="enable-background:new 0 0 100 100;" xml:space="preserve">
<style type="text/css">
	.st0{fill:#E30613;}
	.st1{fill:none;stroke:#1D1D1B;stroke-miterlimit:10;}
</style>
<a href="https://example.com/"><circle class="st0" cx="50" cy="50" r="40"/></a>
<image width="10" height="10" xlink:href="data:image/png;base64,iVBORw0KGgo="/>
<text x="1" y="9">caf` + "\xe9" + `</text>
</svg>`
	out, removed, err := Sanitize([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		".st0{fill:#E30613}\n.st1{fill:none;stroke:#1D1D1B;stroke-miterlimit:10}</style>",
		`<circle class="st0" cx="50" cy="50" r="40"/>`,
		`xlink:href="data:image/png;base64,iVBORw0KGgo="`,
		`style="enable-background:new 0 0 100 100"`,
		"café",
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("example.com")) || !contains(removed, "<a> links") {
		t.Errorf("the link was kept (told %q):\n%s", removed, out)
	}
}

// The author hears first about what could have run, not about a drawing
// tool's bookkeeping met before it.
func TestSanitizeNamesWhatRunsFirst(t *testing.T) {
	src := `<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.2" data-x="1">` +
		`<metadata/><rect width="5" height="5" onclick="alert(1)"/><script>alert(2)</script></svg>`
	_, removed, err := Sanitize([]byte(src))
	want := []string{"event handlers (onclick)", "<script>", "inkscape:version attributes", "data-x attributes", "<metadata>"}
	if err != nil || strings.Join(removed, "|") != strings.Join(want, "|") {
		t.Errorf("told %q (err %v), want %q", removed, err, want)
	}
}

func TestSanitizeLeavesACleanDrawingAlone(t *testing.T) {
	src := open + `<title>A square</title><rect x="1" y="1" width="8" height="8" fill="#3b82f6"/></svg>`
	out, removed, err := Sanitize([]byte(src))
	if err != nil || len(removed) > 0 {
		t.Fatalf("err %v, removed %q", err, removed)
	}
	if string(out) != src {
		t.Errorf("clean drawing changed:\n%s\n%s", src, out)
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
