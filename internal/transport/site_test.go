package transport

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testSite is a Site with a few stored replies and a handler for the
// rest, served by Handler on a test server.
type testSite struct {
	replies map[string]*Reply
	srv     http.Handler // Handler(ts)
	http    *httptest.Server
}

// The paths of testSite.
const (
	longPath     = "/blog/long"  // a stored page large enough for a memory file
	firstPath    = "/blog/first" // a small stored page
	homePath     = "/"
	goneReply    = "/gone"          // a stored 404 page
	renderPath   = "/rendered"      // rendered by the site's handler
	movedPath    = "/moved"         // redirected
	lookupPanic  = "/panic/lookup"  // Lookup panics
	handlerPanic = "/panic/handler" // the handler panics
)

func newTestSite(t testing.TB) *testSite {
	var long strings.Builder
	for i := range 600 {
		fmt.Fprintf(&long, "<p>Paragraph %d of a long post, with enough words to make the page large.</p>\n", i)
	}
	modified := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	ts := &testSite{replies: map[string]*Reply{
		longPath:  NewReply(200, "text/html; charset=utf-8", "public, max-age=60", []byte(long.String()), modified),
		firstPath: NewReply(200, "text/html; charset=utf-8", "public, max-age=60", []byte(strings.Repeat("<p>The first paragraph.</p>\n", 40)), modified),
		homePath:  NewReply(200, "text/html; charset=utf-8", "public, max-age=60", []byte("<h1>Home</h1>"), time.Time{}),
		goneReply: NewReply(404, "text/html; charset=utf-8", "public, max-age=60", []byte(strings.Repeat("<p>Not here.</p>\n", 50)), time.Time{}),
	}}
	ts.srv = Handler(ts, HandlerOptions{})
	ts.http = httptest.NewServer(ts.srv)
	t.Cleanup(ts.http.Close)
	return ts
}

func (ts *testSite) Lookup(req Request) Decision {
	switch req.Path {
	case lookupPanic:
		panic("a bug in Lookup")
	case movedPath:
		return Decision{Kind: Redirect, Location: "https://example.org" + req.RequestURI()}
	}
	if r := ts.replies[req.Path]; r != nil && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
		return Decision{Kind: Stored, Reply: r}
	}
	return Decision{Kind: Render, Handler: http.HandlerFunc(ts.render)}
}

func (ts *testSite) render(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case handlerPanic:
		panic("a bug in a handler")
	case renderPath:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "rendered "+r.Method+"\n")
	default:
		http.NotFound(w, r)
	}
}

// get requests path from the test server without following redirects.
func (ts *testSite) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true},
	}
	resp, err := client.Get(ts.http.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}
