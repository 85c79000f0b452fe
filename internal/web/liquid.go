package web

import (
	"context"
	"path"
	"strings"
	"sync"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/liquid"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// liquidSite is what the Liquid in a Jekyll site's documents sees of
// the snapshot st; nil for other sites, whose bodies have no Liquid.
func liquidSite(st *site.Site, s *store.Store) *liquid.Site {
	j := st.Config.Jekyll
	if j == nil {
		return nil
	}
	addresses := sync.OnceValues(func() (map[string]string, map[string]string) { return docAddresses(st) })
	return &liquid.Site{
		Title: st.Config.Title, Description: st.Config.Description,
		URL: strings.TrimSuffix(st.Config.BaseURL, j.BaseURL), BaseURL: j.BaseURL,
		Location: st.Config.Location,
		PostURL: func(name string) (string, bool) {
			posts, _ := addresses()
			u, ok := posts[name]
			return u, ok
		},
		Link: func(p string) (string, bool) {
			_, byKey := addresses()
			if u, ok := byKey[p]; ok {
				return u, true
			}
			// Any other file outside the _ folders is published at its path.
			if !strings.HasPrefix(p, "_") && !strings.Contains(p, "/_") && !isMarkdownFile(p) {
				return "/" + p, true
			}
			return "", false
		},
		Include: func(ctx context.Context, name string) ([]byte, error) {
			if s == nil {
				return nil, store.ErrNotFound
			}
			return s.JekyllInclude(ctx, name)
		},
	}
}

// docAddresses are the addresses of st's posts by the names post_url
// gives them (the path under _posts/ without its extension, and the file
// name alone), and of every post and page by its key.
func docAddresses(st *site.Site) (posts, byKey map[string]string) {
	posts, byKey = map[string]string{}, map[string]string{}
	for _, list := range [][]*content.Doc{st.Posts, st.Pages} {
		for _, d := range list {
			u := st.URL(d)
			byKey[d.Key] = u
			if d.Kind != content.KindPost {
				continue
			}
			name := strings.TrimSuffix(d.Key, path.Ext(d.Key))
			if _, rel, ok := strings.Cut(name, "_posts/"); ok {
				posts[rel] = u
			}
			if _, taken := posts[path.Base(name)]; !taken {
				posts[path.Base(name)] = u
			}
		}
	}
	return posts, byKey
}

func isMarkdownFile(p string) bool {
	return strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".markdown")
}

// liquidPage is what Liquid sees of d as page.
func (v *view) liquidPage(ctx context.Context, d *content.Doc) liquid.Page {
	return liquid.Page{
		File: d.Key, Line: d.BodyLine,
		Title: d.Title, Date: d.Date, URL: v.site.URL(d),
		Params: v.frontMatter(ctx, d),
	}
}

// expandLiquid renders src, a part of d's Markdown, with its Liquid
// expanded first; problems are logged (grail check lists them too).
func (v *view) expandLiquid(ctx context.Context, d *content.Doc, src []byte, o content.RenderOptions) ([]byte, error) {
	md, rep, problems := liquid.Expand(ctx, src, v.bodies.liquid, v.liquidPage(ctx, d))
	for _, p := range problems {
		v.bodies.log.Warn("liquid", "problem", p.String())
	}
	out, err := v.md.Render(md, o)
	if err != nil {
		return nil, err
	}
	return rep.Replace(out), nil
}
