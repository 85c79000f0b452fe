package content_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grailblog/grail/internal/admin"
	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/web"
)

// countingStore counts the source reads that go through the loader,
// which are all the reads of a save through the admin.
type countingStore struct {
	*store.Store
	reads atomic.Int64
}

func (c *countingStore) Read(ctx context.Context, key string) ([]byte, store.ObjectInfo, error) {
	c.reads.Add(1)
	return c.Store.Read(ctx, key)
}

// TestAdminSaveReadsAndParsesOnce: an author opens a post, changes its
// title and body and saves; a reader then opens the post. Between the
// save and the page, the file is parsed once and read at most once.
func TestAdminSaveReadsAndParsesOnce(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"grail.toml":     "title = \"Counted\"\n",
		"posts/hello.md": "---\ntitle: Hello\ndate: 2026-01-10T09:00:00+01:00\ncover: a.png\n---\n\nHello, world.\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	counted := &countingStore{Store: st}
	loader := site.NewLoader(counted, nil, nil)
	if _, err := loader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	users := auth.NewUsers(st)
	if err := users.Add(ctx, "ada", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	sessions := auth.NewSessions(st)
	if err := sessions.Load(ctx); err != nil {
		t.Fatal(err)
	}
	adm, err := admin.New(admin.Options{Store: st, Loader: loader, Users: users, Sessions: sessions})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(ctx, web.Options{Store: st, Loader: loader, Mounts: []web.Mount{{Prefix: "/admin", Handler: adm}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(req *http.Request) (int, string) {
		t.Helper()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	login, _ := http.NewRequest("POST", ts.URL+"/admin/login", strings.NewReader("name=ada&password=correct+horse+battery"))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, _ := send(login); status != http.StatusSeeOther {
		t.Fatalf("login: %d", status)
	}
	open, _ := http.NewRequest("GET", ts.URL+"/admin/edit?key=posts/hello.md", nil)
	status, page := send(open)
	if status != http.StatusOK {
		t.Fatalf("editor: %d", status)
	}
	form := editorForm(page)
	form.Set("title", "Hello, counted")
	form.Set("body", "Counted words.")
	form.Set("action", "save")

	reads, parses := counted.reads.Load(), content.Parses()
	if status, page := send(multipartPost(t, ts.URL+"/admin/save", form)); status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", status, page)
	}
	read, _ := http.NewRequest("GET", ts.URL+"/blog/hello", nil)
	status, page = send(read)
	if status != http.StatusOK || !strings.Contains(page, "Hello, counted") || !strings.Contains(page, "Counted words.") {
		t.Fatalf("the post after the save: %d\n%s", status, page)
	}
	if n := content.Parses() - parses; n != 1 {
		t.Errorf("the save and the first render parsed the file %d times; want 1", n)
	}
	if n := counted.reads.Load() - reads; n > 1 {
		t.Errorf("the save and the first render read the file %d times; want at most 1", n)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "posts", "hello.md"))
	if err != nil || !strings.Contains(string(saved), "cover: a.png") || !strings.HasSuffix(string(saved), "\n\nCounted words.\n") {
		t.Errorf("the file is %q, %v", saved, err)
	}
}

var (
	inputRE    = regexp.MustCompile(`<input([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>`)
	attrRE     = regexp.MustCompile(`(\w+)="([^"]*)"`)
)

// editorForm reads the fields of the editor page as a browser sends them.
func editorForm(page string) url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		name := attrs["name"]
		if name == "" || attrs["type"] == "file" || v.Has(name) ||
			(attrs["type"] == "radio" && !strings.Contains(m[1], " checked")) {
			continue
		}
		v.Set(name, attrs["value"])
	}
	for _, m := range textareaRE.FindAllStringSubmatch(page, -1) {
		if !v.Has(m[1]) {
			v.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	return v
}

func multipartPost(t *testing.T, target string, v url.Values) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vals := range v {
		for _, val := range vals {
			mw.WriteField(k, val)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", target, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}
