package auth

import (
	"net/http"
	"time"

	"github.com/grailblog/grail/internal/transport"
)

// A device cookie marks a browser that has logged in as a user before.
// Its attempts at that name are counted apart from everyone else's (see
// Limiter), so that strangers failing at a name cannot keep its owner
// out of a browser they have used. It proves nothing else and opens no
// session.
const (
	deviceCookie = "device"
	// deviceLabel derives the device cookies' key from the site secret:
	// another key than the sessions', so that one kind of cookie can never
	// pass for the other.
	deviceLabel = "grail device v1"
	// DeviceMaxAge is how long a browser is remembered after its last
	// login.
	DeviceMaxAge = 365 * 24 * time.Hour
)

// devicePayload is what a device cookie carries, before its signature.
type devicePayload struct {
	User    string `json:"u"`
	ID      string `json:"d"`
	Expires int64  `json:"e"` // Unix milliseconds
}

// Device returns the id of r's device cookie if it is genuine, unexpired
// and was given for user; otherwise "".
func (s *Sessions) Device(r *http.Request, user string) string {
	k := s.key.Load()
	if k == nil {
		return ""
	}
	for _, c := range r.CookiesNamed(deviceCookie) {
		var p devicePayload
		if unseal(k.device, c.Value, &p) && p.ID != "" && p.User == user && s.now().UnixMilli() < p.Expires {
			return p.ID
		}
	}
	return ""
}

// RememberDevice sets the device cookie after user logged in, keeping
// id (the browser's cookie for user, from Device) or making a new one
// when id is "". A browser remembers one user: the last to log in.
func (s *Sessions) RememberDevice(w http.ResponseWriter, r *http.Request, user, id string) error {
	k := s.key.Load()
	if k == nil {
		return errNotLoaded
	}
	if id == "" {
		id = newID()
	}
	value, err := seal(k.device, devicePayload{User: user, ID: id, Expires: s.now().Add(DeviceMaxAge).UnixMilli()})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookie,
		Value:    value,
		Path:     "/admin",
		MaxAge:   int(DeviceMaxAge / time.Second),
		HttpOnly: true,
		// Strict: only the site's own login form ever needs it.
		SameSite: http.SameSiteStrictMode,
		Secure:   transport.IsHTTPS(r),
	})
	return nil
}
