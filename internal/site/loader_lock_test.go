package site

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// promptly runs f and fails the test if it has not returned in 5 s: it
// is waiting for something it must not wait for.
func promptly(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s is waiting on a call it must not wait for", what)
	}
}

func TestCurrentDoesNotWaitForOnChanged(t *testing.T) {
	l, fs, clk := loaded(t, map[string]string{
		"posts/a.md":     src("A", "2024-05-01"),
		"posts/later.md": src("Later", "2024-05-02", "publishDate: 2024-06-01T01:00:00Z"),
	})
	entered, release := make(chan []string), make(chan struct{})
	// A CDN invalidation that does not answer.
	l.OnChanged = func(_ context.Context, paths []string) {
		entered <- paths
		<-release
	}
	fs.put("posts/b.md", src("B", "2024-05-03"))
	done := make(chan error)
	go func() { done <- l.Changed(context.Background(), "posts/b.md") }()
	paths := <-entered
	if len(paths) == 0 || paths[0] != "/blog/b" {
		t.Errorf("OnChanged told %v", paths)
	}
	// The scheduled post comes due: Current rebuilds, which takes the lock.
	clk.add(2 * time.Hour)
	var s *Site
	promptly(t, "Current", func() { s = l.Current() })
	if s.ByPath("/blog/b") == nil || s.ByPath("/blog/later") == nil {
		t.Errorf("serving %v while OnChanged runs; want b and later", keys(s.Posts))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// stalledListing is a store whose listing hangs (a slow or unreachable
// bucket) once stall is set, after it has been taken.
type stalledListing struct {
	*fakeSource
	stall   atomic.Bool
	listed  chan struct{}
	release chan struct{}
}

func (s *stalledListing) Sources(ctx context.Context) ([]store.Source, error) {
	list, err := s.fakeSource.Sources(ctx)
	if s.stall.Load() {
		s.listed <- struct{}{}
		<-s.release
	}
	return list, err
}

func TestReloadInFlightHoldsUpNeitherReadersNorSaves(t *testing.T) {
	fs := newFakeSource(map[string]string{
		"posts/a.md":     src("A", "2024-05-01"),
		"posts/later.md": src("Later", "2024-05-02", "publishDate: 2024-06-01T01:00:00Z"),
	})
	st := &stalledListing{fakeSource: fs, listed: make(chan struct{}), release: make(chan struct{})}
	clk := newClock(at("2024-06-01T00:00:00Z"))
	l := NewLoader(st, nil, clk.now)
	ctx := context.Background()
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	fs.put("posts/new.md", src("New", "2024-05-04"))
	st.stall.Store(true)
	done := make(chan error)
	go func() {
		_, err := l.Reload(ctx)
		done <- err
	}()
	<-st.listed // the listing is taken, and the store hangs

	// This server saves a.md meanwhile: the listing above predates it.
	saved := l.Parse("posts/a.md", content.KindPost, []byte(src("A edited", "2024-05-01")))
	saved.ETag = "saved"
	promptly(t, "Saved", func() { l.Saved(ctx, saved) })
	clk.add(2 * time.Hour)
	var s *Site
	promptly(t, "Current", func() { s = l.Current() })
	if d := s.ByPath("/blog/a"); d == nil || d.Title != "A edited" || s.ByPath("/blog/later") == nil {
		t.Errorf("serving %v during the reload; want the save and the post come due", keys(s.Posts))
	}

	close(st.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s = l.Current()
	if d := s.ByPath("/blog/a"); d == nil || d.Title != "A edited" {
		t.Error("the reload, which listed the sources before the save, undid it")
	}
	if s.ByPath("/blog/new") == nil {
		t.Errorf("the reload's own change is missing: %v", keys(s.Posts))
	}
}

// TestSavedIsRenderedFromWhatWasHandedOver: the loader does not read a
// saved version back, to install it or to render it.
func TestSavedIsRenderedFromWhatWasHandedOver(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{"posts/a.md": src("A", "2024-05-01")})
	text := src("A edited", "2024-05-01")
	fs.put("posts/a.md", text) // what the store now holds
	saved := l.Parse("posts/a.md", content.KindPost, []byte(text))
	saved.ETag = fs.files["posts/a.md"].etag
	l.Saved(context.Background(), saved)
	d := l.Current().ByPath("/blog/a")
	if d == nil || d.Title != "A edited" {
		t.Fatalf("serving %+v", d)
	}
	body, err := l.Body(context.Background(), d)
	if err != nil || string(body) != "First paragraph of A edited.\n\nSecond paragraph.\n" {
		t.Errorf("body %q, %v", body, err)
	}
	if lead, _ := l.Lead(context.Background(), d); string(lead) != "First paragraph of A edited." {
		t.Errorf("lead %q", lead)
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("reads %v after the save; want none", reads)
	}
	// The next reload finds the version it was told about: nothing to do.
	if changed, err := l.Reload(context.Background()); changed || err != nil {
		t.Errorf("Reload after the save = %v, %v; want no change", changed, err)
	}
}
