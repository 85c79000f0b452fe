package site

import "github.com/grailblog/grail/internal/content"

// MarkdownOptions are how this site's bodies are rendered: the one place
// that turns its settings into the renderer's, for the pages, the admin's
// preview and grail check alike.
//
// A Hugo site is rendered as its markup.goldmark settings say (Hugo's
// defaults where they are silent: no raw HTML, typographer on, no block
// attributes); its $…$ formulas stay text, since Hugo draws them only with
// a passthrough setting and a script. A grail site gets grail's defaults:
// typographer on and formulas drawn as MathML.
func (s *Site) MarkdownOptions() content.MarkdownOptions {
	m := s.Config.Markup
	if s.Config.Hugo == nil {
		return content.MarkdownOptions{Math: true}
	}
	return content.MarkdownOptions{
		Unsafe:          m.Unsafe,
		NoTypographer:   !m.Typographer,
		BlockAttributes: m.Attributes,
	}
}
