package site

import "github.com/grailblog/grail/internal/content"

// MarkdownOptions are how this site's bodies are rendered: the one place
// that turns its settings into the renderer's, for the pages, the admin's
// preview and grail check alike.
func (s *Site) MarkdownOptions() content.MarkdownOptions {
	// Hugo's defaults until the site's markup.goldmark settings are read.
	return content.MarkdownOptions{}
}
