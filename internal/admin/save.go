package admin

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/errstatus"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// editorFromForm is the editor as the author submitted it.
func (a *Admin) editorFromForm(sess auth.Session, f *form) *editorData {
	ed := a.newEditor(sess, f.Get("kind"))
	ed.Key, ed.ETag = f.Get("key"), f.Get("etag")
	ed.IsNew = ed.Key == ""
	ed.F = fields{
		Title:      strings.TrimSpace(f.Get("title")),
		Slug:       strings.TrimSpace(f.Get("slug")),
		Categories: f.Get("categories"),
		Tags:       f.Get("tags"),
		Date:       strings.TrimSpace(f.Get("date")),
		Draft:      f.Get("status") != "publish",
		Summary:    normalizeNewlines(f.Get("summary")),
		Body:       normalizeNewlines(f.Get("body")),
	}
	if !ed.IsNew {
		ed.Title = "Edit “" + ed.F.Title + "”"
		ed.Nav = ""
	}
	return ed
}

// normalizeNewlines: browsers send a text area's lines ended by CRLF.
func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// save stores the editor's form: a new file, or a new version of the file
// the editor was opened on. It can also upload a file into the text, or
// show the preview, for authors without JavaScript. Whatever goes wrong,
// the author's text is in the form that comes back.
func (a *Admin) save(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form) {
	ctx := r.Context()
	ed := a.editorFromForm(sess, f)
	if f.file != nil {
		link, status, msg := a.storeUpload(ctx, f.file)
		if status != http.StatusOK {
			ed.Errors["file"] = msg
			a.renderEditor(w, r, status, ed)
			return
		}
		ed.F.Body = appendLink(ed.F.Body, link)
		ed.Notice = strings.TrimSpace("Uploaded " + f.file.name + "; its link is at the end of the text. " + msg)
	}
	switch f.Get("action") {
	case "upload":
		if f.file == nil {
			ed.Errors["file"] = "Choose a file to upload first."
			a.renderEditor(w, r, http.StatusUnprocessableEntity, ed)
			return
		}
		a.renderEditor(w, r, http.StatusOK, ed)
		return
	case "preview":
		ed.Preview, ed.HasPreview = a.renderPreview(r.Context(), ed.Key, ed.F.Body), true
		a.renderEditor(w, r, http.StatusOK, ed)
		return
	}
	a.writeDoc(w, r, sess, ed)
}

// writeDoc validates and writes the editor's document, and hands what it
// wrote, parsed, to the loader: nothing is read back or parsed again.
func (a *Admin) writeDoc(w http.ResponseWriter, r *http.Request, sess auth.Session, ed *editorData) {
	ctx := r.Context()
	prev, next, ok := a.composeDoc(ctx, ed)
	key, src := next.Key, next.Data
	if ed.storeErr != nil {
		a.saveFailed(w, r, ed, ed.storeErr)
		return
	}
	if !ok {
		a.renderEditor(w, r, http.StatusUnprocessableEntity, ed)
		return
	}
	var info store.ObjectInfo
	var err error
	if ed.IsNew {
		info, err = a.store.Create(ctx, key, src)
		if errors.Is(err, store.ErrConflict) {
			ed.Errors["slug"] = "A file named " + key + " exists already; choose another slug."
			a.renderEditor(w, r, http.StatusUnprocessableEntity, ed)
			return
		}
	} else {
		info, err = a.writeOver(ctx, prev, next, ed.ETag)
		switch {
		case errors.Is(err, store.ErrConflict):
			a.showConflict(w, r, sess, key, src, "")
			return
		case errors.Is(err, store.ErrNotFound):
			ed.Key, ed.ETag, ed.IsNew = "", "", true
			ed.Problem = "This was deleted (it is in the trash) after you opened it, so nothing was saved. Save again to store your text as a new file."
			a.renderEditor(w, r, http.StatusConflict, ed)
			return
		}
	}
	if err != nil {
		a.saveFailed(w, r, ed, err)
		return
	}
	next.ETag, next.ModTime = info.ETag, info.ModTime
	a.loader.Saved(ctx, next)
	http.Redirect(w, r, "/admin/edit?saved=1&key="+url.QueryEscape(key), http.StatusSeeOther)
}

// writeOver replaces the version the editor was opened on (ifMatch) with
// next. When prev, the text the edit was composed over, is that version,
// the store keeps it as the revision without reading the file again;
// otherwise someone saved (or deleted) since, and Update says so.
func (a *Admin) writeOver(ctx context.Context, prev *site.Version, next site.Version, ifMatch string) (store.ObjectInfo, error) {
	if prev != nil && prev.ETag == ifMatch {
		return a.store.Replace(ctx, next.Key, prev.Data, next.Data, ifMatch)
	}
	return a.store.Update(ctx, next.Key, next.Data, ifMatch)
}

// saveFailed shows the editor again, text and all, when the store could
// not take the file: nothing the author typed may be lost to an outage.
func (a *Admin) saveFailed(w http.ResponseWriter, r *http.Request, ed *editorData, err error) {
	status := errstatus.Apply(w.Header(), err)
	ed.Problem = "Nothing was saved: the site's storage cannot be reached right now. Your text is still here; save again in a moment."
	if status != http.StatusServiceUnavailable {
		a.log.Error("admin: save", "key", ed.Key, "err", err)
		ed.Problem = "Nothing was saved: writing to the site's storage failed (the server's log says why). Your text is still here."
	}
	a.renderEditor(w, r, status, ed)
}

// composeDoc checks the editor's fields and builds the file to store,
// parsed as the site will read it, noting any problem next to its field.
// The file keeps its place and the front matter fields the editor does
// not show. prev is the version the edit was made over (nil for a new
// file, or one deleted since).
func (a *Admin) composeDoc(ctx context.Context, ed *editorData) (prev *site.Version, next site.Version, ok bool) {
	loc := a.location()
	c := change{now: ed.F}
	if ed.F.Title == "" {
		ed.Errors["title"] = "Give it a title."
	}
	if c.now.Slug == "" {
		c.now.Slug = content.Slugify(ed.F.Title)
		ed.F.Slug = c.now.Slug
	}
	if c.now.Slug != "" && !content.ValidSlug(c.now.Slug) {
		ed.Errors["slug"] = "A slug is one word of letters, digits, hyphens (-), underscores (_) or dots, not starting with a dot."
	}
	if ed.F.Date == "" && ed.Kind == "post" {
		ed.F.Date = a.now().In(loc).Format(dateInput)
		c.now.Date = ed.F.Date
	}
	if ed.F.Date != "" {
		t, err := parseDateInput(ed.F.Date, loc)
		if err != nil {
			ed.Errors["date"] = "“" + ed.F.Date + "” is not a date and time; write it like 2026-03-01 14:30."
		}
		c.date = t
	}
	if len(ed.F.Body) > content.MaxSourceSize {
		ed.Errors["body"] = "The text is longer than grail accepts (" + sizeText(content.MaxSourceSize) + ")."
	}
	if len(ed.Errors) > 0 {
		return nil, next, false
	}
	key, prev, ok := a.composeTarget(ctx, ed, &c)
	if !ok {
		return nil, next, false
	}
	var orig []byte
	if prev != nil {
		orig = prev.Data
	}
	src, err := compose(orig, c)
	if err != nil {
		ed.Errors["body"] = "The file's front matter cannot be read (" + err.Error() + "); edit it as text from the history page."
		return nil, next, false
	}
	next, ok = a.checkDoc(ed, key, src)
	return prev, next, ok
}

// composeTarget picks the file to write and finds what it holds, so that
// only the changed fields are written into it. The version the editor
// was opened on is in the loader's memory (the editor read it through
// the loader) already parsed: then nothing is read or parsed here.
func (a *Admin) composeTarget(ctx context.Context, ed *editorData, c *change) (string, *site.Version, bool) {
	if ed.IsNew {
		key := a.store.PostKey(c.now.Slug)
		if ed.Kind == "page" {
			key = a.store.Layout().PageDir + c.now.Slug + ".md"
		}
		c.key = key
		return key, nil, true
	}
	kind, ok := a.store.KindOf(ed.Key)
	if !ok || kind.String() != ed.Kind {
		ed.Problem = "This form names a file that is not a " + ed.Kind + " of this site."
		ed.Errors["key"] = ed.Problem
		return "", nil, false
	}
	c.key = ed.Key
	v, err := a.loader.Version(ctx, ed.Key, ed.ETag)
	if errors.Is(err, store.ErrNotFound) {
		return ed.Key, nil, true // deleted since: the write will say so
	}
	if err != nil {
		ed.storeErr = err
		return "", nil, false
	}
	if v.Doc != nil {
		c.was = fieldsOf(v.Doc, a.location())
	}
	return ed.Key, &v, true
}

// checkDoc parses the file as the site will, and refuses one that would
// not be shown or would take another document's address.
func (a *Admin) checkDoc(ed *editorData, key string, src []byte) (site.Version, bool) {
	kind := content.KindPost
	if ed.Kind == "page" {
		kind = content.KindPage
	}
	v := a.loader.Parse(key, kind, src)
	if v.Doc == nil {
		ed.Errors["body"] = problemText(v.Problems)
		return v, false
	}
	self := key
	if ed.IsNew {
		self = ""
	}
	if other := a.addressTaken(v.Doc, self); other != nil {
		ed.Errors["slug"] = "The address " + a.site().URL(v.Doc) + " is taken by “" + other.Title + "”; choose another slug."
		return v, false
	}
	return v, true
}

// appendLink adds an uploaded file's Markdown at the end of the text.
func appendLink(body, link string) string {
	body = strings.TrimRight(body, "\n")
	if body != "" {
		body += "\n\n"
	}
	return body + link + "\n"
}

func (a *Admin) renderPreview(ctx context.Context, key, body string) template.HTML {
	var html []byte
	var err error
	if a.toHTML != nil {
		html, err = a.toHTML(ctx, key, body)
	} else {
		html, err = a.previewMarkdown().Render([]byte(body), content.RenderOptions{IDPrefix: "preview-"})
	}
	if err != nil {
		return template.HTML("<p>The preview could not be rendered.</p>")
	}
	// The site's own renderer, which drops raw HTML and unsafe links.
	return template.HTML(html)
}
