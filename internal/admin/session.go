package admin

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/store"
)

// How much of a request body each kind of POST may send. Text forms carry
// a whole source file (content.MaxSourceSize) and its fields; upload forms
// a file as well, last, so that the text comes through even when the file
// is too big.
type formKind int

const (
	smallForm formKind = iota
	textForm
	uploadForm
)

const (
	smallLimit = 64 << 10
	textLimit  = 4 << 20
)

func (a *Admin) limit(k formKind) int64 {
	switch k {
	case textForm:
		return textLimit
	case uploadForm:
		return textLimit + a.maxFile + 64<<10
	}
	return smallLimit
}

// form is a parsed POST body: its fields and at most one uploaded file.
type form struct {
	url.Values
	file *upload
}

// upload is a file the author sent. Data is nil when it was too big.
type upload struct {
	name   string
	data   []byte
	tooBig bool
}

// errBodyTooBig: the request body went past its kind's limit.
var errBodyTooBig = errors.New("the request is too large")

type getHandler func(w http.ResponseWriter, r *http.Request, sess auth.Session)
type postHandler func(w http.ResponseWriter, r *http.Request, sess auth.Session, f *form)

// get serves a page to a logged-in author, and sends anyone else to the
// login page, which brings them back here afterwards.
func (a *Admin) get(h getHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok := a.session(r)
		if !ok {
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, sess)
	}
}

// post runs a state-changing request: it must come from this site, from a
// logged-in author, with the session's CSRF token. When the session or the
// token is not right, nothing is changed, and the author's text is shown
// back so that it is not lost.
func (a *Admin) post(kind formKind, h postHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			a.refuse(w, r, nil, "This request came from another site, so it was refused.")
			return
		}
		sess, ok := a.session(r)
		if !ok {
			// Read the text (never the file) only to give it back.
			f, _ := a.parseForm(w, r, min(a.limit(kind), textLimit), false)
			a.refuse(w, r, f, "Your session has ended, so nothing was saved. Log in again in another tab, then come back here and send the form again.")
			return
		}
		f, err := a.parseForm(w, r, a.limit(kind), kind == uploadForm)
		if err != nil {
			a.fail(w, r, http.StatusRequestEntityTooLarge, "What you sent is larger than grail accepts.")
			return
		}
		// auth reads the token from the form or the X-CSRF-Token header;
		// the form has been read already, so hand it over as parsed.
		r.Form, r.PostForm = f.Values, f.Values
		if !sess.ValidCSRF(r) {
			a.refuse(w, r, f, "This form's security token did not match your session (it may be from an earlier login), so nothing was saved. Reload the editor and send it again.")
			return
		}
		h(w, r, sess, f)
	}
}

// session is the request's login: a valid cookie of a user who still
// exists, for a session not ended since (by logging out of it, logging
// out everywhere or changing the password).
func (a *Admin) session(r *http.Request) (auth.Session, bool) {
	sess, ok := a.sessions.Get(r)
	if !ok {
		return sess, false
	}
	valid, err := a.users.Valid(r.Context(), sess)
	if errors.Is(err, store.ErrUnavailable) {
		// The cookie is genuine but the account cannot be looked at. Let
		// the request through: whatever it does needs the store too and
		// will say that it is unreachable, with the author's text kept,
		// where refusing the session would send them to log in again.
		return sess, true
	}
	if err != nil {
		a.log.Error("admin: check the session's user", "user", sess.User, "err", err)
	}
	return sess, valid && err == nil
}

// sameOrigin refuses a POST that a browser says came from another site.
// The CSRF token is the real check; this one also covers the login form,
// which has no session yet. r.Host is the host the reader asked for: a
// trusted proxy's X-Forwarded-Host was applied to it on the way in, and
// nobody else's (see transport.Proxies).
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// parseForm reads a urlencoded or multipart body within limit bytes. The
// first file part is kept when keepFile is set, up to the upload limit;
// a bigger one is marked tooBig and the rest of the form still comes
// through if it fits.
func (a *Admin) parseForm(w http.ResponseWriter, r *http.Request, limit int64, keepFile bool) (*form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	f := &form{Values: url.Values{}}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ctype {
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return f, errBodyTooBig
		}
		vals, err := url.ParseQuery(string(data))
		if err != nil {
			return f, err
		}
		f.Values = vals
	case "multipart/form-data":
		return f, a.readMultipart(r, f, keepFile)
	}
	return f, nil
}

func (a *Admin) readMultipart(r *http.Request, f *form, keepFile bool) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if f.file != nil && f.file.tooBig {
				return nil // the file took the rest of the allowance
			}
			return errBodyTooBig
		}
		if part.FileName() != "" {
			if keepFile && f.file == nil {
				f.file = a.readFile(part)
			}
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return errBodyTooBig
		}
		f.Add(part.FormName(), string(data))
	}
}

// readFile reads one uploaded file, but no more than the upload limit.
func (a *Admin) readFile(part *multipart.Part) *upload {
	u := &upload{name: part.FileName()}
	data, err := io.ReadAll(io.LimitReader(part, a.maxFile+1))
	if err != nil || int64(len(data)) > a.maxFile {
		u.tooBig = true
		return u
	}
	u.data = data
	return u
}

// safeNext is where to go after logging in: a path inside /admin, or
// /admin itself. Anything else (another host, //host, a backslash) could
// send the author to someone else's site.
func safeNext(next string) string {
	const home = "/admin"
	if next == "" || strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	clean := path.Clean(u.Path)
	if (clean != home && !strings.HasPrefix(clean, home+"/")) || clean == "/admin/login" {
		return home
	}
	u.Path, u.RawPath, u.Fragment = clean, "", ""
	return u.String()
}
