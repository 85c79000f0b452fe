package auth

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/transport"
)

// Session is a signed login: it works across restarts and servers,
// because all it needs is the site's session key. What can end it early
// (a logout, "log out everywhere", a password change) is kept with the
// account, which Users.Valid checks.
type Session struct {
	User string
	// ID names the session, so that logging out can end this one alone.
	ID   string
	CSRF string // token every state-changing request must carry
	// Expires is when the cookie stops being valid; Issued when it was
	// made (to the millisecond), which Users.Valid compares with the
	// last password change.
	Expires time.Time
	Issued  time.Time
}

const (
	cookieName = "session"
	// DefaultMaxAge is how long a session lasts unless Sessions.MaxAge
	// says otherwise.
	DefaultMaxAge = 14 * 24 * time.Hour
	// keyLabel makes the HMAC key from the site secret. Other uses of the
	// secret take other labels and so get unrelated keys; a new cookie
	// format takes a new label, which ends the old cookies.
	keyLabel = "grail session v1"
	// maxCookieLen refuses to decode anything bigger than a session
	// cookie can be.
	maxCookieLen = 1024
)

var errNotLoaded = errors.New("the session key is not loaded")

// Sessions issues and checks session cookies, signed with HMAC-SHA256
// under a key derived from the store's secret (_grail/secret). Deleting
// that secret and calling Reload on every server ends every session.
type Sessions struct {
	// MaxAge is how long a session lasts; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	st  *store.Store
	mu  sync.Mutex // one Load or Reload at a time
	key atomic.Pointer[sessionKey]
}

// sessionKey holds the HMAC keys of session and device cookies and the
// version of the secret they came from.
type sessionKey struct {
	mac    []byte
	device []byte
	etag   string
}

// payload is what a cookie carries, before its signature.
type payload struct {
	User    string `json:"u"`
	ID      string `json:"s"`
	CSRF    string `json:"c"`
	Expires int64  `json:"e"` // Unix milliseconds
	Issued  int64  `json:"i"` // Unix milliseconds
}

// NewSessions returns Sessions keyed by st's secret. Call Load before
// use.
func NewSessions(st *store.Store) *Sessions { return &Sessions{st: st} }

// Load reads the session key, creating it if the store has none. Call it
// once at start.
func (s *Sessions) Load(ctx context.Context) error { return s.refresh(ctx, true) }

// Reload picks up a rotated key. When nothing changed it costs one Stat
// of the secret; call it as often as the site is checked for changes.
// If the store cannot be reached the key in memory stays in use.
func (s *Sessions) Reload(ctx context.Context) error { return s.refresh(ctx, false) }

func (s *Sessions) refresh(ctx context.Context, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The version is taken before the secret is read: if the secret
	// changes in between, the version kept is older than the key, and the
	// next Reload reads again. The other order could keep an old key
	// under a new version for good.
	info, err := s.st.StatSecret(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		info.ETag = "" // rotated (or new): Secret makes a key
	case err != nil:
		return fmt.Errorf("check the session key: %w", err)
	}
	if cur := s.key.Load(); !force && cur != nil && info.ETag != "" && info.ETag == cur.etag {
		return nil
	}
	secret, err := s.st.Secret(ctx)
	if err != nil {
		return err
	}
	mac, err := hkdf.Key(sha256.New, secret, nil, keyLabel, sha256.Size)
	if err != nil {
		return fmt.Errorf("derive the session key: %w", err)
	}
	device, err := hkdf.Key(sha256.New, secret, nil, deviceLabel, sha256.Size)
	if err != nil {
		return fmt.Errorf("derive the device key: %w", err)
	}
	s.key.Store(&sessionKey{mac: mac, device: device, etag: info.ETag})
	return nil
}

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sessions) maxAge() time.Duration {
	if s.MaxAge > 0 {
		return s.MaxAge
	}
	return DefaultMaxAge
}

// Start logs user in: it sets the session cookie and returns the session.
func (s *Sessions) Start(w http.ResponseWriter, r *http.Request, user string) (Session, error) {
	k := s.key.Load()
	if k == nil {
		return Session{}, fmt.Errorf("start a session: %w", errNotLoaded)
	}
	if err := CheckName(user); err != nil {
		return Session{}, fmt.Errorf("start a session: %w", err)
	}
	now := s.now()
	p := payload{User: user, ID: newID(), CSRF: newToken(), Issued: now.UnixMilli(), Expires: now.Add(s.maxAge()).UnixMilli()}
	value, err := seal(k.mac, p)
	if err != nil {
		return Session{}, err
	}
	http.SetCookie(w, s.cookie(r, value, int(s.maxAge()/time.Second)))
	return p.session(), nil
}

// Get returns the session of a request that carries a valid, unexpired
// cookie signed with the current key.
func (s *Sessions) Get(r *http.Request) (Session, bool) {
	k := s.key.Load()
	if k == nil {
		return Session{}, false
	}
	// Another site on a parent domain can add a second "session" cookie;
	// the genuine one still counts.
	for _, c := range r.CookiesNamed(cookieName) {
		if sess, ok := s.check(k, c.Value); ok {
			return sess, true
		}
	}
	return Session{}, false
}

// End tells the browser to drop the session cookie. That alone does not
// end the session: Users.EndSession (or EndAllSessions) does, for every
// copy of the cookie.
func (s *Sessions) End(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, "", -1))
}

// ValidCSRF reports whether r carries the session's CSRF token, in the
// X-CSRF-Token header or the form field "csrf" of the request body (not
// the URL, where it would leak into logs and Referer headers).
func (sess Session) ValidCSRF(r *http.Request) bool {
	if sess.CSRF == "" {
		return false
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		token = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) == 1
}

func (s *Sessions) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     cookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		// Lax: the cookie comes along when the writer follows a link to
		// the site, but not on another site's form posts.
		SameSite: http.SameSiteLaxMode,
		// A trusted proxy's X-Forwarded-Proto counts: the transport put it
		// in r (see transport.Proxies).
		Secure: transport.IsHTTPS(r),
	}
}

// check verifies a session cookie's value.
func (s *Sessions) check(k *sessionKey, value string) (Session, bool) {
	var p payload
	if !unseal(k.mac, value, &p) || p.User == "" || p.ID == "" || p.CSRF == "" {
		return Session{}, false
	}
	if s.now().UnixMilli() >= p.Expires {
		return Session{}, false
	}
	return p.session(), true
}

func (p payload) session() Session {
	return Session{User: p.User, ID: p.ID, CSRF: p.CSRF, Expires: time.UnixMilli(p.Expires), Issued: time.UnixMilli(p.Issued)}
}

// seal encodes v as a signed cookie value: base64url(JSON) "."
// base64url(HMAC-SHA256 under key).
func seal(key []byte, v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return b64url.EncodeToString(data) + "." + b64url.EncodeToString(sign(key, data)), nil
}

// unseal checks a value made by seal under key and decodes it into v.
func unseal(key []byte, value string, v any) bool {
	if len(value) > maxCookieLen {
		return false
	}
	enc, sigEnc, ok := strings.Cut(value, ".")
	if !ok {
		return false
	}
	data, err1 := b64urlStrict.DecodeString(enc)
	sig, err2 := b64urlStrict.DecodeString(sigEnc)
	if err1 != nil || err2 != nil || !hmac.Equal(sig, sign(key, data)) {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

var (
	b64url = base64.RawURLEncoding
	// b64urlStrict refuses the other spellings of the same bytes, so a
	// cookie has exactly one valid form.
	b64urlStrict = b64url.Strict()
)

func sign(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string { return randomString(32) }

// newID returns 16 random bytes, base64url-encoded: enough that ids never
// repeat, short enough to keep a list of ended ones.
func newID() string { return randomString(16) }

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return b64url.EncodeToString(b)
}
