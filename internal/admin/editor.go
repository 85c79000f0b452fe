package admin

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/errstatus"
	"github.com/grailblog/grail/internal/store"
)

// editorData is the editor screen, for a new or an existing post or page.
type editorData struct {
	// storeErr is a failure of the store while the file was being composed.
	storeErr error
	chrome
	Key   string // "" until a new document is first saved
	Kind  string // "post" or "page"
	ETag  string // the version the editor was opened with
	IsNew bool
	F     fields
	Zone  string // the site's time zone, which the date is in
	// Errors are messages by field name, shown next to the field.
	Errors     map[string]string
	State      string // of the saved version: Published, Scheduled for …, Draft
	PublicURL  string // where readers see it, when they can
	Preview    template.HTML
	HasPreview bool
	Offer      *autosaveOffer
	Warnings   []string
	MaxUpload  string
	Accept     string
}

// autosaveOffer: an autosaved text newer than the saved file exists.
type autosaveOffer struct {
	Rev  string
	When string
}

func (d *editorData) IsPage() bool { return d.Kind == "page" }

func (a *Admin) newEditor(sess auth.Session, kind string) *editorData {
	if kind != "page" {
		kind = "post"
	}
	title := "New post"
	if kind == "page" {
		title = "New page"
	}
	return &editorData{
		chrome:    a.chrome(sess, title, "new-"+kind),
		Kind:      kind,
		Zone:      a.location().String(),
		Errors:    map[string]string{},
		MaxUpload: sizeText(a.maxFile),
		Accept:    acceptList(),
	}
}

func (a *Admin) newDoc(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	ed := a.newEditor(sess, r.URL.Query().Get("kind"))
	ed.IsNew = true
	ed.F.Draft = true // nothing is published by accident
	if ed.Kind == "post" {
		ed.F.Date = a.now().In(a.location()).Format(dateInput)
	}
	a.renderEditor(w, r, http.StatusOK, ed)
}

// openDoc reads a post or page as it is stored now.
func (a *Admin) openDoc(ctx context.Context, key string) (src []byte, info store.ObjectInfo, doc *content.Doc, problems []content.Problem, err error) {
	if _, ok := a.store.KindOf(key); !ok {
		return nil, info, nil, nil, fmt.Errorf("%q is not a post or page: %w", key, store.ErrNotFound)
	}
	// Through the loader, which keeps what it read: the save of this
	// editor's form then neither reads nor parses this version again.
	v, err := a.loader.Version(ctx, key, "")
	if err != nil {
		return nil, info, nil, nil, err
	}
	return v.Data, store.ObjectInfo{Key: key, ETag: v.ETag, ModTime: v.ModTime}, v.Doc, v.Problems, nil
}

func (a *Admin) editDoc(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	ctx, q := r.Context(), r.URL.Query()
	key := q.Get("key")
	src, info, doc, problems, err := a.openDoc(ctx, key)
	if err != nil {
		a.storeFailed(w, r, err, "There is no post or page "+key+". If it was deleted, it is in the trash.")
		return
	}
	if doc == nil { // the file cannot be read as a post: edit it as text
		a.renderSource(w, r, sess, key, string(src), info.ETag, problemText(problems))
		return
	}
	ed := a.editorFor(sess, doc, info.ETag)
	ed.Warnings = a.warnings(key, problems)
	switch {
	case q.Get("from") != "":
		if !a.loadRevision(ctx, ed, key, q.Get("from")) {
			a.fail(w, r, http.StatusNotFound, "That revision does not exist.")
			return
		}
	case q.Has("saved"):
		ed.Notice = "Saved at " + a.now().In(a.location()).Format("15:04") + "."
	case q.Has("restored"):
		ed.Notice = "Restored. The version it replaced is in the history."
	}
	if q.Get("from") == "" {
		ed.Offer = a.autosaveOffer(ctx, key, src, info)
	}
	a.renderEditor(w, r, http.StatusOK, ed)
}

// editorFor fills the editor from a stored document.
func (a *Admin) editorFor(sess auth.Session, doc *content.Doc, etag string) *editorData {
	ed := a.newEditor(sess, doc.Kind.String())
	ed.Title = "Edit “" + doc.Title + "”"
	ed.Nav = ""
	ed.Key, ed.ETag = doc.Key, etag
	ed.F = fieldsOf(doc, a.location())
	ed.State, ed.PublicURL = a.stateOf(doc)
	return ed
}

// stateOf says whether readers see doc, and where.
func (a *Admin) stateOf(doc *content.Doc) (state, url string) {
	st := a.site()
	switch {
	case doc.Draft:
		return "Draft", ""
	case doc.Published().After(a.now()):
		return "Scheduled for " + a.when(doc.Published()), ""
	}
	u := st.URL(doc)
	if d := st.ByPath(u); d != nil && d.Key == doc.Key {
		return "Published", u
	}
	return "Published", ""
}

// loadRevision puts a revision's text (an autosave being restored) into
// the editor, which keeps the file's current version: saving replaces it.
func (a *Admin) loadRevision(ctx context.Context, ed *editorData, key, rev string) bool {
	r, ok := a.findRevision(ctx, key, rev)
	if !ok {
		return false
	}
	text, err := a.store.ReadRevision(ctx, r.Key)
	if err != nil {
		return false
	}
	kind, _ := a.store.KindOf(key)
	doc, _ := content.Parse(key, kind, text, a.location())
	if doc == nil {
		ed.F.Body = string(text)
	} else {
		ed.F = fieldsOf(doc, a.location())
	}
	ed.Notice = "This is the text autosaved at " + a.when(r.Saved) + ". It is not saved yet: save it to keep it."
	return true
}

// autosaveOffer finds an autosave newer than the stored file whose text
// differs from it: the author closed the editor without saving.
func (a *Admin) autosaveOffer(ctx context.Context, key string, src []byte, info store.ObjectInfo) *autosaveOffer {
	revs, err := a.store.Revisions(ctx, key)
	if err != nil {
		return nil
	}
	for _, r := range revs {
		if !r.Saved.After(info.ModTime) {
			return nil // newest first: the rest are older still
		}
		if r.Note != "autosave" {
			continue
		}
		text, err := a.store.ReadRevision(ctx, r.Key)
		if err != nil || bytes.Equal(text, src) {
			return nil
		}
		return &autosaveOffer{Rev: r.Key, When: a.when(r.Saved)}
	}
	return nil
}

// warnings are the problems content and the site found in a file.
func (a *Admin) warnings(key string, problems []content.Problem) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p content.Problem) {
		msg := p.Message
		if p.Field != "" {
			msg = p.Field + ": " + msg
		}
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	}
	for _, p := range problems {
		add(p)
	}
	for _, p := range a.site().Problems {
		if p.File == key {
			add(p)
		}
	}
	return out
}

func problemText(problems []content.Problem) string {
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, strings.TrimPrefix(p.String(), p.File+":"))
	}
	return strings.Join(msgs, "; ")
}

func (a *Admin) renderEditor(w http.ResponseWriter, r *http.Request, status int, ed *editorData) {
	if len(ed.Errors) > 0 && ed.Problem == "" {
		ed.Problem = "Nothing was saved yet: check the fields marked below. Your text is still here."
	}
	a.render(w, r, status, "editor", ed)
}

// storeFailed answers a failed read or write with the status its kind
// calls for (errstatus.Of) and what it means; notFound says what is
// missing. Only failures an operator must look into are logged as errors.
func (a *Admin) storeFailed(w http.ResponseWriter, r *http.Request, err error, notFound string) {
	status := errstatus.Apply(w.Header(), err)
	if !errstatus.Expected(status) {
		a.log.Error("admin: store", "path", r.URL.Path, "status", status, "err", err)
	}
	switch status {
	case http.StatusNotFound, http.StatusBadRequest:
		a.fail(w, r, status, notFound)
	case http.StatusConflict:
		a.fail(w, r, status, "Someone else changed this meanwhile. Open it again to see their version.")
	case http.StatusServiceUnavailable:
		a.fail(w, r, status, "The site's storage cannot be reached right now. Try again in a moment.")
	case http.StatusForbidden:
		a.fail(w, r, status, "The site's storage refused access; the server's log says what.")
	default:
		a.fail(w, r, http.StatusInternalServerError, "Something went wrong reading or writing the site's storage; the server's log says what.")
	}
}
