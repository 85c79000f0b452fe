// Package auth is the writer's side of grail's security: accounts with
// argon2id password hashes (kept in the store), signed session cookies
// with a CSRF token that logging out ends on every server, device cookies
// for browsers that have logged in before, and limits on login attempts
// shared through the store.
//
// A login handler counts the attempt first, then checks the password:
//
//	device := sessions.Device(r, name)      // "" for a browser new to name
//	attempt, wait, err := limiter.Reserve(ctx, ip, name, device)
//	if wait > 0 { … 429 with Retry-After … }
//	ok, err := users.Verify(ctx, name, password)
//	if !ok { … 401 (the attempt stays counted) … }
//	attempt.Succeeded(ctx)
//	sess, err := sessions.Start(w, r, name)
//	sessions.RememberDevice(w, r, name, device)
//
// every request to the writer's pages:
//
//	sess, ok := sessions.Get(r)             // signed, unexpired cookie
//	ok, err = users.Valid(ctx, sess)        // user still there, session not ended
//	if r.Method != "GET" && r.Method != "HEAD" && !sess.ValidCSRF(r) { … 403 … }
//
// and logging out:
//
//	users.EndSession(ctx, sess)             // or EndAllSessions(ctx, sess.User)
//	sessions.End(w, r)
package auth

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	ErrUserExists   = errors.New("user exists")
	ErrNoUser       = errors.New("no such user")
	ErrBadName      = errors.New("bad user name")
	ErrWeakPassword = errors.New("password too short")
	// ErrLongPassword is also an ErrWeakPassword, so that a caller that
	// checks only for that one still treats it as a bad password.
	ErrLongPassword error = longPasswordError{}
)

type longPasswordError struct{}

func (longPasswordError) Error() string        { return "password too long" }
func (longPasswordError) Is(target error) bool { return target == ErrWeakPassword }

const (
	maxNameLen = 64
	// minPasswordRunes follows NIST SP 800-63B's advice: length, not
	// character classes, is what makes a password hard to guess.
	minPasswordRunes = 10
	// maxPasswordBytes bounds the work an attacker can make a login do.
	maxPasswordBytes = 1024
)

// CheckName reports whether name can be a user name: 1–64 of a–z, 0–9,
// '.', '_' and '-', starting with a letter or digit. Lower case only, so
// that "Ada" and "ada" can never be two accounts.
func CheckName(name string) error {
	ok := name != "" && len(name) <= maxNameLen && isLowerAlnum(name[0])
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = isLowerAlnum(c) || c == '.' || c == '_' || c == '-'
	}
	if !ok {
		return fmt.Errorf("%w: %q (use 1–%d of a–z, 0–9, '.', '_' and '-', starting with a letter or digit)", ErrBadName, name, maxNameLen)
	}
	return nil
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// CheckPassword reports whether password is acceptable for a new or
// changed password: at least 10 characters and at most 1024 bytes.
func CheckPassword(password string) error {
	if len(password) > maxPasswordBytes {
		return fmt.Errorf("%w: use at most %d bytes", ErrLongPassword, maxPasswordBytes)
	}
	if utf8.RuneCountInString(normalize(password)) < minPasswordRunes {
		return fmt.Errorf("%w: use at least %d characters", ErrWeakPassword, minPasswordRunes)
	}
	return nil
}

// normalize puts a password in Unicode NFKC form (NIST SP 800-63B
// 5.1.1.2), so that "é" typed as one code point or as e plus an accent,
// on different keyboards, is the same password.
func normalize(password string) string {
	return norm.NFKC.String(password)
}
