package lambdahttp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/grailblog/grail/internal/lambdahttp"
	"github.com/grailblog/grail/internal/lambdahttp/internal/memoverflow"
)

var _ lambda.Handler = (*lambdahttp.Adapter)(nil)

func TestBadEvents(t *testing.T) {
	tests := []struct {
		name     string
		payload  string
		wantCode int
		wantDesc string // ALB statusDescription, when the shape is known to be ALB
		wantLog  string
	}{
		{"not JSON", `{"httpMethod":`, 400, "", "rejected event"},
		{"empty payload", ``, 400, "", "rejected event"},
		{"JSON but not an object", `[1,2]`, 400, "", "rejected event"},
		{"SQS event", `{"Records":[{"eventSource":"aws:sqs","body":"x"}]}`, 400, "", "rejected event"},
		{"scheduled event", `{"source":"aws.events","detail-type":"Scheduled Event"}`, 400, "", "rejected event"},
		{"2.0 without method", `{"version":"2.0","rawPath":"/","requestContext":{"http":{}}}`, 400, "", "rejected event"},
		{"wrong type for a field", `{"httpMethod":"GET","path":"/","headers":{"a":1}}`, 400, "", "rejected event"},
		{"query parameters of the wrong type", `{"httpMethod":"GET","path":"/","multiValueQueryStringParameters":{"a":[1]}}`, 400, "", "rejected event"},
		{"invalid base64 body, 1.0", ev(v1Tmpl, `"body":"not base64!","isBase64Encoded":true`), 400, "", "rejected request"},
		{"invalid base64 body, 2.0", ev(v2Tmpl, `"body":"@@@","isBase64Encoded":true`), 400, "", "rejected request"},
		{"invalid base64 body, ALB", ev(albTmpl, `"body":"%%%","isBase64Encoded":true`), 400, "400 Bad Request", "rejected request"},
		{"invalid method", ev(v1Tmpl, `"httpMethod":"GET /x"`), 400, "", "rejected request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := newLogger()
			called := false
			h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
			res := invoke(t, h, lambdahttp.Options{Logger: logger}, tt.payload)
			if res.StatusCode != tt.wantCode {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.wantCode)
			}
			if res.StatusDescription != tt.wantDesc {
				t.Errorf("statusDescription = %q, want %q", res.StatusDescription, tt.wantDesc)
			}
			if called {
				t.Error("handler called for a bad event")
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log %q lacks %q", logs, tt.wantLog)
			}
			if ct := res.header("Content-Type"); len(ct) != 1 || !strings.HasPrefix(ct[0], "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
		})
	}
}

func TestDecodeEventErrors(t *testing.T) {
	if _, err := lambdahttp.DecodeEvent([]byte(`{"Records":[]}`)); !errors.Is(err, lambdahttp.ErrUnknownEvent) {
		t.Errorf("unknown shape: err = %v, want ErrUnknownEvent", err)
	}
	if _, err := lambdahttp.DecodeEvent([]byte(`{`)); err == nil || errors.Is(err, lambdahttp.ErrUnknownEvent) {
		t.Errorf("malformed JSON: err = %v, want a decoding error", err)
	}
	ev, err := lambdahttp.DecodeEvent([]byte(ev(albTmpl, `"body":"%%%","isBase64Encoded":true`)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lambdahttp.New(http.NotFoundHandler(), lambdahttp.Options{}).NewRequest(context.Background(), ev); !errors.Is(err, lambdahttp.ErrBadBody) {
		t.Errorf("invalid base64: err = %v, want ErrBadBody", err)
	}
}

func TestHandlerPanic(t *testing.T) {
	tests := []struct {
		name      string
		value     any
		wantStack bool
	}{
		{"string", "boom", true},
		{"error", errors.New("kaput"), true},
		{"ErrAbortHandler", http.ErrAbortHandler, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := newLogger()
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Partial", "1")
				io.WriteString(w, "half a page")
				panic(tt.value)
			})
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-123"})
			out, err := lambdahttp.New(h, lambdahttp.Options{Logger: logger}).Invoke(ctx, []byte(ev(v2Tmpl)))
			if err != nil {
				t.Fatal(err)
			}
			res := decodeResult(t, out)
			if res.StatusCode != 500 || res.Body != "Internal Server Error\n" || res.header("X-Partial") != nil {
				t.Errorf("got %d %q %v, want a clean 500", res.StatusCode, res.Body, res.Headers)
			}
			log := logs.String()
			if !strings.Contains(log, "handler panicked") || !strings.Contains(log, "aws_request_id=req-123") {
				t.Errorf("log = %q, want the panic with the request ID", log)
			}
			if strings.Contains(log, "goroutine") != tt.wantStack {
				t.Errorf("stack in log = %v, want %v", !tt.wantStack, tt.wantStack)
			}
		})
	}
}

func TestAdapterReusesNothingBetweenInvocations(t *testing.T) {
	// Pooled writers must come back clean: a header or body from one
	// invocation must never leak into the next.
	i := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i++
		if i == 1 {
			w.Header().Set("X-First", "1")
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "first")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a := lambdahttp.New(h, lambdahttp.Options{})
	for range 2 {
		if _, err := a.Invoke(context.Background(), []byte(ev(v1Tmpl))); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := a.Invoke(context.Background(), []byte(ev(v1Tmpl)))
	res := decodeResult(t, out)
	if res.StatusCode != 204 || res.Body != "" || len(res.MultiValueHeaders) != 0 {
		t.Errorf("third invocation = %d %q %v, want a bare 204", res.StatusCode, res.Body, res.MultiValueHeaders)
	}
}

func TestOverflow(t *testing.T) {
	store := memoverflow.Start(t)
	big := memoverflow.Pattern(7 << 20)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1"})
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(big)
	})
	for _, tt := range []struct {
		name  string
		event string
	}{
		{"1.0", ev(v1Tmpl)},
		{"2.0", ev(v2Tmpl)},
		{"function URL", ev(urlTmpl)},
		{"ALB", ev(albTmpl)},
		{"ALB multi-value", ev(albMVTmpl)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, h, lambdahttp.Options{Overflow: store, Logger: discardLogger()}, tt.event)
			if res.StatusCode != http.StatusSeeOther || res.Body != "" {
				t.Fatalf("got %d with %d body bytes, want 303 and no body", res.StatusCode, len(res.Body))
			}
			loc := res.header("Location")
			if len(loc) != 1 || !strings.HasPrefix(loc[0], store.URL()) {
				t.Fatalf("Location = %q, want a URL of the store", loc)
			}
			if cc := res.header("Cache-Control"); len(cc) != 1 || cc[0] != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store: the URL expires", cc)
			}
			if got := append(res.header("Set-Cookie"), res.Cookies...); len(got) != 1 || got[0] != "session=s1" {
				t.Errorf("cookies = %q, want the handler's cookie kept", got)
			}
			body, ct := fetch(t, loc[0])
			if !bytes.Equal(body, big) || ct != "application/octet-stream" {
				t.Errorf("stored object: %d bytes of %q, want the %d bytes of the response", len(body), ct, len(big))
			}
		})
	}
}

// TestOverflowLimitIsTheEncodedSize finds the exact encoded size of a
// response and checks that a limit of that size passes it and one byte
// less spills it.
func TestOverflowLimitIsTheEncodedSize(t *testing.T) {
	store := memoverflow.Start(t)
	for _, tt := range []struct {
		name        string
		contentType string
		body        []byte
		event       string
	}{
		{"text", "text/html", bytes.Repeat([]byte(`<p class="x">`), 1000), ev(v2Tmpl)},
		{"binary", "image/png", memoverflow.Pattern(9000), ev(v1Tmpl)},
		{"ALB binary", "image/png", memoverflow.Pattern(9000), ev(albMVTmpl)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write(tt.body)
			})
			run := func(limit int) []byte {
				a := lambdahttp.New(h, lambdahttp.Options{Overflow: store, MaxResponseBytes: limit, MaxALBResponseBytes: limit, Logger: discardLogger()})
				out, err := a.Invoke(context.Background(), []byte(tt.event))
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			full := run(1 << 30)
			if res := decodeResult(t, full); res.StatusCode != 200 {
				t.Fatalf("status %d with a huge limit", res.StatusCode)
			}
			if len(full) <= len(tt.body) && tt.contentType == "image/png" {
				t.Fatalf("encoded binary response (%d) not larger than its body (%d)", len(full), len(tt.body))
			}
			if res := decodeResult(t, run(len(full))); res.StatusCode != 200 {
				t.Errorf("limit = encoded size: status %d, want 200", res.StatusCode)
			}
			if res := decodeResult(t, run(len(full)-1)); res.StatusCode != 303 {
				t.Errorf("limit = encoded size - 1: status %d, want 303", res.StatusCode)
			}
		})
	}
}

func TestOverflowDefaults(t *testing.T) {
	store := memoverflow.Start(t)
	serve := func(n int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(memoverflow.Pattern(n))
		})
	}
	tests := []struct {
		name  string
		size  int
		event string
		want  int
	}{
		// 4.5 MiB of binary is 6 MiB of base64: over the limit with the JSON around it.
		{"API Gateway: 4.5 MiB binary spills", 4608 << 10, ev(v2Tmpl), 303},
		{"API Gateway: 4 MiB binary fits", 4 << 20, ev(v2Tmpl), 200},
		{"ALB: 1 MiB binary spills", 1 << 20, ev(albTmpl), 303},
		{"ALB: 700 KiB binary fits", 700 << 10, ev(albTmpl), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, serve(tt.size), lambdahttp.Options{Overflow: store, Logger: discardLogger()}, tt.event)
			if res.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.want)
			}
		})
	}
}

func TestOverflowFailures(t *testing.T) {
	big := strings.Repeat("x", 2<<20)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, big)
	})
	failing := memoverflow.Start(t)
	failing.FailWith(errors.New("bucket unreachable"))
	tests := []struct {
		name     string
		overflow lambdahttp.Overflow
		wantLog  string
	}{
		{"no overflow configured", nil, "no overflow configured"},
		{"spill fails", failing, "bucket unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := newLogger()
			res := invoke(t, h, lambdahttp.Options{Overflow: tt.overflow, Logger: logger}, ev(albMVTmpl))
			if res.StatusCode != http.StatusBadGateway || res.StatusDescription != "502 Bad Gateway" {
				t.Errorf("got %d %q, want 502", res.StatusCode, res.StatusDescription)
			}
			if ct := res.header("Content-Type"); len(ct) != 1 || !strings.HasPrefix(ct[0], "text/plain") || len(res.Body) > 200 {
				t.Errorf("want a short plain message, got %q %q", ct, res.Body)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log %q lacks %q", logs, tt.wantLog)
			}
		})
	}
}

func fetch(t *testing.T, url string) ([]byte, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s, %v", url, resp.Status, err)
	}
	return body, resp.Header.Get("Content-Type")
}

// TestConcurrentInvocations runs invocations in parallel, as the Lambda
// runtime does when a function allows concurrency, and checks that every
// response belongs to its own request.
func TestConcurrentInvocations(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Path", r.URL.Path)
		io.WriteString(w, strings.Repeat(r.URL.Path, 100))
	})
	a := lambdahttp.New(h, lambdahttp.Options{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				path := fmt.Sprintf("/g%d/i%d", g, i)
				out, err := a.Invoke(context.Background(), []byte(ev(v2Tmpl, `"rawPath":"`+path+`"`)))
				if err != nil {
					t.Error(err)
					return
				}
				res := decodeResult(t, out)
				if res.Headers["X-Path"] != path || res.Body != strings.Repeat(path, 100) {
					t.Errorf("request %s got the response of %s", path, res.Headers["X-Path"])
					return
				}
			}
		}()
	}
	wg.Wait()
}
