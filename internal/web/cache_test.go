package web

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/transport/transporttest"
)

// TestMissingPagesAreCached: a 404 is rendered once per snapshot and then
// answered from the cache (on the fast path too), with the same bytes and
// no longer Cache-Control than before; a site change forgets it.
func TestMissingPagesAreCached(t *testing.T) {
	ts := newTestSite(t, basicSite)
	const path = "/blog/no-such-page"
	resp, first := ts.get(t, path)
	if resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	resp, again := ts.get(t, path)
	if resp.StatusCode != 404 || again != first {
		t.Errorf("the cached 404 differs: status %d", resp.StatusCode)
	}
	if n := ts.srv.misses.len(); n != 1 {
		t.Errorf("%d 404 pages cached, want 1", n)
	}
	_, fast := twoFronts(t, ts)
	fastResp := transporttest.Exchange(t, fast, "GET "+path+" HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "GET")[0]
	if body, _ := io.ReadAll(fastResp.Body); fastResp.StatusCode != 404 || string(body) != first {
		t.Errorf("the fast path's 404: status %d, %d bytes", fastResp.StatusCode, len(body))
	}
	src := post("Now it exists", "2024-02-01T10:00:00Z") + "Hello.\n"
	if err := os.WriteFile(filepath.Join(ts.dir, "posts", "no-such-page.md"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.loader.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if resp, _ := ts.get(t, path); resp.StatusCode != 200 {
		t.Errorf("a page added after its 404 was cached: status %d", resp.StatusCode)
	}
}

// TestMissCacheIsBounded: a crawl of many distinct missing addresses,
// long ones included, keeps at most the budget.
func TestMissCacheIsBounded(t *testing.T) {
	ts := newTestSite(t, basicSite)
	long := strings.Repeat("x", 4000)
	for i := range 1500 {
		ts.get(t, "/missing/"+strconv.Itoa(i)+"/"+long)
	}
	var held int64
	ts.srv.misses.mu.RLock()
	for key, it := range ts.srv.misses.items {
		held += it.size(key)
	}
	ts.srv.misses.mu.RUnlock()
	if held > missCacheBytes || ts.srv.misses.len() == 0 {
		t.Errorf("%d 404 pages holding %d bytes; the budget is %d", ts.srv.misses.len(), held, missCacheBytes)
	}
}

// TestFeedsCachedForKnownHostsOnly: without a base URL, any number of
// Host headers create no more cached feeds than the hosts the site knows
// (the others are answered 421);
// with a canonical host, an unknown host gets the canonical links.
func TestFeedsCachedForKnownHostsOnly(t *testing.T) {
	ts := newTestSite(t, basicSite)
	ts.get(t, "/feed.atom")
	before := ts.srv.cache.len()
	for i := range 50 {
		resp, body := ts.get(t, "/feed.atom", "Host", "h"+strconv.Itoa(i)+".example")
		if resp.StatusCode != http.StatusMisdirectedRequest || strings.Contains(body, "h"+strconv.Itoa(i)+".example") {
			t.Fatalf("host %d: status %d, want 421 and no feed for the host asked for", i, resp.StatusCode)
		}
	}
	if n := ts.srv.cache.len(); n != before {
		t.Errorf("%d cached responses after feeds for 50 hosts, %d before", n, before)
	}

	files := map[string]string{}
	for k, v := range basicSite {
		files[k] = v
	}
	files["grail.toml"] += "canonicalHost = \"blog.example.org\"\n"
	ts = newTestSite(t, files)
	_, canonical := ts.get(t, "/feed.atom", "Host", "blog.example.org")
	_, forged := ts.get(t, "/feed.atom", "Host", "evil.example")
	if strings.Contains(forged, "evil.example") || forged != canonical {
		t.Error("an unknown host did not get the canonical host's feed")
	}
}

// TestMissPages: the 404 page made once for every path without
// suggestions names each path, escaped, and never its stand-in; a path
// close to a slug, or contained in one, still gets suggestions.
func TestMissPages(t *testing.T) {
	ts := newTestSite(t, basicSite)
	for _, p := range []string{"/zz-nothing-like-it", "/q/%3Cscript%3Ealert(1)%3C/script%3E", "/zz-nothing-like-it/again"} {
		resp, body := ts.get(t, p)
		if resp.StatusCode != 404 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		if strings.Contains(body, pathMark) || strings.Contains(body, "<script>") || strings.Contains(body, "Did you mean") {
			t.Errorf("GET %s: the page shows the stand-in, a raw script or suggestions:\n%s", p, body)
		}
	}
	if _, body := ts.get(t, "/q/%3Cscript%3Ealert(1)%3C/script%3E"); !strings.Contains(body, "&lt;/script&gt;") {
		t.Errorf("the path is not shown escaped:\n%s", body)
	}
	for _, p := range []string{"/blog/frist", "/firs"} { // a typo; a part of the slug
		if _, body := ts.get(t, p); !strings.Contains(body, `href="/blog/first"`) {
			t.Errorf("GET %s suggests no /blog/first:\n%s", p, body)
		}
	}
}
