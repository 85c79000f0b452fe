package admin

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// deleteData asks before moving a post or page to the trash: a plain page
// rather than a script's dialog, so that it works without JavaScript.
type deleteData struct {
	chrome
	Key     string
	ETag    string
	DocName string
}

func (a *Admin) confirmDelete(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	key := r.URL.Query().Get("key")
	_, info, doc, _, err := a.openDoc(r.Context(), key)
	if err != nil {
		a.storeFailed(w, r, err, "There is no post or page "+key+"; it may be in the trash already.")
		return
	}
	d := deleteData{chrome: a.chrome(sess, "Move to the trash?", ""), Key: key, ETag: info.ETag, DocName: key}
	if doc != nil {
		d.DocName = doc.Title
	}
	a.render(w, r, http.StatusOK, "delete", d)
}

// deleteDoc moves a file to the trash, if it is still the version the
// author confirmed: a newer save is never deleted unseen.
func (a *Admin) deleteDoc(w http.ResponseWriter, r *http.Request, _ auth.Session, f *form) {
	ctx := r.Context()
	key := f.Get("key")
	if _, ok := a.store.KindOf(key); !ok {
		a.fail(w, r, http.StatusNotFound, "There is no post or page "+key+".")
		return
	}
	err := a.store.Delete(ctx, key, f.Get("etag"))
	switch {
	case errors.Is(err, store.ErrConflict):
		a.fail(w, r, http.StatusConflict, "Someone saved "+key+" after you asked to delete it, so it was not deleted. Open it again to see their changes.")
		return
	case err != nil:
		a.storeFailed(w, r, err, "There is no post or page "+key+"; it may be in the trash already.")
		return
	}
	a.changed(ctx, key)
	http.Redirect(w, r, "/admin?deleted="+url.QueryEscape(key), http.StatusSeeOther)
}

type trashData struct {
	chrome
	Items []trashRow
}

type trashRow struct {
	Key     string
	Title   string
	Deleted string
	Size    string
}

func (a *Admin) trash(w http.ResponseWriter, r *http.Request, sess auth.Session) {
	d := trashData{chrome: a.chrome(sess, "Trash", "trash")}
	a.renderTrash(w, r, &d, http.StatusOK)
}

// renderTrash lists the trash into d and renders it.
func (a *Admin) renderTrash(w http.ResponseWriter, r *http.Request, d *trashData, status int) {
	ctx := r.Context()
	items, err := a.store.Trash(ctx)
	if err != nil {
		a.storeFailed(w, r, err, "The trash could not be read.")
		return
	}
	for _, it := range items {
		row := trashRow{Key: it.Key, Title: it.Key, Deleted: a.when(it.DeletedAt), Size: sizeText(it.Size)}
		if kind, ok := a.store.KindOf(it.Key); ok {
			if text, err := a.store.ReadTrash(ctx, it.Key); err == nil {
				if doc, _ := content.Parse(it.Key, kind, text, a.location()); doc != nil {
					row.Title = doc.Title
				}
			}
		}
		d.Items = append(d.Items, row)
	}
	a.render(w, r, status, "trash", d)
}

// restoreTrash puts a deleted file back, unless its place or its address
// has been taken since.
func (a *Admin) restoreTrash(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form) {
	ctx := r.Context()
	key := f.Get("key")
	d := trashData{chrome: a.chrome(sess, "Trash", "trash")}
	kind, ok := a.store.KindOf(key)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "Nothing in the trash was at "+key+".")
		return
	}
	text, err := a.store.ReadTrash(ctx, key)
	if err != nil {
		a.storeFailed(w, r, err, "Nothing in the trash was at "+key+".")
		return
	}
	if doc, _ := content.Parse(key, kind, text, a.location()); doc != nil {
		if other := a.addressTaken(doc, ""); other != nil {
			d.Problem = "“" + doc.Title + "” cannot be restored: its address " + a.site().URL(doc) +
				" is now taken by “" + other.Title + "”. Change that one's slug first."
			a.renderTrash(w, r, &d, http.StatusConflict)
			return
		}
	}
	_, err = a.store.Restore(ctx, key)
	if errors.Is(err, store.ErrConflict) {
		d.Problem = "Cannot restore " + key + ": a new file has been saved in its place. Rename or delete that one first."
		a.renderTrash(w, r, &d, http.StatusConflict)
		return
	}
	if err != nil {
		a.storeFailed(w, r, err, "Nothing in the trash was at "+key+".")
		return
	}
	a.changed(ctx, key)
	http.Redirect(w, r, "/admin/edit?restored=1&key="+url.QueryEscape(key), http.StatusSeeOther)
}

// addressTaken returns a document at doc's address other than the file
// at self ("" when doc is not stored yet, or is coming back from the trash).
func (a *Admin) addressTaken(doc *content.Doc, self string) *content.Doc {
	st := a.site()
	u := st.URL(doc)
	for _, d := range st.Docs {
		if d.Key != self && d.Kind != content.KindSection && st.URL(d) == u {
			return d
		}
	}
	return nil
}
