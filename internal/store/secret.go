package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const secretKey = "_grail/secret"

// PrivatePaths are the keys and folders (ending in "/") that hold secrets:
// the session key and the accounts' password hashes. Anyone who reads
// them can sign sessions or guess passwords offline, so they must never
// be published, or committed with a site folder.
func PrivatePaths() []string { return []string{secretKey, usersDir} }

// Secret returns the site's session signing key, creating it on first
// use. The key is created with a create-only write, so servers starting at
// the same moment on an empty bucket all end up with the one that won.
// Deleting _grail/secret rotates it (and ends every session).
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	for range 3 {
		data, _, err := s.b.ReadAll(ctx, secretKey)
		if err == nil {
			return decodeSecret(data)
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("read the session key: %w", err)
		}
		var key [32]byte
		rand.Read(key[:])
		_, err = s.b.Write(ctx, secretKey, []byte(hex.EncodeToString(key[:])+"\n"), WriteOptions{ContentType: "text/plain", IfAbsent: true})
		if err == nil {
			return key[:], nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("create the session key: %w", err)
		}
		// Another server created it first: read theirs.
	}
	return nil, errors.New("the session key keeps changing; is something deleting _grail/secret?")
}

func decodeSecret(data []byte) ([]byte, error) {
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("%s is not a 64-digit hex key; delete it to make a new one", secretKey)
	}
	return key, nil
}
