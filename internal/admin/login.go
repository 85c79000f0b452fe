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
	switch r.URL.Query().Get("out") {
	case "":
	case "all":
		d.Notice = "You are logged out everywhere: every session of your account has ended."
	default:
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
	// The attempt is counted before the password is checked, so that
	// attempts sent together cannot all slip under the limit.
	device := a.sessions.Device(r, name)
	attempt, wait, err := a.limiter.Reserve(r.Context(), auth.ClientIP(r), name, device)
	if err != nil {
		a.log.Error("admin: count a login attempt", "err", err)
		a.fail(w, r, http.StatusServiceUnavailable, "Accounts cannot be checked right now. Try again in a moment.")
		return
	}
	if wait > 0 {
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
		d.Problem = badLogin
		a.render(w, r, http.StatusUnauthorized, "login", d)
		return
	}
	if err := attempt.Succeeded(r.Context()); err != nil {
		// The login stands; the worst is that its attempt stays counted.
		a.log.Error("admin: clear failed logins", "user", name, "err", err)
	}
	if err := a.startSession(w, r, name, device); err != nil {
		a.log.Error("admin: start session", "err", err)
		a.fail(w, r, http.StatusServiceUnavailable, "You could not be logged in right now. Try again in a moment.")
		return
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// startSession logs name in and marks the browser as one name has logged
// in from.
func (a *Admin) startSession(w http.ResponseWriter, r *http.Request, name, device string) error {
	if _, err := a.sessions.Start(w, r, name); err != nil {
		return err
	}
	return a.sessions.RememberDevice(w, r, name, device)
}

// logout ends this session on every server, not only in this browser.
func (a *Admin) logout(w http.ResponseWriter, r *http.Request, sess auth.Session, _ *form) {
	a.endSessions(w, r, "/admin/login?out=1", a.users.EndSession(r.Context(), sess))
}

// logoutEverywhere ends every session of the user, on every server.
func (a *Admin) logoutEverywhere(w http.ResponseWriter, r *http.Request, sess auth.Session, _ *form) {
	a.endSessions(w, r, "/admin/login?out=all", a.users.EndAllSessions(r.Context(), sess.User))
}

func (a *Admin) endSessions(w http.ResponseWriter, r *http.Request, next string, err error) {
	if err != nil {
		a.log.Error("admin: end sessions", "err", err)
		a.fail(w, r, http.StatusServiceUnavailable, "You could not be logged out right now (your session goes on). Try again in a moment.")
		return
	}
	a.sessions.End(w, r)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
