package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/lambdahttp/runtimeapi"
	"github.com/grailblog/grail/internal/s3test"
)

// TestLambdaEndToEnd runs the bootstrap, built as it is deployed (with
// the test additions of internal/cli/testgrail), against the Runtime API emulator and a real S3 server, and sends it the
// events API Gateway and the ALB send.
func TestLambdaEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap and runs an S3 server")
	}
	bin := buildBootstrap(t)
	srv := s3test.Start(t)
	site := putLambdaSite(t, srv)
	emu := runtimeapi.Start(t)
	invokeAPI := startInvokeAPI(t, emu)
	env := append(srv.Env(),
		"AWS_LAMBDA_RUNTIME_API="+emu.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME=grail-e2e",
		"GRAIL_LAMBDA_ENDPOINT="+invokeAPI.url,
		`GRAIL_CONFIG={"site":"`+srv.BucketURL()+`","trustForwardedHost":true,"stripBasePath":"","keepStage":false,`+
			`"originSecretHeader":"X-Grail-Origin-Secret","originSecret":"e2e-secret","jobWait":"1s"}`,
	)
	// Two execution environments, as Lambda runs when requests overlap:
	// a job's own invocation runs in one while the other answers its client.
	fns := []*lambdaProcess{startLambda(t, bin, env), startLambda(t, bin, env)}
	invoke := func(t *testing.T, payload []byte) lambdaResponse {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := emu.Invoke(ctx, payload)
		if err != nil {
			t.Fatalf("invoke: %v", err)
		}
		var r lambdaResponse
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, out)
		}
		return r
	}
	// Every request comes through CloudFront, which adds the origin secret,
	// unless a test says otherwise.
	viaCDN := func(r lambdaRequest) lambdaRequest {
		r.header = map[string]string{"X-Grail-Origin-Secret": "e2e-secret"}
		return r
	}
	get := func(path string) lambdaRequest { return viaCDN(lambdaRequest{method: "GET", path: path}) }

	t.Run("pages through every front door", func(t *testing.T) {
		for _, ev := range []struct {
			name string
			make func(*testing.T, lambdaRequest) []byte
		}{{"2.0", v2Event}, {"1.0", v1Event}, {"ALB", albEvent}} {
			for path, title := range map[string]string{"/": "Hello from the bucket", "/blog/hello": "Hello from the bucket", "/about": "About this blog"} {
				res := invoke(t, ev.make(t, get(path)))
				if body := string(res.body(t)); res.StatusCode != 200 || !strings.Contains(body, title) {
					t.Errorf("%s GET %s: %d, body without %q:\n%.300s", ev.name, path, res.StatusCode, title, body)
				}
			}
		}
		if res := invoke(t, v2Event(t, get("/blog/no-such-post"))); res.StatusCode != 404 {
			t.Errorf("unknown post: %d, want 404", res.StatusCode)
		}
	})

	t.Run("host from CloudFront only", func(t *testing.T) {
		fromCDN := get("/sitemap.xml")
		fromCDN.header = map[string]string{"X-Forwarded-Host": "blog.example.com", "X-Grail-Origin-Secret": "e2e-secret"}
		if body := string(invoke(t, v2Event(t, fromCDN)).body(t)); !strings.Contains(body, "https://blog.example.com/blog/hello") {
			t.Errorf("sitemap through CloudFront does not use the reader's host:\n%.400s", body)
		}
		forged := get("/sitemap.xml")
		forged.header = map[string]string{"X-Forwarded-Host": "evil.example", "X-Grail-Origin-Secret": "guess"}
		res := invoke(t, v2Event(t, forged))
		if body := string(res.body(t)); strings.Contains(body, "evil.example") || res.StatusCode != 403 {
			t.Errorf("a direct caller: %d, want 403 and not the host it chose:\n%.400s", res.StatusCode, body)
		}
	})

	t.Run("image byte-exact", func(t *testing.T) {
		for name, make := range map[string]func(*testing.T, lambdaRequest) []byte{"2.0": v2Event, "1.0": v1Event} {
			res := invoke(t, make(t, get("/media/photo.png")))
			if !res.IsBase64Encoded || !bytes.Equal(res.body(t), site.photo) || res.header("Content-Type") != "image/png" {
				t.Errorf("%s: %d base64=%v %q, %d bytes; want the %d bytes of the PNG", name, res.StatusCode,
					res.IsBase64Encoded, res.header("Content-Type"), len(res.body(t)), len(site.photo))
			}
		}
	})

	t.Run("10 MB file through the overflow", func(t *testing.T) {
		res := invoke(t, v2Event(t, get("/media/big.bin")))
		if res.StatusCode != 303 || res.header("Cache-Control") != "no-store" {
			t.Fatalf("status %d, Cache-Control %q; want 303, no-store", res.StatusCode, res.header("Cache-Control"))
		}
		loc := res.header("Location")
		if !strings.Contains(loc, "/_grail/overflow/") {
			t.Errorf("Location %s is not in the overflow", loc)
		}
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(body, site.big) {
			t.Errorf("presigned URL: %d, %d bytes; want the exact %d bytes", resp.StatusCode, len(body), len(site.big))
		}
	})

	t.Run("two Set-Cookie", func(t *testing.T) {
		start := viaCDN(lambdaRequest{method: "POST", path: "/jobs/sleep", query: "seconds=0"})
		v2 := invoke(t, v2Event(t, start))
		v1 := invoke(t, v1Event(t, start))
		for name, cookies := range map[string][]string{"2.0 cookies": v2.Cookies, "1.0 multiValueHeaders": v1.MultiValueHeaders["Set-Cookie"]} {
			if len(cookies) != 2 || !strings.HasPrefix(cookies[0], "grail-test-a=") || !strings.HasPrefix(cookies[1], "grail-test-b=") {
				t.Errorf("%s = %q, want grail-test-a and grail-test-b", name, cookies)
			}
		}
		for _, res := range []lambdaResponse{v1, v2} {
			if res.StatusCode != 200 && res.StatusCode != 303 {
				t.Errorf("start of a short job: %d %q", res.StatusCode, res.Body)
			}
		}
	})

	t.Run("slow job followed through its redirects", func(t *testing.T) {
		res := invoke(t, v2Event(t, viaCDN(lambdaRequest{method: "POST", path: "/jobs/sleep", query: "seconds=4"})))
		var waits []string
		for res.StatusCode == 303 && len(waits) < 20 {
			loc, err := url.Parse(res.header("Location"))
			if err != nil || !strings.HasPrefix(loc.Path, "/jobs/") {
				t.Fatalf("Location %q is not a job", res.header("Location"))
			}
			waits = append(waits, res.header("Retry-After"))
			res = invoke(t, v2Event(t, viaCDN(lambdaRequest{method: "GET", path: loc.Path, query: loc.RawQuery})))
		}
		if res.StatusCode != 200 || string(res.body(t)) != "slept 4 seconds\n" {
			t.Fatalf("after %d redirects: %d %q, want 200 and the job's answer", len(waits), res.StatusCode, res.body(t))
		}
		if len(waits) < 3 || waits[0] != "1" || waits[1] != "2" || waits[2] != "3" {
			t.Errorf("Retry-After went %v, want 1, 2, 3, … for a job four times the gateway wait", waits)
		}
		if n := invokeAPI.count(); n < 1 {
			t.Errorf("the function invoked itself %d times, want once per job", n)
		}
	})

	t.Run("malformed events", func(t *testing.T) {
		if res := invoke(t, []byte(`{"version":`)); res.StatusCode != 400 {
			t.Errorf("truncated JSON: %d, want 400", res.StatusCode)
		}
		if res := invoke(t, []byte(`{"Records":[{"eventSource":"aws:sqs"}]}`)); res.StatusCode != 400 {
			t.Errorf("an SQS event: %d, want 400", res.StatusCode)
		}
		if out := invoke(t, []byte(`{"grailJob":"0b6f3c1e-6a4e-4f0c-9a51-2d1f3c4b5a69"}`)); out.StatusCode != 0 {
			t.Errorf("a job that does not exist: %+v", out)
		}
		for range len(fns) {
			if res := invoke(t, v2Event(t, get("/blog/hello"))); res.StatusCode != 200 {
				t.Errorf("after bad events: %d, want 200", res.StatusCode)
			}
		}
		for i, fn := range fns {
			if !fn.running() {
				t.Errorf("function %d exited:\n%s", i, fn.out.String())
			}
		}
	})
}

// TestLambdaInitError checks that a function that cannot reach its site
// says why through the Runtime API and exits.
func TestLambdaInitError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap and runs an S3 server")
	}
	bin := buildBootstrap(t)
	srv := s3test.Start(t)
	emu := runtimeapi.Start(t)
	missing := strings.Replace(srv.BucketURL(), srv.Bucket, "no-such-bucket", 1)
	fn := startLambda(t, bin, append(srv.Env(), "AWS_LAMBDA_RUNTIME_API="+emu.Addr(), "GRAIL_CONFIG=", "GRAIL_SITE="+missing))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := emu.Invoke(ctx, v2Event(t, lambdaRequest{method: "GET", path: "/"}))
	var rerr *runtimeapi.Error
	if !errors.As(err, &rerr) || !rerr.Init || !strings.Contains(rerr.Message, "does not exist") {
		t.Errorf("invoke: %v; want an init error saying the bucket does not exist", err)
	}
	select {
	case <-fn.exited:
	case <-time.After(10 * time.Second):
		t.Error("the function kept running after failing to start")
	}
}

var bootstrap struct {
	once sync.Once
	path string
	err  error
}

// buildBootstrap builds the function's bootstrap as grail deploy does
// (for this machine's architecture), once per test binary, into the
// folder TestMain removes. It is grail with the sleep job and
// GRAIL_LAMBDA_ENDPOINT (internal/cli/testgrail), which the shipped
// command has not.
func buildBootstrap(t *testing.T) string {
	t.Helper()
	bootstrap.once.Do(func() {
		bootstrap.path = filepath.Join(binDir, "bootstrap")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", bootstrap.path, "github.com/grailblog/grail/internal/cli/testgrail")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			bootstrap.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if bootstrap.err != nil {
		t.Fatal(bootstrap.err)
	}
	return bootstrap.path
}

// lambdaSite is the site the end-to-end test serves.
type lambdaSite struct {
	photo, big []byte
}

func putLambdaSite(t *testing.T, srv *s3test.Server) lambdaSite {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var photo bytes.Buffer
	if err := png.Encode(&photo, img); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 10<<20)
	for i := range big {
		big[i] = byte(i*31 + i>>13)
	}
	s := lambdaSite{photo: photo.Bytes(), big: big}
	objects := map[string][]byte{
		"grail.toml":      []byte("title = \"Lambda test blog\"\n"),
		"posts/hello.md":  []byte("---\ntitle: Hello from the bucket\ndate: 2024-05-01\n---\nServed by a Lambda function.\n"),
		"posts/second.md": []byte("---\ntitle: A second post\ndate: 2024-05-02\n---\nMore.\n"),
		"pages/about.md":  []byte("---\ntitle: About this blog\n---\nA test.\n"),
		"media/photo.png": s.photo,
		"media/big.bin":   s.big,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for key, data := range objects {
		_, err := srv.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
		if err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	return s
}

// invokeAPI stands in for the Lambda service's Invoke: an asynchronous
// invocation is queued in the emulator, as Lambda queues it for some
// execution environment, and answered 202 at once.
type invokeAPI struct {
	url string
	mu  sync.Mutex
	n   int
}

func (a *invokeAPI) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

func startInvokeAPI(t *testing.T, emu *runtimeapi.Emulator) *invokeAPI {
	api := &invokeAPI{}
	var wg sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.Path != "/2015-03-31/functions/grail-e2e/invocations" ||
			r.Header.Get("X-Amz-Invocation-Type") != "Event" {
			t.Errorf("Invoke: %s %s as %q, want an Event invocation of grail-e2e", r.Method, r.URL.Path, r.Header.Get("X-Amz-Invocation-Type"))
			w.WriteHeader(400)
			return
		}
		api.mu.Lock()
		api.n++
		api.mu.Unlock()
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := emu.Invoke(ctx, payload); err != nil && !errors.Is(err, runtimeapi.ErrClosed) {
				t.Errorf("job invocation %s: %v", payload, err)
			}
		})
		w.WriteHeader(http.StatusAccepted)
	}))
	api.url = srv.URL
	t.Cleanup(func() {
		srv.Close()
		emu.Close() // ends invocations still waiting for a function
		wg.Wait()
	})
	return api
}

// lambdaProcess is a bootstrap running as a child process.
type lambdaProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
	out    *syncBuffer
}

func startLambda(t *testing.T, bin string, env []string) *lambdaProcess {
	t.Helper()
	p := &lambdaProcess{cmd: exec.Command(bin), exited: make(chan struct{}), out: &syncBuffer{}}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("function %d's output:\n%s", p.cmd.Process.Pid, p.out.String())
		}
	})
	return p
}

func (p *lambdaProcess) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// lambdaRequest is what a client asked the front door for.
type lambdaRequest struct {
	method, path, query string
	header              map[string]string
}

// The events are aws-lambda-go's sample events (kept in
// internal/lambdahttp/testdata) with the request changed.
func sampleEvent(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "lambdahttp", "testdata", name))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		t.Fatalf("sample event %s: %v", name, err)
	}
}

func marshalEvent(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func v2Event(t *testing.T, r lambdaRequest) []byte {
	var ev events.APIGatewayV2HTTPRequest
	sampleEvent(t, "apigw-v2-request-no-authorizer.json", &ev)
	ev.RawPath, ev.RawQueryString = r.path, r.query
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = r.method, r.path
	delete(ev.Headers, "content-length")
	for k, v := range r.header {
		ev.Headers[strings.ToLower(k)] = v
	}
	return marshalEvent(t, ev)
}

func v1Event(t *testing.T, r lambdaRequest) []byte {
	var ev events.APIGatewayProxyRequest
	sampleEvent(t, "apigw-request.json", &ev)
	ev.Path, ev.HTTPMethod = r.path, r.method
	ev.PathParameters = map[string]string{"proxy": strings.TrimPrefix(r.path, "/")}
	ev.RequestContext.HTTPMethod, ev.RequestContext.Path = r.method, "/prod"+r.path
	ev.Body = ""
	delete(ev.Headers, "Content-Type")
	delete(ev.MultiValueHeaders, "Content-Type")
	for k, v := range r.header {
		ev.Headers[k], ev.MultiValueHeaders[k] = v, []string{v}
	}
	q, _ := url.ParseQuery(r.query)
	ev.MultiValueQueryStringParameters, ev.QueryStringParameters = q, map[string]string{}
	for k, vs := range q {
		ev.QueryStringParameters[k] = vs[len(vs)-1]
	}
	return marshalEvent(t, ev)
}

func albEvent(t *testing.T, r lambdaRequest) []byte {
	var ev events.ALBTargetGroupRequest
	sampleEvent(t, "alb-lambda-target-request-multivalue-headers.json", &ev)
	ev.Path, ev.HTTPMethod = r.path, r.method
	q, _ := url.ParseQuery(r.query)
	ev.MultiValueQueryStringParameters = q
	for k, v := range r.header {
		ev.MultiValueHeaders[strings.ToLower(k)] = []string{v}
	}
	return marshalEvent(t, ev)
}

// lambdaResponse is a front door's response as the front door reads it.
type lambdaResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

func (r lambdaResponse) header(name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	for k, vs := range r.MultiValueHeaders {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// body returns the body as the client reads it: from base64, and
// decompressed as a browser would (the 1.0 sample accepts gzip).
func (r lambdaResponse) body(t *testing.T) []byte {
	t.Helper()
	b := []byte(r.Body)
	if r.IsBase64Encoded {
		var err error
		if b, err = base64.StdEncoding.DecodeString(r.Body); err != nil {
			t.Fatalf("body marked base64 is not: %v", err)
		}
	}
	var zr io.Reader
	switch r.header("Content-Encoding") {
	case "":
		return b
	case "gzip":
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		zr = gz
	case "br":
		zr = brotli.NewReader(bytes.NewReader(b))
	default:
		t.Fatalf("unexpected Content-Encoding %q", r.header("Content-Encoding"))
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("decompress the body: %v", err)
	}
	return plain
}
