package web

import (
	"html/template"
	"net/http"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/errstatus"
)

func htmlEscape(s string) string { return template.HTMLEscapeString(s) }

// notFound renders the themed 404 page, which suggests the posts whose
// slugs are closest to the address asked for, and the newest posts.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, v *view) {
	if v == nil {
		var err error
		if v, err = s.currentView(); err != nil {
			s.plainError(w, http.StatusNotFound, "Not found.")
			return
		}
	}
	if resp := s.notFoundPage(r, v); resp != nil {
		resp.write(w, r)
		return
	}
	s.plainError(w, http.StatusNotFound, "Not found.")
}

// notFoundPage is the 404 page for the request's path, or nil if it
// cannot be rendered.
func (s *Server) notFoundPage(r *http.Request, v *view) *response {
	render := func(urlPath string, suggestions []*content.Doc) ([]byte, error) {
		data := notFoundData{layout: s.layout(v, urlPath, "Page not found", "", "")}
		data.Canonical = ""
		data.Suggestions = suggestions
		data.Recent = v.site.Posts[:min(5, len(v.site.Posts))]
		return v.render("notfound", data)
	}
	var body []byte
	var err error
	if suggestions := v.suggest(r.URL.Path, 3); len(suggestions) > 0 {
		body, err = render(r.URL.Path, suggestions)
	} else {
		body, err = v.missPage(func() ([]byte, error) { return render(pathMark, nil) }, r.URL.Path)
	}
	if err != nil {
		s.log.Error("render 404 page", "err", err)
		return nil
	}
	return newResponse(http.StatusNotFound, htmlType, "public, max-age=60", body, zeroTime)
}

// editDistance is the Levenshtein distance of a and b, giving up (and
// returning limit+1) once it is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// serverError answers a request that failed with err with the status
// its kind calls for (errstatus.Of): the themed 404 page for something
// that is not there, a 503 with Retry-After and no caching while the store
// cannot be reached, and otherwise a page with no detail. Only failures an
// operator must look into are logged as errors: a reader can cause the
// others at will.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	status := errstatus.Apply(w.Header(), err)
	switch status {
	case http.StatusNotFound:
		s.log.Debug("not found", "method", r.Method, "path", r.URL.Path, "err", err)
		s.notFound(w, r, nil)
	case http.StatusBadRequest:
		s.log.Debug("bad request", "method", r.Method, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, status, "Bad request", "This address cannot name anything on this site.")
	case http.StatusServiceUnavailable:
		s.log.Warn("store unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, status, "Temporarily unavailable",
			"This page cannot be shown right now. Please try again in a minute.")
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong",
			"The server could not show this page. The problem has been logged; please try again in a moment.")
	}
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	s.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed",
		"This address can only be read (GET or HEAD), not sent a "+r.Method+" request.")
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	v, err := s.currentView()
	if err == nil {
		data := errorData{layout: s.layout(v, r.URL.Path, heading, "", ""), Heading: heading, Message: msg}
		data.Canonical = ""
		var body []byte
		if body, err = v.render("error", data); err == nil {
			newResponse(status, htmlType, "no-store", body, zeroTime).write(w, r)
			return
		}
	}
	s.plainError(w, status, msg)
}

func (s *Server) plainError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}
