package web

import "mime"

// A stored file is whatever an author uploaded or put beside a post, and
// it is served from the blog's own origin: opened on its own, an SVG,
// HTML or XML file could run script there. The sandbox gives it an origin
// of its own and no scripts, and nothing may be loaded. Inline styles are
// allowed: drawings are styled with them. Chrome will not show a PDF in
// a sandboxed document, and a PDF's scripts run in the viewer, not on the
// origin, so a PDF is served without the sandbox.
var (
	cspStoredFile = []string{"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"}
	cspStoredPDF  = []string{"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"}
)

// corpEmbeddable replaces the transport's Cross-Origin-Resource-Policy
// (same-origin) on media, bundle files and theme assets: a post's images
// are meant to be shown wherever the post is read, in a feed reader on
// another origin too. Pages keep same-origin.
var corpEmbeddable = []string{"cross-origin"}

func storedFilePolicy(contentType string) []string {
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/pdf" {
		return cspStoredPDF
	}
	return cspStoredFile
}
