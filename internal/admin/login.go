package admin

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/grailblog/grail/internal/auth"
)

type loginData struct {
	chrome
	Name string
	Next string
}

// One message for every failure, so that the page never tells whether a
// name exists.
const badLogin = "That name and password do not match an account."

func (a *Admin) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := a.session(r); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	d := loginData{chrome: chrome{Title: "Log in", SiteTitle: a.site().Config.Title}, Next: next}
	if r.URL.Query().Has("out") {
		d.Notice = "You are logged out."
	}
	a.render(w, r, http.StatusOK, "login", d)
}

func (a *Admin) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		a.fail(w, r, http.StatusForbidden, "This request came from another site, so it was refused.")
		return
	}
	f, err := a.parseForm(w, r, smallLimit, false)
	if err != nil {
		a.fail(w, r, http.StatusRequestEntityTooLarge, "What you sent is larger than grail accepts.")
		return
	}
	name, password := strings.TrimSpace(f.Get("name")), f.Get("password")
	d := loginData{chrome: chrome{Title: "Log in", SiteTitle: a.site().Config.Title}, Name: name, Next: safeNext(f.Get("next"))}
	ip := auth.ClientIP(r)
	if wait := a.limiter.Check(ip, name); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		d.Problem = "Too many failed attempts. Wait " + plural(secs, "second") + " and try again."
		a.render(w, r, http.StatusTooManyRequests, "login", d)
		return
	}
	ok, err := a.users.Verify(r.Context(), name, password)
	if err != nil {
		a.log.Error("admin: verify password", "err", err)
		a.fail(w, r, http.StatusServiceUnavailable, "Accounts cannot be checked right now. Try again in a moment.")
		return
	}
	if !ok {
		a.limiter.Fail(ip, name)
		d.Problem = badLogin
		a.render(w, r, http.StatusUnauthorized, "login", d)
		return
	}
	a.limiter.Succeed(ip, name)
	if _, err := a.sessions.Start(w, r, name); err != nil {
		a.log.Error("admin: start session", "err", err)
		a.fail(w, r, http.StatusServiceUnavailable, "You could not be logged in right now. Try again in a moment.")
		return
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (a *Admin) logout(w http.ResponseWriter, r *http.Request, _ auth.Session, _ *form) {
	a.sessions.End(w, r)
	http.Redirect(w, r, "/admin/login?out=1", http.StatusSeeOther)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
