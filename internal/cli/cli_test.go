package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/testsite"
)

// run calls Main as the command line would, returning the exit status and
// what was printed.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"serve", "a", "b"}, 2, "one SITE"},
		{[]string{"new"}, 2, "title"},
		{[]string{"check", "--bogus"}, 2, "Usage: grail check"},
		{[]string{"serve", "--demo", "somewhere"}, 2, "not both"},
		{[]string{"serve", "--addr", "no-port"}, 2, "--addr no-port: "},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("grail %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "grail ") {
		t.Errorf("version: %d %q", code, out)
	}
	code, out, _ = run(t, "help")
	if code != 0 || !strings.Contains(out, "serve") || !strings.Contains(out, "check") {
		t.Errorf("help: %d %q", code, out)
	}
	code, _, errOut := run(t, "help", "serve")
	if code != 0 || !strings.Contains(errOut, "-addr") {
		t.Errorf("help serve: %d %q", code, errOut)
	}
}

func TestNewWritesADatedDraft(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{"grail.toml": "timeZone = \"America/New_York\"\n"})
	code, out, stderr := run(t, "new", "--site", dir, "Hello, World: a test")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.TrimSpace(out) != "posts/hello-world-a-test.md" {
		t.Fatalf("printed %q", out)
	}
	src, err := os.ReadFile(filepath.Join(dir, "posts", "hello-world-a-test.md"))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	_, offset := time.Now().In(ny).Zone()
	wantOffset := fmt.Sprintf("%+03d:00", offset/3600)
	if !strings.Contains(string(src), `title: 'Hello, World: a test'`) && !strings.Contains(string(src), `title: "Hello, World: a test"`) {
		t.Errorf("title not quoted safely:\n%s", src)
	}
	if !strings.Contains(string(src), wantOffset) || !strings.Contains(string(src), "draft: true") {
		t.Errorf("want a draft dated in New York (%s):\n%s", wantOffset, src)
	}
	if code, _, stderr := run(t, "new", "--site", dir, "Hello, World: a test"); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("second new: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, "check", dir); code != 0 {
		t.Errorf("check after new: %d %s", code, stderr)
	}
}

// TestCheckListsShortcodeProblems checks that grail check names the file
// and line of an unknown shortcode, a failing template and a template
// that does not parse.
func TestCheckListsShortcodeProblems(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"posts/sc.md":                   "---\ntitle: SC\ndate: 2024-01-01\n---\nText.\n\n{{< nosuch >}}\n{{< fails >}}\n{{< ref \"gone.md\" >}}\n{{< figure src=\"ok.jpg\" >}}\n",
		"layouts/shortcodes/fails.html": "{{ errorf \"always\" }}",
		"layouts/shortcodes/bad.html":   "line one\n{{ nosuchfunc }}\n",
	})
	// The site still serves (each shortcode's inner text is kept), so
	// these are warnings: check names them and still succeeds.
	code, out, stderr := run(t, "check", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0; %s", code, stderr)
	}
	for _, want := range []string{
		`posts/sc.md:7: warning: shortcode "nosuch": unknown shortcode`,
		`posts/sc.md:8: warning: shortcode "fails":`,
		`always`,
		`posts/sc.md:9: warning: shortcode "ref": no document "gone.md"`,
		`layouts/shortcodes/bad.html:2: warning: function "nosuchfunc" not defined`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "0 problems, 4 warnings") {
		t.Errorf("summary %q", stderr)
	}
}

// TestCheckListsRenderHookProblems checks that grail check names the
// file and line of a render hook that does not parse and of one that
// fails on a page.
func TestCheckListsRenderHookProblems(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"hugo.toml":          "title = \"Hooks\"\ntheme = \"paper\"\n",
		"content/posts/p.md": "---\ntitle: P\ndate: 2024-01-01\n---\nA [link](/x) and ![img](/i.png).\n",
		"layouts/_default/_markup/render-link.html":               "<a>\n{{ .Nope }}</a>",
		"themes/paper/layouts/_default/_markup/render-image.html": "<img>\n\n{{ if }}",
	})
	code, out, stderr := run(t, "check", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0; %s", code, stderr)
	}
	for _, want := range []string{
		"themes/paper/layouts/_default/_markup/render-image.html:3: warning: render hook:",
		"layouts/_default/_markup/render-link.html:2: warning: render hook:",
		"(rendering content/posts/p.md)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckListsProblems(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"posts/good.md":     "---\ntitle: Good\ndate: 2024-01-01\n---\nFine.\n",
		"posts/bad-date.md": "---\ntitle: Bad\ndate: 31/03/2024\n---\nx\n",
		"posts/broken.md":   "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nx\n",
		"posts/latin1.md":   "---\ntitle: Caf\xe9\ndate: 2024-01-01\n---\n",
		"posts/dup.md":      "---\ntitle: Dup one\nslug: good\ndate: 2024-01-02\n---\n",
	})
	code, out, stderr := run(t, "check", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; %s", code, stderr)
	}
	for _, want := range []string{
		"posts/bad-date.md:3: date:",
		"posts/broken.md:2:",
		"posts/latin1.md:2:",
		"not UTF-8",
		"posts/dup.md:1: slug:",
		"posts/good.md:1: slug:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "1 post, 0 pages, 5 problems") {
		t.Errorf("summary %q", stderr)
	}
	clean := t.TempDir()
	testsite.WriteFiles(t, clean, map[string]string{"posts/good.md": "---\ntitle: Good\ndate: 2024-01-01\n---\nFine.\n"})
	if code, out, _ := run(t, "check", clean); code != 0 || out != "" {
		t.Errorf("clean site: exit %d, %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(clean, "_grail")); err == nil {
		t.Error("check wrote into the site it checked")
	}
}

// A formula that cannot be drawn is shown as written: check names it with
// its line, as a warning that does not fail the check.
func TestCheckWarnsWithoutFailing(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"posts/maths.md": "---\ntitle: Maths\ndate: 2024-01-01\n---\nText.\n\n```math\n\\frac{1}{2} \\unknowncmd\n```\n",
	})
	code, out, stderr := run(t, "check", dir)
	if code != 0 {
		t.Fatalf("exit %d, want 0; %s", code, stderr)
	}
	if !strings.Contains(out, "posts/maths.md:8: warning: ") || !strings.Contains(out, `\unknowncmd`) {
		t.Errorf("check output %q", out)
	}
	if !strings.Contains(stderr, "0 problems, 1 warning") {
		t.Errorf("summary %q", stderr)
	}
}

// TestServeLiveReloadAndShutdown runs grail serve on a folder, edits a
// file, and stops the server as SIGTERM would.
func TestServeLiveReloadAndShutdown(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{"posts/one.md": "---\ntitle: One\ndate: 2024-01-01\n---\nFirst.\n"})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr bytes.Buffer
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", addr, "--access-log=false", dir}, Stdio{In: strings.NewReader(""), Out: io.Discard, Err: &lockedWriter{w: &stderr}})
	}()
	base := "http://" + addr
	waitFor(t, base+"/blog/one", 200, 10*time.Second)

	testsite.WriteFiles(t, dir, map[string]string{"posts/two.md": "---\ntitle: Two\ndate: 2024-02-01\n---\nSecond.\n"})
	start := time.Now()
	waitFor(t, base+"/blog/two", 200, 2*time.Second)
	if d := time.Since(start); d > time.Second {
		t.Errorf("a new file took %v to appear", d)
	}
	testsite.WriteFiles(t, dir, map[string]string{"posts/one.md": "---\ntitle: One, edited\ndate: 2024-01-01\n---\nFirst, edited.\n"})
	waitForBody(t, base+"/blog/one", "First, edited.", 2*time.Second)
	os.Remove(filepath.Join(dir, "posts", "two.md"))
	waitFor(t, base+"/blog/two", 404, 2*time.Second)

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("still answering after shutdown")
	}
}

func TestServeBadSite(t *testing.T) {
	code, _, stderr := run(t, "serve", "--addr", freeAddr(t), filepath.Join(t.TempDir(), "missing"))
	if code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, url string, status int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := 0
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if last = resp.StatusCode; last == status {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: status %d, want %d within %v", url, last, status, timeout)
}

func waitForBody(t *testing.T, url, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), want) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s does not show %q within %v", url, want, timeout)
}

// lockedWriter lets the server's goroutines log into a buffer safely.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestServeReloadsThemeOverride(t *testing.T) {
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{"posts/one.md": "---\ntitle: One\ndate: 2024-01-01\n---\nFirst.\n"})
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	go Main(ctx, []string{"serve", "--addr", addr, "--access-log=false", dir}, Stdio{In: strings.NewReader(""), Out: io.Discard, Err: &lockedWriter{w: &logs}})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitFor(t, base+"/blog/one", 200, 10*time.Second)
	testsite.WriteFiles(t, dir, map[string]string{"theme/templates/page.html": `{{define "main"}}<p>custom page template</p>{{end}}`,
		"pages/about.md": "---\ntitle: About\n---\nMe.\n"})
	// New folders are watched from when their creation is seen; files
	// written in them before that are found by the reload it triggers.
	// (Generous bounds: the promptness of reloads is TestServeLiveReload's.)
	waitForBody(t, base+"/about", "custom page template", 5*time.Second)
	testsite.WriteFiles(t, dir, map[string]string{"theme/templates/page.html": `{{define "main"}}<p>edited template</p>{{end}}`})
	waitForBody(t, base+"/about", "edited template", 5*time.Second)
}

func TestFlagsAfterOperands(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "new", "Late flags", "--site", dir)
	if code != 0 || strings.TrimSpace(out) != "posts/late-flags.md" {
		t.Errorf("new with --site after the title: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := run(t, "check", dir, "--no-such"); code != 2 || !strings.Contains(stderr, "no-such") {
		t.Errorf("check with a bad flag after SITE: %d %q", code, stderr)
	}
}
