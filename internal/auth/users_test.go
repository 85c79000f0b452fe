package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store"
)

// openStore opens a site at location (a fresh memory bucket by default).
func openStore(t *testing.T, location string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	users := NewUsers(openStore(t, "mem://"))
	if err := users.Add(ctx, "ada", "analytical engine"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"ada", "analytical engine", true},
		{"ada", "analytical engin", false},
		{"ada", "Analytical engine", false},
		{"ada", "", false},
		{"Ada", "analytical engine", false}, // names are lower case
		{"bob", "analytical engine", false},
		{"../ada", "analytical engine", false},
		{"ada", strings.Repeat("x", 5000), false},
	}
	for _, tt := range tests {
		ok, err := users.Verify(ctx, tt.name, tt.password)
		if ok != tt.want || err != nil {
			t.Errorf("Verify(%q, %.20q): %v, %v; want %v", tt.name, tt.password, ok, err, tt.want)
		}
	}
}

// TestVerifyUnknownUserHashes: for a name with no account, Verify still
// runs argon2, with the costs a real user's check has.
func TestVerifyUnknownUserHashes(t *testing.T) {
	var got []argonParams
	idKey = func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		got = append(got, argonParams{memory, time, threads, keyLen})
		return argon2.IDKey(password, salt, time, memory, threads, keyLen)
	}
	defer func() { idKey = argon2.IDKey }()

	ctx := context.Background()
	users := NewUsers(openStore(t, "mem://"))
	if err := users.Add(ctx, "ada", "analytical engine"); err != nil {
		t.Fatal(err)
	}
	got = nil
	users.Verify(ctx, "ada", "wrong password")
	if len(got) != 1 {
		t.Fatalf("checking a real user hashed %d times", len(got))
	}
	real := got[0]
	for _, name := range []string{"nobody", "Not A Name"} {
		got = nil
		if ok, err := users.Verify(ctx, name, "some password"); ok || err != nil {
			t.Fatalf("Verify(%q): %v, %v", name, ok, err)
		}
		if len(got) != 1 || got[0] != real {
			t.Errorf("Verify(%q) hashed with %+v, want once with %+v as for a real user", name, got, real)
		}
	}
}

func TestAddRefuses(t *testing.T) {
	ctx := context.Background()
	users := NewUsers(openStore(t, "mem://"))
	if err := users.Add(ctx, "ada", "first password"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, password string
		want           error
	}{
		{"ada", "second password", ErrUserExists},
		{"", "long enough pw", ErrBadName},
		{"Ada", "long enough pw", ErrBadName},
		{"-ada", "long enough pw", ErrBadName},
		{".ada", "long enough pw", ErrBadName},
		{"a/b", "long enough pw", ErrBadName},
		{"ada lovelace", "long enough pw", ErrBadName},
		{"adé", "long enough pw", ErrBadName},
		{strings.Repeat("a", 65), "long enough pw", ErrBadName},
		{"bob", "123456789", ErrWeakPassword},
		{"bob", "ééééééééé", ErrWeakPassword}, // 9 characters, 18 bytes
		{"bob", strings.Repeat("x", 1025), ErrWeakPassword},
		{"bob", strings.Repeat("x", 1025), ErrLongPassword},
	}
	for _, tt := range tests {
		if err := users.Add(ctx, tt.name, tt.password); !errors.Is(err, tt.want) {
			t.Errorf("Add(%q, %.20q): %v, want %v", tt.name, tt.password, err, tt.want)
		}
	}
	if ok, _ := users.Verify(ctx, "ada", "first password"); !ok {
		t.Error("a refused second Add changed the first user's password")
	}
	if names, _ := users.List(ctx); !slices.Equal(names, []string{"ada"}) {
		t.Errorf("after refused adds the users are %v", names)
	}
}

func TestAddAccepts(t *testing.T) {
	ctx := context.Background()
	users := NewUsers(openStore(t, "mem://"))
	tests := []struct{ name, password string }{
		{"a", "1234567890"},
		{"0day", "éééééééééé"}, // 10 characters
		{"ada.lovelace_1-x", "pass phrase with spaces"},
		{strings.Repeat("z", 64), strings.Repeat("y", 1024)},
	}
	for _, tt := range tests {
		if err := users.Add(ctx, tt.name, tt.password); err != nil {
			t.Errorf("Add(%q, %.20q): %v", tt.name, tt.password, err)
		} else if ok, err := users.Verify(ctx, tt.name, tt.password); !ok {
			t.Errorf("Verify(%q) after Add: %v, %v", tt.name, ok, err)
		}
	}
}

func TestSetPassword(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, "mem://")
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	users := NewUsers(st)
	users.Now = func() time.Time { return clock }
	if err := users.Add(ctx, "ada", "old password"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	if err := users.SetPassword(ctx, "ada", "new password"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := users.Verify(ctx, "ada", "old password"); ok {
		t.Error("the old password still works")
	}
	if ok, _ := users.Verify(ctx, "ada", "new password"); !ok {
		t.Error("the new password does not work")
	}
	data, _, err := st.ReadUser(ctx, "ada")
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	json.Unmarshal(data, &rec)
	want := map[string]any{"name": "ada", "created": "2025-01-02T03:04:05Z", "updated": "2025-01-02T04:04:05Z"}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("record %s = %v, want %v", k, rec[k], v)
		}
	}
	if h, _ := rec["hash"].(string); !strings.HasPrefix(h, "$argon2id$") || strings.Contains(string(data), "new password") {
		t.Errorf("record %s", data)
	}

	for _, tt := range []struct {
		name, password string
		want           error
	}{
		{"bob", "long enough pw", ErrNoUser},
		{"Bob", "long enough pw", ErrBadName},
		{"ada", "short", ErrWeakPassword},
	} {
		if err := users.SetPassword(ctx, tt.name, tt.password); !errors.Is(err, tt.want) {
			t.Errorf("SetPassword(%q, %q): %v, want %v", tt.name, tt.password, err, tt.want)
		}
	}
}

func TestListAndRemove(t *testing.T) {
	ctx := context.Background()
	users := NewUsers(openStore(t, "mem://"))
	if names, err := users.List(ctx); err != nil || len(names) != 0 {
		t.Fatalf("no users: %v, %v", names, err)
	}
	for _, name := range []string{"zoe", "ada", "bob"} {
		if err := users.Add(ctx, name, "password of "+name); err != nil {
			t.Fatal(err)
		}
	}
	if names, _ := users.List(ctx); !slices.Equal(names, []string{"ada", "bob", "zoe"}) {
		t.Errorf("List: %v", names)
	}
	if err := users.Remove(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := users.Remove(ctx, "bob"); !errors.Is(err, ErrNoUser) {
		t.Errorf("second Remove: %v, want ErrNoUser", err)
	}
	if err := users.Remove(ctx, "../zoe"); !errors.Is(err, ErrBadName) {
		t.Errorf("Remove of a bad name: %v, want ErrBadName", err)
	}
	if ok, _ := users.Verify(ctx, "bob", "password of bob"); ok {
		t.Error("a removed user can still log in")
	}
	if ok, _ := users.Exists(ctx, "bob"); ok {
		t.Error("a removed user exists")
	}
	if ok, err := users.Exists(ctx, "ada"); !ok || err != nil {
		t.Errorf("Exists(ada): %v, %v", ok, err)
	}
	if names, _ := users.List(ctx); !slices.Equal(names, []string{"ada", "zoe"}) {
		t.Errorf("List after Remove: %v", names)
	}
}

// TestValid: a session ends when its user is removed or changes password.
func TestValid(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, "mem://")
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	now := func() time.Time { return clock }
	users := NewUsers(st)
	users.Now = now
	sessions := loadSessions(t, st)
	sessions.Now = now
	users.Add(ctx, "ada", "old password")
	users.Add(ctx, "bob", "bobs password")

	clock = clock.Add(time.Minute)
	before, _ := start(t, sessions, "ada", false)
	bob, _ := start(t, sessions, "bob", false)
	clock = clock.Add(time.Minute)
	if err := users.SetPassword(ctx, "ada", "new password"); err != nil {
		t.Fatal(err)
	}
	after, _ := start(t, sessions, "ada", false) // same millisecond as the change

	tests := []struct {
		what string
		sess Session
		want bool
	}{
		{"issued before the password changed", before, false},
		{"issued as it changed", after, true},
		{"another user's", bob, true},
	}
	for _, tt := range tests {
		if ok, err := users.Valid(ctx, tt.sess); ok != tt.want || err != nil {
			t.Errorf("session %s: %v, %v; want %v", tt.what, ok, err, tt.want)
		}
	}
	users.Remove(ctx, "bob")
	if ok, err := users.Valid(ctx, bob); ok || err != nil {
		t.Errorf("session of a removed user: %v, %v", ok, err)
	}
}

// TestAddConcurrentlyOnS3: servers adding the same name at once on one
// bucket: exactly one wins, and its password is the one that works.
func TestAddConcurrentlyOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	const servers = 6
	errs := make([]error, servers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range servers {
		users := NewUsers(openStore(t, srv.BucketURL())) // a store each, as on separate servers
		wg.Go(func() {
			<-start
			errs[i] = users.Add(context.Background(), "ada", fmt.Sprintf("password number %d", i))
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("servers %d and %d both added ada", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, ErrUserExists):
			t.Fatalf("server %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no server added ada")
	}
	users := NewUsers(openStore(t, srv.BucketURL()))
	for i := range servers {
		ok, err := users.Verify(context.Background(), "ada", fmt.Sprintf("password number %d", i))
		if ok != (i == winner) || err != nil {
			t.Errorf("password %d: %v, %v (winner %d)", i, ok, err, winner)
		}
	}
}

// TestEndSession: logging out ends that session alone, on every server
// sharing the site.
func TestEndSession(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	one, two := NewUsers(openStore(t, dir)), NewUsers(openStore(t, dir))
	sessions := loadSessions(t, openStore(t, dir))
	if err := one.Add(ctx, "ada", "analytical engine"); err != nil {
		t.Fatal(err)
	}
	laptop, _ := start(t, sessions, "ada", false)
	phone, _ := start(t, sessions, "ada", false)
	if err := one.EndSession(ctx, laptop); err != nil {
		t.Fatal(err)
	}
	for _, users := range []*Users{one, two} {
		if ok, err := users.Valid(ctx, laptop); ok || err != nil {
			t.Errorf("the ended session: %v, %v", ok, err)
		}
		if ok, err := users.Valid(ctx, phone); !ok || err != nil {
			t.Errorf("another session of the user: %v, %v", ok, err)
		}
	}
	if ok, _ := one.Verify(ctx, "ada", "analytical engine"); !ok {
		t.Error("logging out changed the password")
	}
}

// TestEndAllSessions: logging out everywhere ends every session issued
// until then, on every server; later ones work.
func TestEndAllSessions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clock := newTestClock()
	one, two := NewUsers(openStore(t, dir)), NewUsers(openStore(t, dir))
	one.Now, two.Now = clock.now, clock.now
	sessions := loadSessions(t, openStore(t, dir))
	sessions.Now = clock.now
	one.Add(ctx, "ada", "analytical engine")
	one.Add(ctx, "bob", "difference engine")
	laptop, _ := start(t, sessions, "ada", false)
	clock.add(time.Hour)
	phone, _ := start(t, sessions, "ada", false)
	bob, _ := start(t, sessions, "bob", false)
	if err := two.EndAllSessions(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Second)
	fresh, _ := start(t, sessions, "ada", false)
	for _, users := range []*Users{one, two} {
		for _, tt := range []struct {
			what string
			sess Session
			want bool
		}{
			{"an old session", laptop, false},
			{"a session of the same millisecond", phone, false},
			{"a later session", fresh, true},
			{"another user's", bob, true},
		} {
			if ok, err := users.Valid(ctx, tt.sess); ok != tt.want || err != nil {
				t.Errorf("%s: %v, %v; want %v", tt.what, ok, err, tt.want)
			}
		}
	}
	if err := one.EndAllSessions(ctx, "nobody"); !errors.Is(err, ErrNoUser) {
		t.Errorf("for a user who does not exist: %v", err)
	}
}

// TestEndedSessionsAreBounded: the list of ended sessions forgets those
// that have expired anyway, and past its cap logging out ends them all
// rather than growing the record.
func TestEndedSessionsAreBounded(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, "mem://")
	clock := newTestClock()
	users := NewUsers(st)
	users.Now = clock.now
	sessions := loadSessions(t, st)
	sessions.Now = clock.now
	users.Add(ctx, "ada", "analytical engine")
	ended := func() int {
		t.Helper()
		rec, _, err := users.read(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		return len(rec.Ended)
	}
	for range 10 {
		sess, _ := start(t, sessions, "ada", false)
		users.EndSession(ctx, sess)
	}
	clock.add(DefaultMaxAge)
	sess, _ := start(t, sessions, "ada", false)
	users.EndSession(ctx, sess)
	if n := ended(); n != 1 {
		t.Errorf("%d ended sessions listed, want the one not yet expired", n)
	}
	clock.add(time.Second)
	var all []Session
	for range maxEnded + 1 {
		sess, _ := start(t, sessions, "ada", false)
		all = append(all, sess)
	}
	for _, sess := range all[:maxEnded] {
		if err := users.EndSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	if n := ended(); n > maxEnded {
		t.Errorf("%d ended sessions listed, cap %d", n, maxEnded)
	}
	if ok, _ := users.Valid(ctx, all[maxEnded]); ok {
		t.Error("past the cap, the user's other sessions went on")
	}
	for _, sess := range all {
		if ok, _ := users.Valid(ctx, sess); ok {
			t.Fatal("an ended session is valid again")
		}
	}
}
