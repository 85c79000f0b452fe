package site

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/store"
)

// fakeSource is a site in memory that counts what the loader reads.
type fakeSource struct {
	mu      sync.Mutex
	cfg     string // grail.toml
	files   map[string]fakeFile
	version int
	reads   map[string]int
	failing map[string]error // Read fails for these keys
	listErr error
	// readETag, when set, is how Read spells an ETag, which some stores
	// do differently from their listings.
	readETag func(string) string
}

type fakeFile struct {
	src  string
	etag string
}

func newFakeSource(files map[string]string) *fakeSource {
	f := &fakeSource{files: map[string]fakeFile{}, reads: map[string]int{}, failing: map[string]error{}}
	for k, v := range files {
		f.put(k, v)
	}
	return f
}

// put writes a file; every write gets a new ETag.
func (f *fakeSource) put(key, src string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.version++
	f.files[key] = fakeFile{src: src, etag: fmt.Sprintf("v%d", f.version)}
}

func (f *fakeSource) remove(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.files, key)
}

func (f *fakeSource) setConfig(toml string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = toml
}

func (f *fakeSource) fail(key string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		delete(f.failing, key)
	} else {
		f.failing[key] = err
	}
}

// readCounts returns and resets how often each key was read.
func (f *fakeSource) readCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reads
	f.reads = map[string]int{}
	return r
}

func (f *fakeSource) Config(context.Context) (config.Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return config.Parse([]byte(f.cfg))
}

func (f *fakeSource) Sources(context.Context) ([]store.Source, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []store.Source
	for key, file := range f.files {
		kind := content.KindPost
		if strings.HasPrefix(key, "pages/") {
			kind = content.KindPage
		}
		out = append(out, store.Source{ObjectInfo: store.ObjectInfo{Key: key, ETag: file.etag, Size: int64(len(file.src))}, Kind: kind})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (f *fakeSource) Read(_ context.Context, key string) ([]byte, store.ObjectInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads[key]++
	if err := f.failing[key]; err != nil {
		return nil, store.ObjectInfo{}, err
	}
	file, ok := f.files[key]
	if !ok {
		return nil, store.ObjectInfo{}, fmt.Errorf("read %s: %w", key, store.ErrNotFound)
	}
	etag := file.etag
	if f.readETag != nil {
		etag = f.readETag(etag)
	}
	return []byte(file.src), store.ObjectInfo{Key: key, ETag: etag, Size: int64(len(file.src))}, nil
}

// clock is a settable clock, safe to read from many goroutines.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

func src(title, date string, more ...string) string {
	return "---\n" + strings.Join(append([]string{"title: " + title, "date: " + date}, more...), "\n") +
		"\n---\nFirst paragraph of " + title + ".\n\nSecond paragraph.\n"
}

// loaded makes a loader for files and loads them.
func loaded(t *testing.T, files map[string]string) (*Loader, *fakeSource, *clock) {
	t.Helper()
	fs := newFakeSource(files)
	clk := newClock(at("2024-06-01T00:00:00Z"))
	l := NewLoader(fs, nil, clk.now)
	changed, err := l.Reload(context.Background())
	if err != nil || !changed {
		t.Fatalf("first Reload = %v, %v", changed, err)
	}
	fs.readCounts()
	return l, fs, clk
}

func TestLoaderInitialLoad(t *testing.T) {
	fs := newFakeSource(map[string]string{
		"posts/a.md":      src("A", "2024-01-01"),
		"posts/b.md":      src("B", "2024-02-01"),
		"posts/broken.md": src("Broken", "someday"),
		"pages/about.md":  "---\ntitle: About\n---\nAbout me.\n",
	})
	l := NewLoader(fs, nil, newClock(at("2024-06-01T00:00:00Z")).now)
	if l.Current() != nil {
		t.Fatal("a site before the first load")
	}
	changed, err := l.Reload(context.Background())
	if err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	s := l.Current()
	if got := keys(s.Posts); strings.Join(got, " ") != "posts/b.md posts/a.md" {
		t.Errorf("posts = %v", got)
	}
	if s.ByPath("/about") == nil || s.Generation == 0 || s.Generation != l.Generation() {
		t.Errorf("about page %v, generation %d / %d", s.ByPath("/about"), s.Generation, l.Generation())
	}
	checkProblems(t, s.Problems, []problem{{"posts/broken.md", "date", true, `"someday" is not a date`}})
	for key, n := range fs.readCounts() {
		if n != 1 {
			t.Errorf("%s read %d times, want once", key, n)
		}
	}
	for _, d := range s.Docs {
		if d.Body != nil {
			t.Errorf("%s: body kept in memory", d.Key)
		}
		if d.ETag == "" {
			t.Errorf("%s: no ETag", d.Key)
		}
	}
	if lead := string(s.ByPath("/blog/a").Lead); lead != "First paragraph of A." {
		t.Errorf("lead = %q", lead)
	}
}

func TestLoaderIncremental(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{
		"posts/a.md": src("A", "2024-01-01"),
		"posts/b.md": src("B", "2024-02-01"),
		"posts/c.md": src("C", "2024-03-01"),
	})
	ctx := context.Background()
	first := l.Current()

	fs.put("posts/a.md", src("A, edited", "2024-01-01"))
	fs.put("posts/d.md", src("D", "2024-04-01"))
	fs.remove("posts/c.md")
	changed, err := l.Reload(ctx)
	if err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if reads := fs.readCounts(); len(reads) != 2 || reads["posts/a.md"] != 1 || reads["posts/d.md"] != 1 {
		t.Errorf("reads = %v, want only the edited and the new file", reads)
	}
	s := l.Current()
	if s.ByPath("/blog/a").Title != "A, edited" || s.ByPath("/blog/c") != nil || s.ByPath("/blog/d") == nil {
		t.Errorf("posts after the changes: %v", keys(s.Posts))
	}
	if s.Generation <= first.Generation || first.ByPath("/blog/c") == nil {
		t.Error("the old snapshot changed, or the new one has an old generation")
	}

	changed, err = l.Reload(ctx)
	if err != nil || changed {
		t.Errorf("Reload with nothing new = %v, %v", changed, err)
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("reads = %v, want none", reads)
	}
	if l.Current() != s {
		t.Error("a new snapshot although nothing changed")
	}
}

func TestLoaderRemoveLast(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{"posts/a.md": src("A", "2024-01-01")})
	fs.remove("posts/a.md")
	if changed, err := l.Reload(context.Background()); err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if s := l.Current(); len(s.Posts) != 0 || len(s.Docs) != 0 {
		t.Errorf("posts = %v", keys(s.Posts))
	}
}

// TestLoaderTimeZoneChange: dates without an offset mean something else
// in another zone, so every file is read again; other settings need no
// reading at all.
func TestLoaderTimeZoneChange(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{
		"posts/a.md": src("A", "2024-01-15T12:00:00"),
		"posts/b.md": src("B", "2024-01-20T12:00:00+05:00"),
	})
	ctx := context.Background()
	if got := l.Current().ByPath("/blog/a").Date; !got.Equal(at("2024-01-15T12:00:00Z")) {
		t.Fatalf("date in UTC = %v", got)
	}

	fs.setConfig(`timeZone = "Europe/Berlin"`)
	if changed, err := l.Reload(ctx); err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if reads := fs.readCounts(); reads["posts/a.md"] != 1 || reads["posts/b.md"] != 1 {
		t.Errorf("reads = %v, want every file again", reads)
	}
	s := l.Current()
	if got := s.ByPath("/blog/a").Date; !got.Equal(at("2024-01-15T11:00:00Z")) {
		t.Errorf("date in Berlin = %v, want 11:00 UTC", got)
	}
	if got := s.ByPath("/blog/b").Date; !got.Equal(at("2024-01-20T07:00:00Z")) {
		t.Errorf("a date with an offset moved: %v", got)
	}
	if s.Config.Location.String() != "Europe/Berlin" {
		t.Errorf("site zone = %s", s.Config.Location)
	}

	fs.setConfig("timeZone = \"Europe/Berlin\"\ntitle = \"Renamed\"")
	if changed, err := l.Reload(ctx); err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("a new title made the loader read %v", reads)
	}
	if l.Current().Config.Title != "Renamed" {
		t.Error("new title not in the snapshot")
	}
}

// TestLoaderScheduledPost: a post appears when its time comes, with no
// Reload and without reading any file.
func TestLoaderScheduledPost(t *testing.T) {
	l, fs, clk := loaded(t, map[string]string{
		"posts/now.md":   src("Now", "2024-05-01"),
		"posts/later.md": src("Later", "2024-05-02", "publishDate: 2024-06-01T09:30:00+02:00"),
	})
	due := at("2024-06-01T07:30:00Z")
	s := l.Current()
	if s.ByPath("/blog/later") != nil || !s.NextChange.Equal(due) {
		t.Fatalf("scheduled post visible early, or NextChange %v", s.NextChange)
	}
	clk.set(due.Add(-time.Second))
	if l.Current() != s {
		t.Error("rebuilt before the post was due")
	}
	clk.set(due)
	next := l.Current()
	if next.ByPath("/blog/later") == nil || next.Generation <= s.Generation || !next.NextChange.IsZero() {
		t.Errorf("at %v: posts %v, generation %d", due, keys(next.Posts), next.Generation)
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("reads = %v, want none", reads)
	}
	if l.Current() != next {
		t.Error("rebuilt again with nothing new due")
	}
}

func TestLoaderBodyIsLazy(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{
		"posts/a.md":    src("A", "2024-01-01"),
		"posts/code.md": "---\ntitle: Code\ndate: 2024-01-01\n---\n```go\nx := 1\n```\n",
	})
	ctx := context.Background()
	d := l.Current().ByPath("/blog/a")
	body, err := l.Body(ctx, d)
	if err != nil || string(body) != "First paragraph of A.\n\nSecond paragraph.\n" {
		t.Fatalf("Body = %q, %v", body, err)
	}
	if reads := fs.readCounts(); reads["posts/a.md"] != 1 {
		t.Errorf("reads = %v, want the body read once", reads)
	}
	inMemory := &content.Doc{Key: "posts/x.md", Body: []byte("kept")}
	if body, _ := l.Body(ctx, inMemory); string(body) != "kept" {
		t.Errorf("a body in memory was not used: %q", body)
	}
	for _, path := range []string{"/blog/a", "/blog/code"} {
		if _, err := l.Lead(ctx, l.Current().ByPath(path)); err != nil {
			t.Fatal(err)
		}
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("leads known at load were read again: %v", reads)
	}

	// A body read once is kept in memory: it is not read again, even if
	// the file went away (the next reload drops the post).
	fs.remove("posts/a.md")
	if body, err := l.Body(ctx, d); err != nil || !strings.Contains(string(body), "First paragraph") {
		t.Errorf("Body from memory: %q, %v", body, err)
	}
	fs.remove("posts/code.md")
	if _, err := l.Body(ctx, l.Current().ByPath("/blog/code")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Body of a deleted file never read: %v, want ErrNotFound", err)
	}
}

// TestLoaderReadErrors: a file that cannot be read is reported and tried
// again at the next Reload; the rest of the site loads.
func TestLoaderReadErrors(t *testing.T) {
	fs := newFakeSource(map[string]string{"posts/a.md": src("A", "2024-01-01"), "posts/b.md": src("B", "2024-01-02")})
	fs.fail("posts/b.md", store.ErrUnavailable)
	l := NewLoader(fs, nil, newClock(at("2024-06-01T00:00:00Z")).now)
	ctx := context.Background()
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s := l.Current()
	if s.ByPath("/blog/a") == nil || s.ByPath("/blog/b") != nil {
		t.Errorf("posts = %v", keys(s.Posts))
	}
	checkProblems(t, s.Problems, []problem{{"posts/b.md", "", true, "cannot be read"}})

	fs.fail("posts/b.md", nil)
	fs.readCounts()
	if changed, err := l.Reload(ctx); err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if reads := fs.readCounts(); reads["posts/b.md"] != 1 || reads["posts/a.md"] != 0 {
		t.Errorf("reads = %v", reads)
	}
	if s := l.Current(); s.ByPath("/blog/b") == nil || len(s.Problems) != 0 {
		t.Errorf("after recovery: posts %v problems %v", keys(s.Posts), s.Problems)
	}

	fs.listErr = errors.New("bucket gone")
	before := l.Current()
	if _, err := l.Reload(ctx); err == nil {
		t.Error("Reload hid a listing error")
	}
	if l.Current() != before {
		t.Error("a failed Reload replaced the site")
	}
}

// TestLoaderSettingsAfterFailure: new settings met by a failed listing
// must still be applied by the next Reload, though no file changed.
func TestLoaderSettingsAfterFailure(t *testing.T) {
	l, fs, _ := loaded(t, map[string]string{"posts/a.md": src("A", "2024-01-01")})
	ctx := context.Background()
	fs.setConfig(`title = "New name"`)
	fs.listErr = errors.New("timeout")
	if _, err := l.Reload(ctx); err == nil {
		t.Fatal("no error")
	}
	fs.listErr = nil
	if changed, err := l.Reload(ctx); err != nil || !changed {
		t.Fatalf("Reload = %v, %v", changed, err)
	}
	if got := l.Current().Config.Title; got != "New name" {
		t.Errorf("title = %q", got)
	}
}

// TestLoaderETagSpelling: a store whose reads spell ETags differently
// from its listings (quoted, say) must not make every Reload read every
// file again.
func TestLoaderETagSpelling(t *testing.T) {
	fs := newFakeSource(map[string]string{"posts/a.md": src("A", "2024-01-01")})
	fs.readETag = func(e string) string { return `"` + e + `"` }
	l := NewLoader(fs, nil, nil)
	ctx := context.Background()
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	fs.readCounts()
	if changed, err := l.Reload(ctx); err != nil || changed {
		t.Errorf("Reload = %v, %v; want nothing changed", changed, err)
	}
	if reads := fs.readCounts(); len(reads) != 0 {
		t.Errorf("reads = %v, want none", reads)
	}
}

// TestLoaderConcurrentReaders: requests call Current, Body and Lead while
// the site reloads and scheduled posts come due. Run with -race.
func TestLoaderConcurrentReaders(t *testing.T) {
	files := map[string]string{}
	for i := range 20 {
		files[fmt.Sprintf("posts/p%02d.md", i)] = src(fmt.Sprintf("P%d", i), fmt.Sprintf("2024-01-%02d", i+1))
	}
	files["posts/soon.md"] = src("Soon", "2024-06-01T00:00:05Z")
	l, fs, clk := loaded(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var served atomic.Int64
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				s := l.Current()
				for _, p := range s.Posts[:3] {
					if _, err := l.Body(ctx, p); err != nil && !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
						t.Error(err)
						return
					}
					if _, err := l.Lead(ctx, p); err != nil && !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
						t.Error(err)
						return
					}
				}
				served.Add(1)
			}
		})
	}
	for i := range 30 {
		fs.put(fmt.Sprintf("posts/p%02d.md", i%20), src(fmt.Sprintf("P%d v%d", i%20, i), fmt.Sprintf("2024-01-%02d", i%20+1)))
		if i == 15 {
			fs.setConfig(`timeZone = "Asia/Tokyo"`)
		}
		clk.add(time.Second)
		if _, err := l.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for served.Load() < 100 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if s := l.Current(); s.ByPath("/blog/soon") == nil || len(s.Posts) != 21 {
		t.Errorf("final site: %v", keys(s.Posts))
	}
}

// TestBodyFromMemoryWhileStoreDown: a page rendered once can be rendered
// again from memory, and while the store cannot be reached an older
// version in memory is shown rather than nothing.
func TestBodyFromMemoryWhileStoreDown(t *testing.T) {
	ctx := context.Background()
	src := newFakeSource(map[string]string{"posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nBody of A.\n"})
	l := NewLoader(src, nil, nil)
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	body, err := l.Body(ctx, l.Current().ByPath("/blog/a"))
	if err != nil || !strings.Contains(string(body), "Body of A.") {
		t.Fatalf("%q, %v", body, err)
	}
	reads := src.reads["posts/a.md"]
	if _, err := l.Body(ctx, l.Current().ByPath("/blog/a")); err != nil || src.reads["posts/a.md"] != reads {
		t.Errorf("a second render read the store again (%d more reads, %v)", src.reads["posts/a.md"]-reads, err)
	}

	src.put("posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nBody of A, edited.\n")
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	src.failing["posts/a.md"] = fmt.Errorf("connection refused: %w", store.ErrUnavailable)
	body, err = l.Body(ctx, l.Current().ByPath("/blog/a"))
	if err != nil || !strings.Contains(string(body), "Body of A.") {
		t.Errorf("store down: %q, %v; want the version in memory", body, err)
	}
	l.sources = newSourceCache(32 << 20)
	if _, err := l.Body(ctx, l.Current().ByPath("/blog/a")); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("nothing in memory and the store down: %v, want ErrUnavailable", err)
	}
}
