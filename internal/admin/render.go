package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/auth"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/*
var staticFiles embed.FS

// pages holds one template set per screen (the layout plus that screen)
// and the static files under their content-hashed names, which may be
// cached for good: a new binary with a changed file gives it a new name.
type pages struct {
	screens map[string]*template.Template
	static  map[string][]byte // by hashed name
	hashed  map[string]string // plain name → hashed name
}

func loadPages() (*pages, error) {
	p := &pages{screens: map[string]*template.Template{}, static: map[string][]byte{}, hashed: map[string]string{}}
	if err := p.loadStatic(); err != nil {
		return nil, err
	}
	layout, err := template.New("layout.html").Funcs(template.FuncMap{"asset": p.asset}).
		ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, err
		}
		p.screens[name] = t
	}
	return p, nil
}

func (p *pages) loadStatic() error {
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := fs.ReadFile(staticFiles, "static/"+e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
		p.static[hashed] = data
		p.hashed[e.Name()] = hashed
	}
	return nil
}

// asset is the URL of a static file by its plain name.
func (p *pages) asset(name string) (string, error) {
	h, ok := p.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/admin/static/" + h, nil
}

func (a *Admin) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	data, ok := a.pages.static[name]
	if !ok {
		a.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// chrome is what the layout needs on every screen.
type chrome struct {
	Title     string
	SiteTitle string
	User      string // "" on the login page
	CSRF      string
	Nav       string // which menu entry is current
	Notice    string // what just happened, shown at the top
	Problem   string // what went wrong, shown at the top
}

func (a *Admin) chrome(sess auth.Session, title, nav string) chrome {
	return chrome{Title: title, SiteTitle: a.site().Config.Title, User: sess.User, CSRF: sess.CSRF, Nav: nav}
}

// render writes a screen. It renders to a buffer first so that a template
// error becomes a clean 500 rather than half a page.
func (a *Admin) render(w http.ResponseWriter, r *http.Request, status int, screen string, data any) {
	t, ok := a.pages.screens[screen]
	if !ok {
		panic("admin: no screen " + screen)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		a.log.Error("admin: render", "screen", screen, "err", err)
		http.Error(w, "The page could not be shown; the server's log says why.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// wantsJSON: the editor's script asks for JSON; forms get pages.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// messageData is a screen that only says something.
type messageData struct {
	chrome
	Status int
	Text   string
}

// fail answers with an error status and a sentence saying what happened.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, status int, text string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": text})
		return
	}
	sess, _ := a.session(r)
	d := messageData{chrome: a.chrome(sess, http.StatusText(status), ""), Status: status, Text: text}
	a.render(w, r, status, "message", d)
}

// refusedData shows a refused form's text back to the author.
type refusedData struct {
	chrome
	Text    string
	Fields  []keptField
	HasText bool
}

type keptField struct{ Label, Value string }

// refuse answers 403 to a POST whose session or token was wrong, with the
// text it carried, so that the author can copy it and lose nothing.
func (a *Admin) refuse(w http.ResponseWriter, r *http.Request, f *form, text string) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": text})
		return
	}
	d := refusedData{chrome: chrome{Title: "Not saved", SiteTitle: a.site().Config.Title}, Text: text}
	if f != nil {
		for _, k := range []struct{ name, label string }{{"title", "Title"}, {"summary", "Summary"}, {"body", "Text"}, {"src", "Text"}} {
			if v := f.Get(k.name); v != "" {
				d.Fields = append(d.Fields, keptField{k.label, v})
			}
		}
	}
	d.HasText = len(d.Fields) > 0
	a.render(w, r, http.StatusForbidden, "refused", d)
}

// when formats an instant for the author, in the site's time zone.
func (a *Admin) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(a.location()).Format("2 Jan 2006, 15:04 MST")
}
