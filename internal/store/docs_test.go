package store

import (
	"context"
	"errors"
	"testing"
)

// TestReplaceKeepsTheTextItWasGiven: a writer that holds the version it
// replaces hands it over; it becomes the revision, and the write is still
// refused over anyone else's newer version.
func TestReplaceKeepsTheTextItWasGiven(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		key := "posts/replace.md"
		first, err := s.Create(ctx, key, []byte("version 1"))
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Replace(ctx, key, []byte("version 1"), []byte("version 2"), first.ETag)
		if err != nil {
			t.Fatal(err)
		}
		text, info := mustRead(t, s, key)
		if text != "version 2" || info.ETag != second.ETag {
			t.Fatalf("read %q etag %s; want version 2 with the ETag Replace returned (%s)", text, info.ETag, second.ETag)
		}
		if revs := revisionTexts(t, s, key); len(revs) != 1 || !revs["version 1"] {
			t.Errorf("revisions %v, want version 1 alone", revs)
		}
		if _, err := s.Replace(ctx, key, []byte("version 1"), []byte("late edit"), first.ETag); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale replace: %v, want ErrConflict", err)
		}
		if text, _ := mustRead(t, s, key); text != "version 2" {
			t.Errorf("a stale replace overwrote the post: %q", text)
		}
		if !revisionTexts(t, s, key)["late edit"] {
			t.Error("the text of the refused replace was not kept")
		}
		if _, err := s.Replace(ctx, key, nil, []byte("x"), ""); err == nil {
			t.Error("a replace without the version it replaces was accepted")
		}
	})
}
