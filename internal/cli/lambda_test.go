package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/jobs/jobstest"
	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

func TestLambdaConfig(t *testing.T) {
	// As docs/deploy.md shows it, with the settings the stack leaves out.
	t.Setenv("GRAIL_SITE", "")
	t.Setenv("GRAIL_CONFIG", `{
	  "site": "s3://grail-prod-content?region=eu-west-1",
	  "trustForwardedHost": true,
	  "stripBasePath": "",
	  "keepStage": false,
	  "originSecretHeader": "X-Grail-Origin-Secret",
	  "originSecret": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
	  "cloudfrontDistributionId": "E2QWRUHEXAMPLE",
	  "jobWait": "20s"
	}`)
	c, err := readLambdaConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := lambdaConfig{Site: "s3://grail-prod-content?region=eu-west-1", TrustForwardedHost: true,
		OriginSecretHeader: "X-Grail-Origin-Secret", OriginSecret: "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
		CloudFrontDistributionID: "E2QWRUHEXAMPLE", JobWait: jsonDuration(20 * time.Second)}
	if c != want {
		t.Errorf("GRAIL_CONFIG read as %+v, want %+v", c, want)
	}

	t.Setenv("GRAIL_CONFIG", "")
	t.Setenv("GRAIL_SITE", "s3://other")
	if c, err := readLambdaConfig(); err != nil || c != (lambdaConfig{Site: "s3://other"}) {
		t.Errorf("GRAIL_SITE alone: %+v, %v", c, err)
	}

	for cfg, wantErr := range map[string]string{
		`{"site":`:                             "GRAIL_CONFIG",
		`{"trustForwardedHost": true}`:         "no site",
		`{"site":"s3://b","jobWait":25}`:       "duration",
		`{"site":"s3://b","jobWait":"soon"}`:   "duration",
		`{"site":"s3://b","originSecret":"x"}`: "originSecretHeader",
		`{"site":"s3://b","originSecretParameter":"/grail/dev/origin-secret"}`: "originSecretHeader",
	} {
		t.Setenv("GRAIL_CONFIG", cfg)
		t.Setenv("GRAIL_SITE", "")
		if _, err := readLambdaConfig(); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("GRAIL_CONFIG=%s: %v, want an error about %s", cfg, err, wantErr)
		}
	}
}

func TestOriginGuard(t *testing.T) {
	var seen *http.Request
	// Behind the guard, the transport applies CloudFront's forwarded
	// headers (lambdaProxies).
	proxies := lambdaProxies(lambdaConfig{TrustForwardedHost: true})
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { proxies.Normalise(r); seen = r })
	g := originGuard{h: site, header: "X-Grail-Origin-Secret", secrets: fixedSecret("s3cret")}
	for _, tc := range []struct {
		secret, forwarded, wantHost string
		wantStatus                  int
	}{
		{"s3cret", "blog.example.com", "blog.example.com", 200},
		{"s3cret", "blog.example.com:8443, proxy.example", "blog.example.com:8443", 200},
		{"s3cret", "evil.example/path", "api.example", 200}, // not a host
		{"guess", "evil.example", "", 403},
		{"", "evil.example", "", 403},
	} {
		seen = nil
		r := httptest.NewRequest("GET", "/sitemap.xml", nil)
		r.Host = "api.example"
		r.Header.Set("X-Forwarded-Host", tc.forwarded)
		if tc.secret != "" {
			r.Header.Set("X-Grail-Origin-Secret", tc.secret)
		}
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		if w.Code != tc.wantStatus {
			t.Errorf("secret %q: status %d, want %d", tc.secret, w.Code, tc.wantStatus)
		}
		if tc.wantStatus != 200 {
			if seen != nil {
				t.Errorf("secret %q: the site saw a request without the origin secret", tc.secret)
			}
			continue
		}
		if seen.Host != tc.wantHost {
			t.Errorf("secret %q, X-Forwarded-Host %q: host %q, want %q", tc.secret, tc.forwarded, seen.Host, tc.wantHost)
		}
		if seen.Header.Get("X-Grail-Origin-Secret") != "" {
			t.Error("the site saw the origin secret")
		}
	}
}

// TestLambdaRefresh runs the handler in this process: before an
// invocation it picks up what another server published once the refresh
// interval has passed, and a store that cannot be reached never costs a
// reader the page.
func TestLambdaRefresh(t *testing.T) {
	const refreshEvery = 500 * time.Millisecond
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	ctx := context.Background()
	for key, body := range map[string]string{
		"grail.toml":     "title = \"Refresh\"\nrefreshInterval = \"" + refreshEvery.String() + "\"\n",
		"posts/hello.md": "---\ntitle: Hello\ndate: 2024-05-01\n---\nHi.\n",
	} {
		if _, err := srv.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(srv.Bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GRAIL_CONFIG", `{"site":"`+srv.BucketURL()+`"}`)
	var logs syncBuffer
	loaded := time.Now() // the function compares its site with the store no earlier than this
	fn, err := newLambdaFunction(ctx, slog.New(slog.NewTextHandler(&logs, nil)), Extensions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.app.Close()
	status := func(path string) int {
		t.Helper()
		out, err := fn.Invoke(ctx, v2Event(t, lambdaRequest{method: "GET", path: path}))
		if err != nil {
			t.Fatal(err)
		}
		var res lambdaResponse
		json.Unmarshal(out, &res)
		return res.StatusCode
	}
	if got := status("/blog/hello"); got != 200 {
		t.Fatalf("GET /blog/hello = %d", got)
	}

	publish(t, srv.BucketURL(), "posts/news.md", "---\ntitle: News\ndate: 2024-05-02\n---\nFresh.\n")
	// Only meaningful while the interval has not run out, which a loaded
	// machine may take longer than to publish.
	if got := status("/blog/news"); got != 404 && time.Since(loaded) < refreshEvery {
		t.Errorf("within the refresh interval: %d, want the site as loaded (404)", got)
	}
	time.Sleep(refreshEvery + 50*time.Millisecond)
	if got := status("/blog/news"); got != 200 {
		t.Errorf("after the refresh interval: %d, want the other server's post", got)
	}

	// /blog/news was rendered since the site last changed, so it is in
	// memory; a page that must be read from the store cannot be served.
	srv.Stop()
	time.Sleep(refreshEvery + 50*time.Millisecond)
	start := time.Now()
	if got := status("/blog/news"); got != 200 {
		t.Errorf("store down: %d, want the page from memory", got)
	}
	if took := time.Since(start); took > refreshTimeout+time.Second {
		t.Errorf("store down: the answer took %v", took)
	}
	if !strings.Contains(logs.String(), "cannot check the store") {
		t.Errorf("no warning about the store in the log:\n%s", logs.String())
	}
	srv.Restart(t)
	time.Sleep(refreshEvery + 50*time.Millisecond)
	status("/blog/news")
	if !strings.Contains(logs.String(), "reachable again") {
		t.Errorf("no word that the store is back:\n%s", logs.String())
	}
}

// publish writes a post the way another server does: the source, then
// the index that tells everyone else.
func publish(t *testing.T, location, key, src string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := site.NewLoader(st, nil, nil)
	if _, err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Create(ctx, key, []byte(src)); err != nil {
		t.Fatal(err)
	}
	if err := l.Changed(ctx, key); err != nil {
		t.Fatal(err)
	}
}

func TestLambdaDispatch(t *testing.T) {
	var buf bytes.Buffer
	code := Main(context.Background(), nil, Stdio{Err: &buf})
	if code != 2 || !strings.Contains(buf.String(), "Usage") {
		t.Errorf("no arguments outside Lambda: %d %q, want the help", code, buf.String())
	}
}

// TestServeRunsJobs: under grail serve, jobs run in the server's own
// worker, and the throttle flags are checked.
func TestServeRunsJobs(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- MainWith(ctx, []string{"serve", "--addr", addr, "--access-log=false", "--rate", "50", "--burst", "10", dir},
			Stdio{Out: io.Discard, Err: io.Discard}, Extensions{JobKinds: jobstest.Kinds})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	client := &http.Client{Timeout: 30 * time.Second}
	var resp *http.Response
	for range 100 { // until it listens
		if resp, err = client.Post("http://"+addr+"/jobs/sleep?seconds=0", "", nil); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "slept 0 seconds\n" {
		t.Errorf("POST /jobs/sleep?seconds=0: %d %q, want the job's answer", resp.StatusCode, body)
	}

	for _, args := range [][]string{{"--rate", "-1"}, {"--burst", "0"}} {
		var stderr bytes.Buffer
		if code := Main(context.Background(), append([]string{"serve"}, args...), Stdio{Out: io.Discard, Err: &stderr}); code != 2 {
			t.Errorf("serve %v: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}
