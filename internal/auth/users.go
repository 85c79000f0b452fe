package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/grailblog/grail/internal/store"
)

// Users are the accounts that may log in to write, kept in the store so
// that every server (and every Lambda instance) sees the same ones.
type Users struct {
	// Now is the clock for the times in records; nil means time.Now.
	Now func() time.Time
	st  *store.Store
}

// record is what the store keeps for a user.
type record struct {
	Name    string    `json:"name"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
	// Updated is when the password was last set. Sessions issued before
	// it are no longer valid (see Valid).
	Updated time.Time `json:"updated"`
	// LoggedOut is when the user last logged out everywhere: sessions
	// issued up to then are no longer valid.
	LoggedOut time.Time `json:"loggedOut,omitzero"`
	// Ended lists sessions ended one by one (logged out), by id, with
	// when each would have expired anyway (Unix ms); an entry is dropped
	// once that has passed.
	Ended map[string]int64 `json:"ended,omitempty"`
}

// maxEnded bounds the list of ended sessions kept in a record, which is
// read on every request to the writer's pages. Past it, logging out ends
// all of the user's sessions.
const maxEnded = 100

// NewUsers returns the accounts kept in st.
func NewUsers(st *store.Store) *Users { return &Users{st: st} }

func (u *Users) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

// Add creates an account. Of two servers adding the same name at once,
// one succeeds and the other gets ErrUserExists.
func (u *Users) Add(ctx context.Context, name, password string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	now := u.now().UTC()
	data, err := json.Marshal(record{Name: name, Hash: hash, Created: now, Updated: now})
	if err != nil {
		return err
	}
	_, err = u.st.CreateUser(ctx, name, data)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w: %s", ErrUserExists, name)
	}
	return err
}

// SetPassword changes name's password. It ends the user's other sessions
// for callers that check Valid; start a new one for the user who changed it.
func (u *Users) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	err = u.change(ctx, name, func(rec *record) { rec.Hash, rec.Updated = hash, u.now().UTC() })
	if err != nil {
		return fmt.Errorf("change the password of %s: %w", name, err)
	}
	return nil
}

// EndSession logs sess out on every server: its cookie, and every copy
// of it, is no longer Valid.
func (u *Users) EndSession(ctx context.Context, sess Session) error {
	err := u.change(ctx, sess.User, func(rec *record) {
		now := u.now().UnixMilli()
		for id, expires := range rec.Ended {
			if expires <= now {
				delete(rec.Ended, id)
			}
		}
		if len(rec.Ended) >= maxEnded {
			rec.LoggedOut, rec.Ended = u.now().UTC(), nil
			return
		}
		if rec.Ended == nil {
			rec.Ended = map[string]int64{}
		}
		rec.Ended[sess.ID] = sess.Expires.UnixMilli()
	})
	if errors.Is(err, ErrNoUser) {
		return nil // removed meanwhile: nothing left to end
	}
	return err
}

// EndAllSessions logs name out everywhere: every session issued until
// now, on any server, is no longer Valid.
func (u *Users) EndAllSessions(ctx context.Context, name string) error {
	return u.change(ctx, name, func(rec *record) { rec.LoggedOut, rec.Ended = u.now().UTC(), nil })
}

// change rewrites name's record with edit, by compare-and-swap, so that
// a change never writes back a record someone else has just changed or
// removed. Losing to another change means trying again on what it wrote.
func (u *Users) change(ctx context.Context, name string, edit func(*record)) error {
	for range 3 {
		rec, etag, err := u.read(ctx, name)
		if err != nil {
			return err
		}
		edit(&rec)
		data, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		_, err = u.st.UpdateUser(ctx, name, data, etag)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return store.ErrConflict
}

// Remove deletes an account.
func (u *Users) Remove(ctx context.Context, name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	err := u.st.DeleteUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	return err
}

// List returns the user names, sorted.
func (u *Users) List(ctx context.Context) ([]string, error) {
	return u.st.UserNames(ctx)
}

// Exists reports whether there is an account called name.
func (u *Users) Exists(ctx context.Context, name string) (bool, error) {
	_, _, err := u.read(ctx, name)
	if errors.Is(err, ErrNoUser) || errors.Is(err, ErrBadName) {
		return false, nil
	}
	return err == nil, err
}

// Verify reports whether password is name's. It takes the same time
// whether or not the user exists (it hashes against a dummy hash), so a
// login form does not tell which names are accounts, and compares in
// constant time.
func (u *Users) Verify(ctx context.Context, name, password string) (bool, error) {
	if len(password) > maxPasswordBytes {
		return false, nil // could never have been set; not worth hashing
	}
	rec, _, err := u.read(ctx, name)
	found := err == nil
	switch {
	case errors.Is(err, ErrNoUser), errors.Is(err, ErrBadName):
		rec.Hash = dummyHash()
	case err != nil:
		return false, err
	}
	ok, err := checkHash(ctx, rec.Hash, password)
	if err != nil {
		return false, fmt.Errorf("user %s: %w", name, err)
	}
	return ok && found, nil
}

// Valid reports whether sess's user still exists and sess has not been
// ended: by a password change since it was issued, by logging out
// everywhere, or by logging out of it. This is how those end sessions on
// every server at once: call it on every request to the writer's pages
// (it costs one small read).
func (u *Users) Valid(ctx context.Context, sess Session) (bool, error) {
	rec, _, err := u.read(ctx, sess.User)
	if errors.Is(err, ErrNoUser) || errors.Is(err, ErrBadName) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// Session times are kept to the millisecond. A session issued in the
	// millisecond of a password change is the changer's new one; one
	// issued in the millisecond of logging out everywhere is not.
	_, ended := rec.Ended[sess.ID]
	return !ended && !sess.Issued.Before(rec.Updated.Truncate(time.Millisecond)) &&
		sess.Issued.After(rec.LoggedOut.Truncate(time.Millisecond)), nil
}

// read returns name's record and its version.
func (u *Users) read(ctx context.Context, name string) (record, string, error) {
	if err := CheckName(name); err != nil {
		return record{}, "", err
	}
	data, info, err := u.st.ReadUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return record{}, "", fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	if err != nil {
		return record{}, "", err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return record{}, "", fmt.Errorf("user %s: damaged record: %v", name, err)
	}
	return rec, info.ETag, nil
}
