package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/store"
)

// historyData lists the earlier versions of a post or page.
type historyData struct {
	chrome
	Key       string
	DocTitle  string
	Revisions []revisionRow
}

type revisionRow struct {
	URL  string
	When string
	Note string
	Size string
}

// noteLabels say in words why each revision was kept.
var noteLabels = map[string]string{
	"":         "Replaced by a save",
	"autosave": "Autosave",
	"unsaved":  "Unsaved (lost a conflict)",
	"deleted":  "Deleted",
}

func noteLabel(note string) string {
	if l, ok := noteLabels[note]; ok {
		return l
	}
	return note
}

func (a *Admin) history(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	ctx := r.Context()
	key := r.URL.Query().Get("key")
	if _, ok := a.store.KindOf(key); !ok {
		a.fail(w, r, http.StatusNotFound, "There is no post or page "+key+".")
		return
	}
	revs, err := a.store.Revisions(ctx, key)
	if err != nil {
		a.storeFailed(w, r, err, "There is no history for "+key+".")
		return
	}
	d := historyData{chrome: a.chrome(sess, "History of "+key, ""), Key: key, DocTitle: key}
	if _, _, doc, _, err := a.openDoc(ctx, key); err == nil && doc != nil {
		d.DocTitle = doc.Title
	}
	for _, rv := range revs {
		d.Revisions = append(d.Revisions, revisionRow{
			URL:  "/admin/revision?key=" + url.QueryEscape(key) + "&rev=" + url.QueryEscape(rv.Key),
			When: a.when(rv.Saved),
			Note: noteLabel(rv.Note),
			Size: sizeText(rv.Size),
		})
	}
	a.render(w, r, http.StatusOK, "history", d)
}

// findRevision looks rev up among key's revisions, so that a revision of
// one file can never be restored into another.
func (a *Admin) findRevision(ctx context.Context, key, rev string) (store.Revision, bool) {
	revs, err := a.store.Revisions(ctx, key)
	if err != nil {
		return store.Revision{}, false
	}
	for _, r := range revs {
		if r.Key == rev {
			return r, true
		}
	}
	return store.Revision{}, false
}

// revisionData shows one revision against the current version.
type revisionData struct {
	chrome
	Key      string
	Rev      string
	When     string
	Note     string
	ETag     string // of the current version, which restoring replaces
	Exists   bool   // the file exists now (else restoring creates it)
	Diff     diffView
	Text     string
	Autosave bool
}

func (a *Admin) revision(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	ctx, q := r.Context(), r.URL.Query()
	key := q.Get("key")
	rv, text, ok := a.revisionText(w, r, key, q.Get("rev"))
	if !ok {
		return
	}
	d := revisionData{
		chrome:   a.chrome(sess, "Version of "+a.when(rv.Saved), ""),
		Key:      key,
		Rev:      rv.Key,
		When:     a.when(rv.Saved),
		Note:     noteLabel(rv.Note),
		Text:     string(text),
		Autosave: rv.Note == "autosave",
	}
	cur, info, err := a.store.Read(ctx, key)
	switch {
	case err == nil:
		d.Exists, d.ETag = true, info.ETag
	case !errors.Is(err, store.ErrNotFound):
		a.storeFailed(w, r, err, "")
		return
	}
	// Old → new: what restoring this version would change.
	d.Diff = diffTexts(string(cur), string(text))
	a.render(w, r, http.StatusOK, "revision", d)
}

// revisionText finds revision rev of key and reads its text, or answers
// the request itself and reports false.
func (a *Admin) revisionText(w http.ResponseWriter, r *http.Request, key, rev string) (store.Revision, []byte, bool) {
	rv, ok := a.findRevision(r.Context(), key, rev)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "That revision does not exist.")
		return rv, nil, false
	}
	text, err := a.store.ReadRevision(r.Context(), rv.Key)
	if err != nil {
		a.storeFailed(w, r, err, "That revision does not exist.")
		return rv, nil, false
	}
	return rv, text, true
}

// restoreRevision makes a revision the current version. It is a save like
// any other: the version it replaces becomes a revision in turn, and if
// someone saved since the page was shown, the conflict page says so.
func (a *Admin) restoreRevision(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form) {
	ctx := r.Context()
	key := f.Get("key")
	_, text, ok := a.revisionText(w, r, key, f.Get("rev"))
	if !ok {
		return
	}
	var err error
	if etag := f.Get("etag"); etag != "" {
		_, err = a.store.Update(ctx, key, text, etag)
	} else {
		_, err = a.store.Create(ctx, key, text)
	}
	if errors.Is(err, store.ErrConflict) {
		a.showConflict(w, r, sess, key, text, "")
		return
	}
	if err != nil {
		a.storeFailed(w, r, err, "The file was deleted meanwhile; restore it from the trash first.")
		return
	}
	a.changed(ctx, key)
	http.Redirect(w, r, "/admin/edit?restored=1&key="+url.QueryEscape(key), http.StatusSeeOther)
}
