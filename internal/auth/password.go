package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argonParams are argon2id's cost settings. They are written into every
// hash, and verifying reads them back from it, so raising them later
// affects new and changed passwords without locking anyone out.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
	keyLen  uint32
}

// defaultParams: 32 MiB, 2 passes, 2 lanes. That is above OWASP's
// minimum for argon2id (19 MiB, 2 passes, 1 lane) and still fits a
// 256 MB Lambda, which handles one request at a time: one hash's 32 MiB
// beside the page cache (64 MiB at most by default) and the site leaves
// room to spare. It takes about 50 ms of one server core (46 ms measured
// on an AMD EPYC); a 256 MB Lambda gets a fraction of a core, so a login
// there takes a few hundred milliseconds — fine for someone logging in,
// slow for someone trying millions of guesses on a stolen record.
var defaultParams = argonParams{memory: 32 << 10, time: 2, threads: 2, keyLen: 32}

const saltLen = 16

// hashSlots bounds how many hashes run at once, so that a burst of logins
// cannot take more than 4 × 32 MiB of memory on a shared server.
var hashSlots = make(chan struct{}, 4)

// dummyHash has the cost of a real hash and matches no password. Verify
// checks against it when the user does not exist, so that the answer
// takes as long as for a real user. Its key is all zeros, which no
// password hashes to in practice; it need not be the hash of anything.
func dummyHash() string {
	return encodeHash(defaultParams, make([]byte, saltLen), make([]byte, defaultParams.keyLen))
}

// hashPassword returns password's argon2id hash in the usual encoding,
// $argon2id$v=19$m=32768,t=2,p=2$salt$key (unpadded standard base64).
func hashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key, err := argonKey(ctx, password, salt, defaultParams)
	if err != nil {
		return "", err
	}
	return encodeHash(defaultParams, salt, key), nil
}

// checkHash reports whether password matches an encoded hash, comparing
// in constant time.
func checkHash(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got, err := argonKey(ctx, password, salt, p)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// argonKey runs argon2id when a slot is free (or gives up with ctx).
func argonKey(ctx context.Context, password string, salt []byte, p argonParams) ([]byte, error) {
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-hashSlots }()
	return idKey([]byte(normalize(password)), salt, p.time, p.memory, p.threads, p.keyLen), nil
}

// idKey is argon2.IDKey; tests watch it to see which hash was checked.
var idKey = argon2.IDKey

var b64 = base64.RawStdEncoding

func encodeHash(p argonParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("not an argon2id hash grail can check")

// decodeHash parses an encoded hash. The limits keep a damaged or
// doctored record from making a login take gigabytes or minutes.
func decodeHash(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	_, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads)
	if err != nil || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.time, threads) {
		return p, nil, nil, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	ok := err1 == nil && err2 == nil &&
		p.memory >= 8*threads && p.memory <= 1<<20 && // 1 GiB
		p.time >= 1 && p.time <= 64 && threads >= 1 && threads <= 64 &&
		len(salt) >= 8 && len(salt) <= 64 && len(key) >= 16 && len(key) <= 64
	if !ok {
		return p, nil, nil, errBadHash
	}
	p.threads, p.keyLen = uint8(threads), uint32(len(key))
	return p, salt, key, nil
}
