package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/lambdahttp"
)

// result is a front-door response as the front door reads it. Which of
// the header fields are present matters, so the raw keys are kept too.
type result struct {
	StatusCode        int                 `json:"statusCode"`
	StatusDescription string              `json:"statusDescription"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`

	keys map[string]json.RawMessage
}

func decodeResult(t testing.TB, out []byte) result {
	t.Helper()
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, out)
	}
	if err := json.Unmarshal(out, &r.keys); err != nil {
		t.Fatalf("response is not a JSON object: %v", err)
	}
	return r
}

func (r result) has(key string) bool { _, ok := r.keys[key]; return ok }

// body returns the body bytes, decoding base64 when the response says so.
func (r result) body(t testing.TB) []byte {
	t.Helper()
	if !r.IsBase64Encoded {
		return []byte(r.Body)
	}
	b, err := base64.StdEncoding.DecodeString(r.Body)
	if err != nil {
		t.Fatalf("body is marked base64 but is not: %v", err)
	}
	return b
}

// header returns all values of a response header, whichever field carries it.
func (r result) header(name string) []string {
	var out []string
	for k, vs := range r.MultiValueHeaders {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			out = append(out, vs...)
		}
	}
	for k, v := range r.Headers {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			out = append(out, v)
		}
	}
	return out
}

// capture is a handler that records the request it serves.
type capture struct {
	mu   sync.Mutex
	req  *http.Request
	body []byte
	then http.HandlerFunc // optional response
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.req, c.body = r, body
	c.mu.Unlock()
	if c.then != nil {
		c.then(w, r)
	}
}

// invoke runs payload through an adapter for h and decodes the response.
func invoke(t testing.TB, h http.Handler, opts lambdahttp.Options, payload string) result {
	t.Helper()
	out, err := lambdahttp.New(h, opts).Invoke(context.Background(), []byte(payload))
	if err != nil {
		t.Fatalf("Invoke returned an error: %v", err)
	}
	return decodeResult(t, out)
}

// serveRequest runs payload through an adapter and returns the request the
// handler saw and its body.
func serveRequest(t testing.TB, opts lambdahttp.Options, payload string) (*http.Request, []byte) {
	t.Helper()
	c := &capture{}
	res := invoke(t, c, opts, payload)
	if c.req == nil {
		t.Fatalf("handler not called; response %d %q", res.StatusCode, res.Body)
	}
	return c.req, c.body
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logBuffer is a slog logger whose output a test can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

var zeroTime time.Time
