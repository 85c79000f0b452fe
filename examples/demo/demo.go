// Package demo is the example blog that `grail serve --demo` serves.
package demo

import "embed"

// Files is the demo site: grail.toml, posts/, pages/ and media/.
//
//go:embed grail.toml posts pages media
var Files embed.FS
