package site

import (
	"reflect"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
)

// parseDoc reads one source as the site does: with Jekyll's rules when
// the site is a Jekyll site (its settings as last read).
func (l *Loader) parseDoc(key string, kind content.Kind, src []byte, loc *time.Location) (*content.Doc, []content.Problem) {
	j := l.jekyll.Load()
	if j == nil {
		return content.Parse(key, kind, src, loc)
	}
	return content.ParseJekyll(key, kind, src, loc, content.JekyllOptions{
		ExcerptSeparator: j.ExcerptSeparator,
		Defaults:         j.DefaultsFor(key, jekyllType(key)),
	})
}

// jekyllType is the type a Jekyll site's defaults: scope names a
// document by: "posts" (drafts are posts too), "pages", or its
// collection's name.
func jekyllType(key string) string {
	k := "/" + key
	switch {
	case strings.Contains(k, "/_posts/"), strings.Contains(k, "/_drafts/"):
		return "posts"
	case strings.HasPrefix(key, "_"):
		first, _, _ := strings.Cut(key, "/")
		return strings.TrimPrefix(first, "_")
	}
	return "pages"
}

// jekyllChanged: settings that change what a Jekyll site's files say
// (their defaults, the excerpt separator) changed, so every file is
// read again.
func jekyllChanged(a, b config.Config) bool {
	if a.Jekyll == nil || b.Jekyll == nil {
		return a.Jekyll != b.Jekyll
	}
	return a.Jekyll.ExcerptSeparator != b.Jekyll.ExcerptSeparator || !reflect.DeepEqual(a.Jekyll.Defaults, b.Jekyll.Defaults)
}
