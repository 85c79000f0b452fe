// Package memoverflow is an in-memory stand-in for the overflow store, for
// tests. A Store keeps spilled bodies in memory and serves each under its
// own URL from an httptest server on 127.0.0.1, as the real store serves
// them from presigned URLs. A Client lets another process (a function
// started by a test) spill into a Store over HTTP.
package memoverflow

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Store is an in-memory overflow store with an HTTP front.
type Store struct {
	srv *httptest.Server

	mu      sync.Mutex
	objects map[string]object
	fail    error // when set, every Spill fails with it
}

type object struct {
	body                         []byte
	contentType, contentEncoding string
}

// Cleaner is the part of a test (testing.TB) that Start needs. The
// package does not import testing, so that the test function that links
// it (internal/testfn) does not carry the testing package.
type Cleaner interface {
	Cleanup(func())
}

// Start starts a Store and stops it when the test ends.
func Start(t Cleaner) *Store {
	s := &Store{objects: make(map[string]object)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/{id}", s.get)
	mux.HandleFunc("POST /spill", s.post)
	s.srv = httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the store's base URL, the endpoint for a Client.
func (s *Store) URL() string { return s.srv.URL }

// FailWith makes later spills fail with err (nil restores success).
func (s *Store) FailWith(err error) {
	s.mu.Lock()
	s.fail = err
	s.mu.Unlock()
}

// Len reports how many bodies have been spilled.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.objects)
}

// Spill stores a copy of body and returns the URL serving it.
func (s *Store) Spill(_ context.Context, body []byte, contentType, contentEncoding string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return "", s.fail
	}
	id := randomID()
	s.objects[id] = object{bytes.Clone(body), contentType, contentEncoding}
	return s.srv.URL + "/o/" + id, nil
}

func (s *Store) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o, ok := s.objects[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if o.contentType != "" {
		w.Header().Set("Content-Type", o.contentType)
	}
	if o.contentEncoding != "" {
		w.Header().Set("Content-Encoding", o.contentEncoding)
	}
	w.Write(o.body) //nolint:errcheck
}

// post spills the request body; the types come in the request's headers.
func (s *Store) post(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	url, err := s.Spill(r.Context(), body, r.Header.Get("Content-Type"), r.Header.Get("X-Content-Encoding"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, url) //nolint:errcheck
}

// Client spills into a Store at Endpoint over HTTP. It implements
// lambdahttp.Overflow.
type Client struct {
	Endpoint string
}

// Spill posts body to the store and returns the URL it answers with.
func (c Client) Spill(ctx context.Context, body []byte, contentType, contentEncoding string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+"/spill", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", contentType)
	// Not Content-Encoding: that would describe this upload, not the body.
	req.Header.Set("X-Content-Encoding", contentEncoding)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("memoverflow: %s: %s", resp.Status, strings.TrimSpace(string(answer)))
	}
	return string(answer), nil
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // never fails
	return hex.EncodeToString(b)
}

// Pattern returns n bytes in which every byte value occurs and which does not
// repeat every 256 bytes, so that a dropped, doubled or mangled byte anywhere
// shows when two copies are compared.
func Pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i ^ i>>8 ^ i>>16)
	}
	return b
}
