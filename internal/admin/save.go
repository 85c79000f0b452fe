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
		ed.Preview, ed.HasPreview = a.renderPreview(ed.F.Body), true
		a.renderEditor(w, r, http.StatusOK, ed)
		return
	}
	a.writeDoc(w, r, sess, ed)
}

// writeDoc validates and writes the editor's document.
func (a *Admin) writeDoc(w http.ResponseWriter, r *http.Request, sess auth.Session, ed *editorData) {
	ctx := r.Context()
	key, src, ok := a.composeDoc(ctx, ed)
	if ed.storeErr != nil {
		a.saveFailed(w, r, ed, ed.storeErr)
		return
	}
	if !ok {
		a.renderEditor(w, r, http.StatusUnprocessableEntity, ed)
		return
	}
	var err error
	if ed.IsNew {
		_, err = a.store.Create(ctx, key, src)
		if errors.Is(err, store.ErrConflict) {
			ed.Errors["slug"] = "A file named " + key + " exists already; choose another slug."
			a.renderEditor(w, r, http.StatusUnprocessableEntity, ed)
			return
		}
	} else {
		_, err = a.store.Update(ctx, key, src, ed.ETag)
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
	a.changed(ctx, key)
	http.Redirect(w, r, "/admin/edit?saved=1&key="+url.QueryEscape(key), http.StatusSeeOther)
}

// saveFailed shows the editor again, text and all, when the store could
// not take the file: nothing the author typed may be lost to an outage.
func (a *Admin) saveFailed(w http.ResponseWriter, r *http.Request, ed *editorData, err error) {
	status := http.StatusServiceUnavailable
	ed.Problem = "Nothing was saved: the site's storage cannot be reached right now. Your text is still here; save again in a moment."
	if !errors.Is(err, store.ErrUnavailable) {
		a.log.Error("admin: save", "key", ed.Key, "err", err)
		status = http.StatusInternalServerError
		ed.Problem = "Nothing was saved: writing to the site's storage failed (the server's log says why). Your text is still here."
	}
	a.renderEditor(w, r, status, ed)
}

// composeDoc checks the editor's fields and builds the file to store,
// noting any problem next to its field. The file keeps its place and the
// front matter fields the editor does not show.
func (a *Admin) composeDoc(ctx context.Context, ed *editorData) (key string, src []byte, ok bool) {
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
		return "", nil, false
	}
	key, orig, ok := a.composeTarget(ctx, ed, &c)
	if !ok {
		return "", nil, false
	}
	src, err := compose(orig, c)
	if err != nil {
		ed.Errors["body"] = "The file's front matter cannot be read (" + err.Error() + "); edit it as text from the history page."
		return "", nil, false
	}
	return key, src, a.checkDoc(ed, key, src)
}

// composeTarget picks the file to write and reads what it holds now, so
// that only the changed fields are written into it.
func (a *Admin) composeTarget(ctx context.Context, ed *editorData, c *change) (string, []byte, bool) {
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
	orig, _, err := a.store.Read(ctx, ed.Key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		ed.storeErr = err
		return "", nil, false
	}
	if doc, _ := content.Parse(ed.Key, kind, orig, a.location()); doc != nil {
		c.was = fieldsOf(doc, a.location())
	}
	return ed.Key, orig, true
}

// checkDoc parses the file as the site will, and refuses one that would
// not be shown or would take another document's address.
func (a *Admin) checkDoc(ed *editorData, key string, src []byte) bool {
	kind := content.KindPost
	if ed.Kind == "page" {
		kind = content.KindPage
	}
	doc, problems := content.Parse(key, kind, src, a.location())
	if doc == nil {
		ed.Errors["body"] = problemText(problems)
		return false
	}
	self := key
	if ed.IsNew {
		self = ""
	}
	if other := a.addressTaken(doc, self); other != nil {
		ed.Errors["slug"] = "The address " + a.site().URL(doc) + " is taken by “" + other.Title + "”; choose another slug."
		return false
	}
	return true
}

// appendLink adds an uploaded file's Markdown at the end of the text.
func appendLink(body, link string) string {
	body = strings.TrimRight(body, "\n")
	if body != "" {
		body += "\n\n"
	}
	return body + link + "\n"
}

func (a *Admin) renderPreview(body string) template.HTML {
	html, err := a.md.Render([]byte(body), content.RenderOptions{IDPrefix: "preview-"})
	if err != nil {
		return template.HTML("<p>The preview could not be rendered.</p>")
	}
	// The site's own renderer, which drops raw HTML and unsafe links.
	return template.HTML(html)
}
