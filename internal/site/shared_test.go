package site

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store"
)

// twoServers opens one bucket twice, as two servers sharing a site would.
func twoServers(t *testing.T) (a, b *Loader, st *store.Store) {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	open := func() (*Loader, *store.Store) {
		s, err := store.Open(ctx, srv.BucketURL(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return NewLoader(s, nil, nil), s
	}
	a, st = open()
	if _, err := st.Create(ctx, "posts/first.md", []byte("---\ntitle: First\ndate: 2024-01-01\n---\nHello.\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	b, _ = open()
	fromIndex, err := b.Start(ctx)
	if err != nil || !fromIndex {
		t.Fatalf("second server did not start from the index: %v, %v", fromIndex, err)
	}
	return a, b, st
}

func newPost(slug string) []byte {
	return []byte(fmt.Sprintf("---\ntitle: %s\ndate: 2024-02-01\n---\nText of %s.\n", slug, slug))
}

func TestChangeSeenByOtherServer(t *testing.T) {
	a, b, st := twoServers(t)
	ctx := context.Background()
	if _, err := st.Create(ctx, "posts/second.md", newPost("second")); err != nil {
		t.Fatal(err)
	}
	if err := a.Changed(ctx, "posts/second.md"); err != nil {
		t.Fatal(err)
	}
	if a.Current().ByPath("/blog/second") == nil {
		t.Fatal("the writing server does not show its own change at once")
	}
	if b.Current().ByPath("/blog/second") != nil {
		t.Fatal("the other server changed without a refresh")
	}
	changed, err := b.Refresh(ctx)
	if err != nil || !changed {
		t.Fatalf("refresh: %v, %v", changed, err)
	}
	if b.Current().ByPath("/blog/second") == nil {
		t.Fatal("the other server does not show the change after a refresh")
	}
	if changed, _ := b.Refresh(ctx); changed {
		t.Error("a second refresh with nothing new reported a change")
	}
}

// TestConcurrentChangesBothKept: two servers publish at the same moment;
// the index ends up with both posts, whichever wrote it last.
func TestConcurrentChangesBothKept(t *testing.T) {
	a, b, st := twoServers(t)
	ctx := context.Background()
	for round := range 3 {
		slugs := []string{fmt.Sprintf("from-a-%d", round), fmt.Sprintf("from-b-%d", round)}
		var wg sync.WaitGroup
		for i, l := range []*Loader{a, b} {
			wg.Go(func() {
				key := "posts/" + slugs[i] + ".md"
				if _, err := st.Create(ctx, key, newPost(slugs[i])); err != nil {
					t.Error(err)
					return
				}
				if err := l.Changed(ctx, key); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		fresh := NewLoader(st, nil, nil)
		if _, err := fresh.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for _, slug := range slugs {
			if fresh.Current().ByPath("/blog/"+slug) == nil {
				t.Errorf("round %d: %s is missing from the index", round, slug)
			}
		}
	}
}

func TestCorruptIndexRebuilt(t *testing.T) {
	_, b, st := twoServers(t)
	ctx := context.Background()
	info, err := st.StatIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WriteIndex(ctx, []byte("not gzip at all"), info.ETag); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if b.Current().ByPath("/blog/first") == nil {
		t.Fatal("a corrupt index emptied the site")
	}
	fresh := NewLoader(st, nil, nil)
	fromIndex, err := fresh.Start(ctx)
	if err != nil || !fromIndex {
		t.Fatalf("the index was not rebuilt: %v %v", fromIndex, err)
	}
	_ = time.Second
}
