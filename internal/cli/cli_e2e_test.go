package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

// The sites these tests push check the bucket for changes this often
// (writeSite's grail.toml); a change must show within it plus a second.
const (
	refreshInterval = 500 * time.Millisecond
	visibleWithin   = refreshInterval + time.Second
)

var (
	binDir    string // made by TestMain, removed after the tests
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "grail-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// grailBinary builds cmd/grail once, for the tests that run it as a
// separate process as an operator would.
func grailBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		binPath = filepath.Join(binDir, "grail")
		out, err := exec.CommandContext(ctx, "go", "build", "-o", binPath, "github.com/grailblog/grail/cmd/grail").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// localAddr returns a 127.0.0.1 address with a port nobody listened on a
// moment ago.
func localAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// server is a "grail serve" child process.
type server struct {
	name   string
	url    string
	cmd    *exec.Cmd
	exited chan struct{}
	out    *lockedBuffer
}

func startServe(t *testing.T, name string, env []string, location string) *server {
	t.Helper()
	addr := localAddr(t)
	s := &server{name: name, url: "http://" + addr, exited: make(chan struct{}), out: &lockedBuffer{}}
	s.cmd = exec.Command(grailBinary(t), "serve", "--addr", addr, "--access-log=false", location)
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = childAttr()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("%s's output:\n%s", s.name, s.out.String())
		}
	})
	if !pollUntil(30*time.Second, 20*time.Millisecond, func() bool { return s.status("/healthz") == http.StatusNoContent || !s.alive() }) || !s.alive() {
		t.Fatalf("%s did not become healthy:\n%s", s.name, s.out.String())
	}
	return s
}

// stop ends the process by its PID: SIGTERM, then SIGKILL.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func (s *server) get(path string) (int, string) {
	resp, err := httpClient.Get(s.url + path)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (s *server) status(path string) int {
	code, _ := s.get(path)
	return code
}

// pollUntil polls cond every so often until it holds or timeout passes.
func pollUntil(timeout, every time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(every)
	}
	return true
}

// pushSite pushes writeSite's site into a fresh S3 server's bucket.
func pushSite(t *testing.T) *s3test.Server {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	dir := t.TempDir()
	writeSite(t, dir)
	mustGrail(t, "push", dir, srv.BucketURL())
	return srv
}

// editor writes to the bucket as the admin of another server would: the
// store, then the loader's Changed, which updates the shared index.
type editor struct {
	st     *store.Store
	loader *site.Loader
}

func newEditor(t *testing.T, location string) *editor {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &editor{st: st, loader: site.NewLoader(st, nil, nil)}
}

func (e *editor) create(t *testing.T, key, src string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.loader.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Create(ctx, key, []byte(src)); err != nil {
		t.Fatal(err)
	}
	if err := e.loader.Changed(ctx, key); err != nil {
		t.Fatal(err)
	}
}

// delays polls each server every 50 ms until path answers 200 with want
// in its body, and returns how long each took from start.
func delays(t *testing.T, start time.Time, path, want string, servers ...*server) []time.Duration {
	t.Helper()
	out := make([]time.Duration, len(servers))
	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Go(func() {
			ok := pollUntil(10*time.Second, 50*time.Millisecond, func() bool {
				code, body := s.get(path)
				return code == http.StatusOK && strings.Contains(body, want)
			})
			out[i] = time.Since(start)
			if !ok {
				t.Errorf("%s never served %s", s.name, path)
			}
		})
	}
	wg.Wait()
	return out
}

// TestServeStoreUnreachableAtStart: a server whose bucket cannot be
// reached exits at once with one line saying which bucket, where.
func TestServeStoreUnreachableAtStart(t *testing.T) {
	srv := s3test.Start(t)
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, grailBinary(t), "serve", "--addr", localAddr(t), srv.BucketURL())
	cmd.Env = append(os.Environ(), srv.Env()...)
	cmd.SysProcAttr = childAttr()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("grail serve: %v, want exit status 1\n%s", err, stderr.String())
	}
	msg := stderr.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, srv.Bucket) || !strings.Contains(msg, srv.Endpoint) {
		t.Errorf("grail serve printed %q; want one line naming %s at %s", msg, srv.Bucket, srv.Endpoint)
	}
	if took > 20*time.Second {
		t.Errorf("grail serve took %v to give up", took)
	}
	t.Logf("exit 1 after %v: %s", took.Round(time.Millisecond), strings.TrimSpace(msg))
}

// TestServeSurvivesStoreOutage stops the S3 server under a running grail:
// pages already rendered keep being served, writes fail cleanly, and once
// S3 is back a new post shows with no restart.
func TestServeSurvivesStoreOutage(t *testing.T) {
	srv := pushSite(t)
	location := srv.BucketURL()
	g := startServe(t, "grail", srv.Env(), location)
	warm := map[string]string{}
	for _, path := range []string{"/", "/blog/first-post", "/blog/second", "/about", "/tags"} {
		code, body := g.get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d before the outage", path, code)
		}
		warm[path] = body
	}
	ed := newEditor(t, location) // opened while S3 is up
	keysBefore := bucketKeys(t, srv)

	srv.Stop()
	// Serve through several refreshes, until grail has noticed the outage.
	outage := time.Now()
	noticed := func() bool { return strings.Contains(g.out.String(), "cannot check the store for changes") }
	for time.Since(outage) < 4*refreshInterval || !noticed() {
		if time.Since(outage) > 15*time.Second {
			t.Fatal("grail did not log that it could not reach the store")
		}
		for path, body := range warm {
			if code, got := g.get(path); code != http.StatusOK || got != body {
				t.Fatalf("GET %s during the outage: %d (body changed: %v)", path, code, got != body)
			}
		}
		if code := g.status("/healthz"); code != http.StatusNoContent {
			t.Fatalf("/healthz during the outage: %d", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !g.alive() {
		t.Fatalf("grail exited during the outage:\n%s", g.out.String())
	}
	writeDuringOutage(t, ed.st, location)

	srv.Restart(t)
	if got := bucketKeys(t, srv); !slices.Equal(got, keysBefore) {
		t.Errorf("writes during the outage left objects behind:\n got %q\nwant %q", got, keysBefore)
	}
	start := time.Now()
	ed.create(t, "posts/after-the-outage.md", post("After the outage"))
	d := delays(t, start, "/blog/after-the-outage", "After the outage", g)[0]
	t.Logf("the post written after S3 came back was served %v later (target %v)", d.Round(time.Millisecond), visibleWithin)
	// Each look at the store is bounded by the refresh interval, so one
	// begun during the outage cannot hold up the first look after it.
	if d > visibleWithin {
		t.Errorf("the new post took %v to show, want at most %v", d, visibleWithin)
	}
	if !g.alive() || g.status("/blog/first-post") != http.StatusOK {
		t.Error("grail is not serving after the outage")
	}
}

// writeDuringOutage: with the store down, opening it fails at once naming
// it, and writes through a store opened before report ErrUnavailable.
func writeDuringOutage(t *testing.T, st *store.Store, location string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := store.Open(ctx, location, nil); err == nil || !strings.Contains(err.Error(), "cannot reach the bucket") {
		t.Errorf("store.Open during the outage: %v", err)
	}
	t.Logf("store.Open gave up after %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	_, err := st.Create(ctx, "posts/during-the-outage.md", []byte(post("During the outage")))
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Create during the outage: %v, want ErrUnavailable", err)
	}
	_, err = st.Update(ctx, "posts/first-post.md", []byte(post("Edited in the dark")), "any-etag")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Update during the outage: %v, want ErrUnavailable", err)
	}
	t.Logf("the writes failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
}

// TestTwoServersOneBucket: what one server (here, grail new and an
// editor) writes to a bucket, the others serve within the refresh interval.
func TestTwoServersOneBucket(t *testing.T) {
	srv := pushSite(t)
	location := srv.BucketURL()
	a := startServe(t, "server A", srv.Env(), location)
	b := startServe(t, "server B", srv.Env(), location)

	cmd := exec.Command(grailBinary(t), "new", "--site", location, "Fresh News")
	cmd.Env = append(os.Environ(), srv.Env()...)
	cmd.SysProcAttr = childAttr()
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "posts/fresh-news.md" {
		t.Fatalf("grail new: %q, %v", out, err)
	}
	time.Sleep(visibleWithin)
	if code := b.status("/blog/fresh-news"); code != http.StatusNotFound {
		t.Errorf("server B serves the new draft: %d", code)
	}

	// Publish the draft, then a few more posts, and time each.
	ed := newEditor(t, location)
	var all []time.Duration
	for i := range 5 {
		// Write at a random moment of the servers' refresh cycle, so the
		// samples do not all fall at the same phase of it.
		time.Sleep(rand.N(refreshInterval))
		slug, title := "fresh-news", "Fresh News"
		start := time.Now()
		if i == 0 {
			publishDraft(t, ed, "posts/fresh-news.md")
		} else {
			slug, title = fmt.Sprintf("more-news-%d", i), fmt.Sprintf("More news %d", i)
			ed.create(t, "posts/"+slug+".md", post(title))
		}
		d := delays(t, start, "/blog/"+slug, title, a, b)
		t.Logf("%s: served by A after %v, by B after %v", slug, d[0].Round(time.Millisecond), d[1].Round(time.Millisecond))
		all = append(all, d...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	t.Logf("delay from write to served, %d samples: min %v, median %v, max %v", len(all),
		all[0].Round(time.Millisecond), all[len(all)/2].Round(time.Millisecond), all[len(all)-1].Round(time.Millisecond))
	if worst := all[len(all)-1]; worst > visibleWithin {
		t.Errorf("a change took %v to show on another server, want at most %v", worst, visibleWithin)
	}
}

func publishDraft(t *testing.T, ed *editor, key string) {
	t.Helper()
	ctx := context.Background()
	if _, err := ed.loader.Start(ctx); err != nil {
		t.Fatal(err)
	}
	src, info, err := ed.st.Read(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	published := strings.Replace(string(src), "draft: true", "draft: false", 1)
	if published == string(src) {
		t.Fatalf("%s is not a draft:\n%s", key, src)
	}
	if _, err := ed.st.Update(ctx, key, []byte(published), info.ETag); err != nil {
		t.Fatal(err)
	}
	if err := ed.loader.Changed(ctx, key); err != nil {
		t.Fatal(err)
	}
}
