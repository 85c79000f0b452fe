package store

import (
	"context"
	"errors"
	"fmt"
)

// loginsDir holds the failed-login counts that every server shares, one
// small record per client address and per account (or device), named by
// package auth. The store only keeps the bytes; each record says itself
// when it stops meaning anything, and a lifecycle rule may delete the
// folder's objects a day after they were written.
const loginsDir = "_grail/logins/"

const loginType = "application/json"

// loginKey is where record id lives. Ids are made by package auth from
// hashes; only short names of a–z, 0–9 and '-' are accepted.
func loginKey(id string) (string, error) {
	ok := id != "" && len(id) <= 80
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
	}
	if !ok {
		return "", fmt.Errorf("login record %q: %w", id, ErrInvalidKey)
	}
	return loginsDir + id + ".json", nil
}

// ReadLoginRecord returns record id and its version (ErrNotFound if there
// is none).
func (s *Store) ReadLoginRecord(ctx context.Context, id string) ([]byte, ObjectInfo, error) {
	key, err := loginKey(id)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	return s.b.ReadAll(ctx, key)
}

// WriteLoginRecord replaces record id if it is still at version ifMatch,
// or creates it if ifMatch is "" and there is none; otherwise it fails
// with ErrConflict, so that two servers counting at once never lose a
// count.
func (s *Store) WriteLoginRecord(ctx context.Context, id string, data []byte, ifMatch string) (ObjectInfo, error) {
	key, err := loginKey(id)
	if err != nil {
		return ObjectInfo{}, err
	}
	info, err := s.b.Write(ctx, key, data, WriteOptions{ContentType: loginType, IfMatch: ifMatch, IfAbsent: ifMatch == ""})
	if errors.Is(err, ErrNotFound) { // S3 says so for If-Match on a missing key
		err = fmt.Errorf("login record %s: %w", id, ErrConflict)
	}
	return info, err
}
