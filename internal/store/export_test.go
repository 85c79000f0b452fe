package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSiteFilesLeaveGrailStateOut(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, k := range []string{"posts/b.md", "posts/a.md"} {
			if _, err := s.Create(ctx, k, []byte("---\ntitle: x\n---\n")); err != nil {
				t.Fatal(err)
			}
		}
		media, err := s.PutMedia(ctx, "x.png", []byte("png"), "image/png", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Secret(ctx); err != nil { // _grail/secret
			t.Fatal(err)
		}
		files, skipped, err := s.SiteFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, f := range files {
			keys = append(keys, f.Key)
		}
		if !slices.Equal(keys, []string{"media/" + strings.TrimPrefix(media, "/media/"), "posts/a.md", "posts/b.md"}) || skipped == 0 {
			t.Errorf("SiteFiles = %q, %d skipped", keys, skipped)
		}
		for _, p := range PrivatePaths() {
			if _, err := s.OpenSiteFile(ctx, p); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("OpenSiteFile(%s): %v, want ErrInvalidKey", p, err)
			}
		}
	})
}
