package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

func TestUserRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, _, err := s.ReadUser(ctx, "ada"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("read before create: %v, want ErrNotFound", err)
		}
		first, err := s.CreateUser(ctx, "ada", []byte(`{"v":1}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, "ada", []byte(`{"v":"other"}`)); !errors.Is(err, ErrConflict) {
			t.Fatalf("second create: %v, want ErrConflict", err)
		}
		data, info, err := s.ReadUser(ctx, "ada")
		if err != nil || string(data) != `{"v":1}` || info.ETag != first.ETag {
			t.Fatalf("read %q %s, %v; want the first record at %s", data, info.ETag, err, first.ETag)
		}
		second, err := s.UpdateUser(ctx, "ada", []byte(`{"v":2}`), first.ETag)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, "ada", []byte(`{"v":"stale"}`), first.ETag); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		if data, _, _ := s.ReadUser(ctx, "ada"); string(data) != `{"v":2}` {
			t.Errorf("after a stale update the record is %q", data)
		}
		if err := s.DeleteUser(ctx, "ada"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, "ada"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
		if _, err := s.UpdateUser(ctx, "ada", []byte(`{"v":3}`), second.ETag); !errors.Is(err, ErrConflict) {
			t.Errorf("update of a deleted user: %v, want ErrConflict", err)
		}
		if _, _, err := s.ReadUser(ctx, "ada"); !errors.Is(err, ErrNotFound) {
			t.Errorf("read after delete: %v, want ErrNotFound", err)
		}
	})
}

func TestUserNames(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if names, err := s.UserNames(ctx); err != nil || len(names) != 0 {
			t.Fatalf("no users yet: %v, %v", names, err)
		}
		for _, name := range []string{"zoe", "ada", "bob.smith"} {
			if _, err := s.CreateUser(ctx, name, []byte("{}")); err != nil {
				t.Fatal(err)
			}
		}
		// Stray files in the folder are not users.
		s.b.Write(ctx, usersDir+"notes.txt", []byte("x"), WriteOptions{})
		s.b.Write(ctx, usersDir+"old/eve.json", []byte("{}"), WriteOptions{})
		names, err := s.UserNames(ctx)
		if want := []string{"ada", "bob.smith", "zoe"}; err != nil || !slices.Equal(names, want) {
			t.Errorf("names %v, %v; want %v", names, err, want)
		}
	})
}

func TestUserNamesCannotEscape(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, name := range []string{"", "a/b", "../secret", "..", ".hidden", `a\b`, "a\x00b"} {
			if _, err := s.CreateUser(ctx, name, []byte("{}")); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("create %q: %v, want ErrInvalidKey", name, err)
			}
			if _, _, err := s.ReadUser(ctx, name); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("read %q: %v, want ErrInvalidKey", name, err)
			}
			if _, err := s.UpdateUser(ctx, name, []byte("{}"), "x"); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("update %q: %v, want ErrInvalidKey", name, err)
			}
			if err := s.DeleteUser(ctx, name); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("delete %q: %v, want ErrInvalidKey", name, err)
			}
		}
	})
}

func TestCreateUserConcurrently(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		const writers = 12
		errs := make([]error, writers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range writers {
			wg.Go(func() {
				<-start
				_, errs[i] = s.CreateUser(context.Background(), "ada", []byte{'0' + byte(i%10)})
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, ErrConflict):
				t.Fatal(err)
			}
		}
		if wins != 1 {
			t.Errorf("%d creates of one user succeeded, want exactly 1", wins)
		}
	})
}

func TestStatSecret(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.StatSecret(ctx); !errors.Is(err, ErrNotFound) {
			t.Fatalf("before the key exists: %v, want ErrNotFound", err)
		}
		if _, err := s.Secret(ctx); err != nil {
			t.Fatal(err)
		}
		first, err := s.StatSecret(ctx)
		if err != nil || first.ETag == "" {
			t.Fatalf("after Secret: %+v, %v", first, err)
		}
		if again, _ := s.StatSecret(ctx); again.ETag != first.ETag {
			t.Error("the version changed though the key did not")
		}
		s.b.Delete(ctx, secretKey)
		if _, err := s.Secret(ctx); err != nil {
			t.Fatal(err)
		}
		if rotated, _ := s.StatSecret(ctx); rotated.ETag == first.ETag {
			t.Error("a new key has the old key's version")
		}
	})
}
