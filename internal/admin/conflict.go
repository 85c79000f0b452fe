package admin

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/store"
)

// conflictData is the screen shown when a save lost a race: someone saved
// the file after the editor opened it. Nothing was overwritten; the author
// sees both versions and chooses.
type conflictData struct {
	chrome
	Key    string
	ETag   string // of their version: saving over it needs this
	Theirs string
	Yours  string
	Merged string
	Diff   diffView
	Saved  string // when theirs was saved
}

// showConflict renders the conflict page for yours against what is stored
// now. mergeText, when set, is a merge the author already started.
func (a *Admin) showConflict(w http.ResponseWriter, r *http.Request, sess auth.Session, key string, yours []byte, mergeText string) {
	theirs, info, err := a.store.Read(r.Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		a.deletedMeanwhile(w, r, sess, key, string(yours))
		return
	}
	if err != nil {
		a.storeFailed(w, r, err, "")
		return
	}
	d := conflictData{
		chrome: a.chrome(sess, "Someone else saved this meanwhile", ""),
		Key:    key,
		ETag:   info.ETag,
		Theirs: string(theirs),
		Yours:  string(yours),
		Merged: mergeText,
		Diff:   diffTexts(string(theirs), string(yours)),
		Saved:  a.when(info.ModTime),
	}
	if d.Merged == "" {
		d.Merged = mergeMarked(d.Theirs, d.Yours)
	} else {
		d.Problem = "The merged text still has conflict markers (<<<<<<<, =======, >>>>>>>). Keep the lines you want, delete the markers, then save."
	}
	a.render(w, r, http.StatusConflict, "conflict", d)
}

// resolve saves the author's choice on the conflict page ("mine" or a
// merge), or a file edited as text. It is a compare-and-swap against the
// version the page showed, so a third save in between means another
// conflict page, never a lost text.
func (a *Admin) resolve(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form) {
	ctx := r.Context()
	key, etag, action := f.Get("key"), f.Get("etag"), f.Get("action")
	src := normalizeNewlines(f.Get("src"))
	kind, ok := a.store.KindOf(key)
	if !ok {
		a.fail(w, r, http.StatusNotFound, "This form names a file that is not a post or page of this site.")
		return
	}
	if action == "merge" && hasMarkers(src) {
		a.showConflict(w, r, sess, key, []byte(f.Get("yours")), src)
		return
	}
	next := a.loader.Parse(key, kind, []byte(src))
	if next.Doc == nil {
		msg := "This text cannot be a post or page: " + problemText(next.Problems)
		if action == "raw" {
			a.renderSourceStatus(w, r, sess, key, src, etag, msg, http.StatusUnprocessableEntity)
			return
		}
		a.fail(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	var info store.ObjectInfo
	var err error
	if etag == "" { // the file was deleted meanwhile: make it again
		info, err = a.store.Create(ctx, key, next.Data)
	} else {
		info, err = a.store.Update(ctx, key, next.Data, etag)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		a.showConflict(w, r, sess, key, []byte(src), "")
		return
	case errors.Is(err, store.ErrNotFound):
		a.deletedMeanwhile(w, r, sess, key, src)
		return
	case err != nil:
		a.storeFailed(w, r, err, "")
		return
	}
	next.ETag, next.ModTime = info.ETag, info.ModTime
	a.loader.Saved(ctx, next)
	http.Redirect(w, r, "/admin/edit?saved=1&key="+url.QueryEscape(key), http.StatusSeeOther)
}

// sourceData edits a file as plain text: for a file whose front matter
// cannot be read, which the editor's fields cannot show.
type sourceData struct {
	chrome
	Key  string
	ETag string
	Src  string
}

func (a *Admin) renderSource(w http.ResponseWriter, r *http.Request, sess auth.Session, key, src, etag, problem string) {
	a.renderSourceStatus(w, r, sess, key, src, etag, "This file cannot be read as a post or page: "+problem+". Fix it here as text.", http.StatusOK)
}

// deletedMeanwhile shows the author's text when the file it was meant for
// has been deleted since: saving it makes the file again.
func (a *Admin) deletedMeanwhile(w http.ResponseWriter, r *http.Request, sess auth.Session, key, text string) {
	a.renderSourceStatus(w, r, sess, key, text, "", "This file was deleted (it is in the trash) while you were editing it, so nothing was saved. Save here to make it again with your text.", http.StatusConflict)
}

func (a *Admin) renderSourceStatus(w http.ResponseWriter, r *http.Request, sess auth.Session, key, src, etag, problem string, status int) {
	d := sourceData{chrome: a.chrome(sess, "Edit "+key+" as text", ""), Key: key, ETag: etag, Src: src}
	d.Problem = problem
	a.render(w, r, status, "source", d)
}
