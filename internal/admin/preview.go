package admin

import (
	"errors"
	"net/http"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// preview renders the editor's text with the site's own Markdown renderer,
// for the live preview beside the text.
func (a *Admin) preview(w http.ResponseWriter, r *http.Request, _ auth.Session, f *form) {
	body := normalizeNewlines(f.Get("body"))
	if len(body) > content.MaxSourceSize {
		a.fail(w, r, http.StatusRequestEntityTooLarge, "The text is too long to preview.")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(a.renderPreview(r.Context(), f.Get("key"), body)))
}

// autosave keeps the editor's unsaved text as a revision ("autosave") so
// that closing the tab or losing the connection loses nothing. It never
// changes the file itself, so readers see nothing until the author saves.
func (a *Admin) autosave(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form) {
	ctx := r.Context()
	ed := a.editorFromForm(sess, f)
	key, src := a.autosaveText(r, ed)
	if key == "" {
		// A new document without a title has no file to keep revisions
		// for yet; the script keeps the text in the browser meanwhile.
		writeJSON(w, http.StatusOK, map[string]string{"kept": "browser"})
		return
	}
	if err := a.store.KeepDraft(ctx, key, src); err != nil {
		a.log.Error("admin: autosave", "key", key, "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "The draft could not be saved to the server; it is kept in this browser."})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"kept": "server", "key": key, "at": a.now().In(a.location()).Format("15:04")})
}

// autosaveText builds the file the editor holds, leniently: a field that
// would stop a save (a bad date) is left as the file had it.
func (a *Admin) autosaveText(r *http.Request, ed *editorData) (string, []byte) {
	ctx := r.Context()
	loc := a.location()
	c := change{now: ed.F}
	if c.now.Slug == "" {
		c.now.Slug = content.Slugify(ed.F.Title)
	}
	var orig []byte
	if ed.IsNew {
		if c.now.Slug == "" || !content.ValidSlug(c.now.Slug) {
			return "", nil
		}
		c.key = a.store.PostKey(c.now.Slug)
		if ed.Kind == "page" {
			c.key = a.store.Layout().PageDir + c.now.Slug + ".md"
		}
		// Someone else's file by that name: its history is not ours.
		if _, err := a.store.Stat(ctx, c.key); !errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
	} else {
		if _, ok := a.store.KindOf(ed.Key); !ok {
			return "", nil
		}
		c.key = ed.Key
		// From the loader's memory, parsed, while the editor's version
		// is there: an editor autosaves every few seconds.
		if v, err := a.loader.Version(ctx, ed.Key, ed.ETag); err == nil {
			orig = v.Data
			if v.Doc != nil {
				c.was = fieldsOf(v.Doc, loc)
			}
		}
	}
	if t, err := parseDateInput(c.now.Date, loc); err == nil {
		c.date = t
	} else {
		c.now.Date = c.was.Date
	}
	src, err := compose(orig, c)
	if err != nil {
		src = []byte(ed.F.Body)
	}
	return c.key, src
}
