package svgsafe

import "strings"

// Namespaces the sanitiser knows by name.
const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
)

// prefixes name well-known namespaces in what the author is told was
// removed; the decoder reports namespace URLs, not the prefixes written.
var prefixes = map[string]string{
	"http://www.inkscape.org/namespaces/inkscape":            "inkscape",
	"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd":     "sodipodi",
	"http://www.w3.org/1999/xhtml":                           "html",
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#":            "rdf",
	"http://creativecommons.org/ns#":                         "cc",
	"http://purl.org/dc/elements/1.1/":                       "dc",
	"http://ns.adobe.com/AdobeIllustrator/10.0/":             "i",
	"http://ns.adobe.com/SaveForWeb/1.0/":                    "sfw",
	"http://www.bohemiancoding.com/sketch/ns":                "sketch",
	"http://www.w3.org/1999/xlink":                           "xlink",
	"http://www.w3.org/XML/1998/namespace":                   "xml",
	"http://www.serif.com/":                                  "serif",
	"http://www.w3.org/1998/Math/MathML":                     "math",
	"http://ns.adobe.com/Extensibility/1.0/":                 "x",
	"http://ns.adobe.com/Graphs/1.0/":                        "graph",
	"http://ns.adobe.com/Variables/1.0/":                     "v",
	"http://ns.adobe.com/ImageReplacement/1.0/":              "ir",
	"http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/":      "a",
	"http://schemas.microsoft.com/visio/2003/SVGExtensions/": "v",
}

// elements are the SVG elements kept: what draws (shapes, paths, text,
// images from data URLs), what it is drawn with (gradients, patterns,
// clips, masks, markers, filters), structure, and animations, which are
// checked further (see animationTargetOK). Everything else is dropped
// with its content; <a> alone is unwrapped, keeping what it drew.
var elements = set(
	"svg", "g", "defs", "symbol", "use", "title", "desc", "style",
	"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
	"text", "tspan", "textPath",
	"linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
	"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
	"feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
	"feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
	"feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
	"fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
	"animate", "animateMotion", "animateTransform", "set", "mpath",
)

var animations = set("animate", "animateMotion", "animateTransform", "set")

// unwrapped elements are dropped but their content is kept: a link's
// drawing is part of the picture, the link is not.
var unwrapped = set("a")

// attributes are the attributes kept, on any kept element: geometry,
// presentation, text layout, paint servers, filters and animation
// timing. Every value is checked too (valueOK); href is handled apart.
var attributes = set(
	// structure and geometry
	"id", "class", "style", "transform", "viewBox", "preserveAspectRatio", "version", "baseProfile",
	"width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
	"fx", "fy", "fr", "d", "points", "pathLength",
	// paint servers, clips, masks, markers
	"offset", "gradientUnits", "gradientTransform", "spreadMethod",
	"patternUnits", "patternContentUnits", "patternTransform",
	"clipPathUnits", "maskUnits", "maskContentUnits",
	"markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
	// text
	"dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side", "lang",
	// presentation attributes (also the properties allowed in CSS)
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
	"stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
	"opacity", "color", "display", "visibility", "clip-path", "clip-rule", "mask",
	"marker", "marker-start", "marker-mid", "marker-end",
	"font", "font-family", "font-size", "font-style", "font-weight", "font-variant", "font-stretch",
	"font-size-adjust", "font-kerning", "font-feature-settings", "line-height",
	"text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift",
	"letter-spacing", "word-spacing", "text-decoration", "writing-mode", "direction", "unicode-bidi",
	"stop-color", "stop-opacity", "color-interpolation", "color-interpolation-filters",
	"color-rendering", "shape-rendering", "text-rendering", "image-rendering",
	"vector-effect", "paint-order", "mix-blend-mode", "isolation", "filter",
	"flood-color", "flood-opacity", "lighting-color", "overflow", "clip", "transform-origin",
	"transform-box", "enable-background", "white-space",
	// filter primitives
	"filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "operator",
	"k1", "k2", "k3", "k4", "type", "values", "tableValues", "slope", "intercept", "amplitude",
	"exponent", "order", "kernelMatrix", "divisor", "bias", "targetX", "targetY", "edgeMode",
	"preserveAlpha", "surfaceScale", "diffuseConstant", "specularConstant", "specularExponent",
	"kernelUnitLength", "scale", "xChannelSelector", "yChannelSelector", "radius",
	"baseFrequency", "numOctaves", "seed", "stitchTiles", "azimuth", "elevation",
	"pointsAtX", "pointsAtY", "pointsAtZ", "limitingConeAngle",
	// animation
	"attributeName", "attributeType", "from", "to", "by", "begin", "dur", "end", "min", "max",
	"repeatCount", "repeatDur", "restart", "calcMode", "keyTimes", "keySplines", "keyPoints",
	"additive", "accumulate", "path",
)

// cssProperties are the properties kept in style attributes and style
// sheets: the presentation attributes, which is all an SVG needs.
var cssProperties = func() map[string]bool {
	m := map[string]bool{}
	for a := range attributes {
		if strings.Contains(a, "-") || presentationWords[a] {
			m[a] = true
		}
	}
	return m
}()

// presentationWords are the one-word presentation attributes (those with
// a hyphen are all presentation attributes).
var presentationWords = set("fill", "stroke", "opacity", "color", "display", "visibility",
	"mask", "marker", "font", "direction", "filter", "overflow", "clip", "transform", "isolation",
	"cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "d")

// animationTargets are the attributes an animation may change: the
// allowlist less those that would change what the others mean.
func animationTargetOK(name string) bool {
	switch name {
	case "id", "class", "style", "attributeName", "begin", "end", "href":
		return false
	}
	return attributes[name]
}

// cssFunctions are the CSS functions a value may call; url() is further
// limited to the document's own #ids. Anything else (image-set(),
// expression(), image(), env()...) could load or run something.
var cssFunctions = set("url", "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
	"calc", "min", "max", "clamp", "matrix", "translate", "translatex", "translatey",
	"rotate", "scale", "scalex", "scaley", "skewx", "skewy", "cubic-bezier", "steps")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
