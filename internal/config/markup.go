package config

// Markup holds the Markdown renderer's options, as a Hugo site sets them
// under markup.goldmark. A grail site has the zero value.
type Markup struct {
	// Unsafe keeps raw HTML in Markdown (markup.goldmark.renderer.unsafe).
	Unsafe bool
	// Typographer turns quotes and dashes into typographic ones
	// (markup.goldmark.extensions.typographer; Hugo's default is on).
	Typographer bool
	// Attributes allows {.class #id} after blocks
	// (markup.goldmark.parser.attribute.block).
	Attributes bool
}

// The URL styles: the shapes of a site's addresses.
const (
	StyleGrail = "grail" // /blog/<slug>, /tag/<t>, /category/<c>
	StyleHugo  = "hugo"  // /<section>/<slug>/, /tags/<t>/, index.xml
)

func checkURLStyle(s string) error {
	switch s {
	case "", StyleGrail, StyleHugo:
		return nil
	}
	return badSetting("urlStyle", "urlStyle %q must be %q or %q", s, StyleGrail, StyleHugo)
}
