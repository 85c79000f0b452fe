// Package theme is grail's built-in theme: HTML templates and the assets
// they link to. A site overrides it file by file from its own theme/ folder.
package theme

import "embed"

// Files holds templates/*.html and assets/*.
//
//go:embed templates assets
var Files embed.FS
