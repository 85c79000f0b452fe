package web

import (
	"context"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/grailblog/grail/internal/errstatus"
	"github.com/grailblog/grail/internal/store"
)

// serveAsset serves a theme file by its content-hashed name. An old hash
// (a page cached before the theme changed) gets the current file under a
// short cache lifetime rather than a 404 that would unstyle the page.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t := s.theme
	s.mu.Unlock()
	if resp := t.Asset(r.URL.Path); resp != nil {
		resp.write(w, r)
		return
	}
	// A name without its hash (as the feed stylesheet links it) or with an
	// old hash (a page cached before the theme changed) gets the current
	// file, cached briefly, rather than a 404 that would unstyle the page.
	if resp := t.assetByName(r.URL.Path); resp != nil {
		resp.write(w, r)
		return
	}
	// A Jekyll site keeps its own files in assets/, at the same address.
	if s.store.Layout().Jekyll && s.tryStatic(w, r) {
		return
	}
	s.notFound(w, r, nil)
}

// serveFile serves a stored file (media, a bundle's image, a Hugo static
// file) byte for byte, with Range and conditional requests. A file the
// store cannot be asked for right now is a 503, never a 404: a 404 is
// cached, and the file may well be there.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, open func(context.Context) (store.File, error)) {
	f, err := open(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer f.Close()
	s.writeFile(w, r, f)
}

func (s *Server) writeFile(w http.ResponseWriter, r *http.Request, f store.File) {
	info := f.Info()
	ctype := info.ContentType
	if ctype == "" || ctype == "application/octet-stream" {
		ctype = mime.TypeByExtension(path.Ext(info.Key))
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h["Content-Security-Policy"] = storedFilePolicy(ctype)
	h["Cross-Origin-Resource-Policy"] = corpEmbeddable
	h.Set("Cache-Control", "public, max-age=86400")
	if info.ETag != "" {
		h.Set("Etag", `"`+strings.Trim(info.ETag, `"`)+`"`)
	}
	http.ServeContent(w, r, info.Key, info.ModTime, f)
}

// tryFile serves a file of a page bundle (/blog/qmk/layout.png sits
// beside posts/qmk/index.md), of a Hugo site's static/ folder, or one
// that a Hugo site keeps in a section folder (content/posts/images/x.png
// at /posts/images/x.png). It
// reports whether it answered the request: with the file, or with the
// error of a store that could not tell whether the file is there.
func (s *Server) tryFile(w http.ResponseWriter, r *http.Request, v *view) bool {
	p := r.URL.Path
	for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
		d := v.site.ByPathOrTwin(p[:i]) // "/posts/:slug/" gives addresses ending in a slash
		if d == nil {
			continue
		}
		if d.Bundle == "" {
			return false
		}
		return s.serveIfFound(w, r, func(ctx context.Context) (store.File, error) {
			return s.store.OpenBundleFile(ctx, d.Bundle, p[i+1:])
		})
	}
	if l := s.store.Layout(); !l.Hugo && !l.Jekyll || len(p) < 2 {
		return false
	}
	return s.tryStatic(w, r) || s.serveIfFound(w, r, func(ctx context.Context) (store.File, error) {
		return s.store.OpenContentFile(ctx, p[1:])
	})
}

// tryStatic serves the site's file at the request's path (a Hugo
// site's static/, a Jekyll site's files), if there is one.
func (s *Server) tryStatic(w http.ResponseWriter, r *http.Request) bool {
	return len(r.URL.Path) > 1 && s.serveIfFound(w, r, func(ctx context.Context) (store.File, error) {
		return s.store.OpenStatic(ctx, r.URL.Path[1:])
	})
}

// serveIfFound serves the file open opens, unless it is not there (or
// cannot be: an invalid name), which it leaves to the caller to answer.
func (s *Server) serveIfFound(w http.ResponseWriter, r *http.Request, open func(context.Context) (store.File, error)) bool {
	f, err := open(r.Context())
	if st := errstatus.Of(err); st == http.StatusNotFound || st == http.StatusBadRequest {
		return false
	}
	if err != nil {
		s.serverError(w, r, err)
		return true
	}
	defer f.Close()
	s.writeFile(w, r, f)
	return true
}
