package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/s3test"
)

func TestOverflowSpill(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	s, err := Open(context.Background(), srv.BucketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var page bytes.Buffer
	zw := gzip.NewWriter(&page)
	zw.Write(bytes.Repeat([]byte("<p>a long page</p>\n"), 1000))
	zw.Close()
	u, err := s.Overflow(0).Spill(context.Background(), page.Bytes(), "text/html; charset=utf-8", "gzip")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`/_grail/overflow/[0-9a-f-]{36}\.html\?`).MatchString(u) {
		t.Errorf("URL %s: want a key _grail/overflow/<uuid>.html", u)
	}
	// The client must see the body exactly as the handler wrote it, with
	// the headers that tell a browser how to decode it.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, page.Bytes()) {
		t.Fatalf("GET overflow URL: %d, %d bytes; want 200 and the %d bytes spilled", resp.StatusCode, len(body), page.Len())
	}
	if ct, ce := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"); ct != "text/html; charset=utf-8" || ce != "gzip" {
		t.Errorf("served as %q encoded %q, want text/html; charset=utf-8 and gzip", ct, ce)
	}
}

// A body that could run script on the bucket's origin is downloaded,
// not opened, from its signed URL; others open as usual.
func TestOverflowActiveContentDownloads(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	s, err := Open(context.Background(), srv.BucketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for ct, want := range map[string]string{
		"image/svg+xml":                 "attachment",
		"text/html; charset=utf-8":      "attachment",
		"TEXT/HTML;;":                   "attachment",
		"application/xhtml+xml":         "attachment",
		"application/atom+xml":          "attachment",
		"text/xml":                      "attachment",
		"image/png":                     "",
		"application/json":              "",
		"text/plain; charset=utf-8":     "",
		"application/pdf":               "",
		"application/rss+xml; charset=": "attachment",
	} {
		u, err := s.Overflow(0).Spill(context.Background(), []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ct, "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || got != want {
			t.Errorf("%s: status %d, Content-Disposition %q, want %q", ct, resp.StatusCode, got, want)
		}
	}
}

func TestOverflowURLExpires(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	s, err := Open(context.Background(), srv.BucketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.Overflow(time.Second).Spill(context.Background(), []byte("soon gone"), "text/plain", "")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired URL answered %d, want 403", resp.StatusCode)
	}
}

func TestOverflowRefusedByFolder(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Overflow(0).Spill(context.Background(), []byte("x"), "text/plain", ""); !errors.Is(err, ErrNoSignedURLs) {
		t.Errorf("Spill on a folder: %v, want ErrNoSignedURLs", err)
	}
	if _, err := os.Stat(dir + "/_grail"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Spill on a folder left files behind (%v)", err)
	}
}

func TestOverflowExtension(t *testing.T) {
	for ct, want := range map[string]string{
		"text/html; charset=utf-8":  ".html",
		"application/json":          ".json",
		"image/png":                 ".png",
		"application/atom+xml":      ".atom",
		"application/x-made-up":     ".bin",
		"":                          ".bin",
		"not a type at all;;":       ".bin",
		"APPLICATION/OCTET-STREAM":  ".bin",
		"text/plain; charset=utf-8": ".txt",
	} {
		if got := extensionFor(ct); got != want {
			t.Errorf("extensionFor(%q) = %q, want %q", ct, got, want)
		}
	}
}
