package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// usersDir holds one record per account, <name>.json. The store only
// keeps the bytes; package auth decides what a record means and which
// names are allowed.
const usersDir = "_grail/users/"

const userType = "application/json"

// userKey is where name's record lives. A name must be one clean path
// segment, so that no name can reach another part of the store.
func userKey(name string) (string, error) {
	if name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("user %q: %w", name, ErrInvalidKey)
	}
	key := usersDir + name + ".json"
	if err := checkKey(key); err != nil {
		return "", err
	}
	return key, nil
}

// ReadUser returns name's record and its version (ErrNotFound if there
// is no such user).
func (s *Store) ReadUser(ctx context.Context, name string) ([]byte, ObjectInfo, error) {
	key, err := userKey(name)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	return s.b.ReadAll(ctx, key)
}

// CreateUser stores a new user's record. Of two servers creating the
// same name at once exactly one succeeds; the other gets ErrConflict.
func (s *Store) CreateUser(ctx context.Context, name string, data []byte) (ObjectInfo, error) {
	key, err := userKey(name)
	if err != nil {
		return ObjectInfo{}, err
	}
	return s.b.Write(ctx, key, data, WriteOptions{ContentType: userType, IfAbsent: true})
}

// UpdateUser replaces name's record if it is still at version ifMatch,
// else fails with ErrConflict (also when the user has been removed).
func (s *Store) UpdateUser(ctx context.Context, name string, data []byte, ifMatch string) (ObjectInfo, error) {
	key, err := userKey(name)
	if err != nil {
		return ObjectInfo{}, err
	}
	if ifMatch == "" {
		return ObjectInfo{}, fmt.Errorf("update user %s: the version being replaced must be given", name)
	}
	return s.b.Write(ctx, key, data, WriteOptions{ContentType: userType, IfMatch: ifMatch})
}

// DeleteUser removes name's record, or fails with ErrNotFound if there
// is none.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	key, err := userKey(name)
	if err != nil {
		return err
	}
	// Backends delete missing objects without complaint; look first so
	// that removing a user who is not there can be reported as such.
	if _, err := s.b.Stat(ctx, key); err != nil {
		return err
	}
	return s.b.Delete(ctx, key)
}

// UserNames lists every user, sorted.
func (s *Store) UserNames(ctx context.Context) ([]string, error) {
	var names []string
	err := s.b.List(ctx, usersDir, func(o ObjectInfo) error {
		name, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, usersDir), ".json")
		if ok && name != "" && !strings.Contains(name, "/") {
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// StatSecret returns the version of the session key (ErrNotFound if there
// is none yet), so that servers can notice a rotation without reading it.
func (s *Store) StatSecret(ctx context.Context) (ObjectInfo, error) {
	return s.b.Stat(ctx, secretKey)
}
