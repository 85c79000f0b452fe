package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashRoundTrip(t *testing.T) {
	withProductionParams(t)
	ctx := context.Background()
	hash, err := hashPassword(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=32768,t=2,p=2$"; !strings.HasPrefix(hash, want) {
		t.Errorf("hash %q does not start with %q", hash, want)
	}
	if strings.Contains(hash, "horse") {
		t.Error("the hash contains the password")
	}
	tests := []struct {
		password string
		want     bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
	}
	for _, tt := range tests {
		if ok, err := checkHash(ctx, hash, tt.password); ok != tt.want || err != nil {
			t.Errorf("check %q: %v, %v; want %v", tt.password, ok, err, tt.want)
		}
	}
	again, _ := hashPassword(ctx, "correct horse battery")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

// TestNormalizedPasswords: a password typed on a keyboard that composes
// accents and on one that does not is the same password.
func TestNormalizedPasswords(t *testing.T) {
	ctx := context.Background()
	composed, decomposed := "mot de passe caf\u00e9", "mot de passe cafe\u0301"
	hash, err := hashPassword(ctx, composed)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := checkHash(ctx, hash, decomposed); !ok {
		t.Error("the decomposed spelling does not match")
	}
}

// TestCheckReadsParameters: a hash made with other costs (older, or
// raised later) still verifies.
func TestCheckReadsParameters(t *testing.T) {
	p := argonParams{memory: 64, time: 1, threads: 1, keyLen: 16}
	salt := []byte("0123456789abcdef")
	hash := encodeHash(p, salt, argon2.IDKey([]byte("old password 1"), salt, 1, 64, 1, 16))
	if !strings.Contains(hash, "$m=64,t=1,p=1$") {
		t.Fatalf("encoded as %q", hash)
	}
	ok, err := checkHash(context.Background(), hash, "old password 1")
	if !ok || err != nil {
		t.Errorf("check: %v, %v", ok, err)
	}
}

func TestDecodeHashRefuses(t *testing.T) {
	good := encodeHash(defaultParams, []byte("0123456789abcdef"), make([]byte, 32))
	if _, _, _, err := decodeHash(good); err != nil {
		t.Fatalf("a good hash: %v", err)
	}
	salt, key := "MDEyMzQ1Njc4OWFiY2RlZg", strings.Repeat("A", 43)
	tests := []string{
		"",
		"plain text",
		"$argon2i$v=19$m=32768,t=2,p=2$" + salt + "$" + key,
		"$argon2id$v=16$m=32768,t=2,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=33554432,t=2,p=2$" + salt + "$" + key, // 32 GiB
		"$argon2id$v=19$m=32768,t=0,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=32768,t=100000,p=2$" + salt + "$" + key,
		"$argon2id$v=19$m=32768,t=2,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=32768,t=2,p=2x$" + salt + "$" + key,
		"$argon2id$v=19$m=32768,t=2,p=2$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=32768,t=2,p=2$***$" + key,
		"$argon2id$v=19$m=32768,t=2,p=2$AAAA$" + key, // 3-byte salt
		"$argon2id$v=19$m=32768,t=2,p=2$" + salt + "$AAAA",
	}
	for _, hash := range tests {
		if _, _, _, err := decodeHash(hash); !errors.Is(err, errBadHash) {
			t.Errorf("decode %q: %v, want errBadHash", hash, err)
		}
	}
}

// TestDummyHash: the hash checked for unknown users costs what a real one
// does and matches nothing.
func TestDummyHash(t *testing.T) {
	withProductionParams(t)
	p, _, _, err := decodeHash(dummyHash())
	if err != nil || p != productionParams {
		t.Fatalf("dummy hash parameters %+v, %v; want %+v", p, err, productionParams)
	}
	if ok, _ := checkHash(context.Background(), dummyHash(), "password123"); ok {
		t.Error("the dummy hash matches a password")
	}
}

func TestCheckHashGivesUpWithContext(t *testing.T) {
	// Fill every slot, as a burst of logins would, then ask with a
	// context that ends.
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	defer func() {
		for range cap(hashSlots) {
			<-hashSlots
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := hashPassword(ctx, "long enough password"); !errors.Is(err, context.Canceled) {
		t.Errorf("hash while busy with a done context: %v", err)
	}
}
