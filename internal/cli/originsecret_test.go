package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// TestOriginSecretEveryFrontDoor sends the function aws-lambda-go's sample
// events of every front door: without CloudFront's secret the answer is
// 403, with it the page, written for the reader's host.
func TestOriginSecretEveryFrontDoor(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "posts", "hello.md"), []byte("---\ntitle: Hello\ndate: 2024-05-01\n---\nHi.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GRAIL_SITE", "")
	t.Setenv("GRAIL_CONFIG", `{"site":`+strconv.Quote(dir)+`,"trustForwardedHost":true,`+
		`"originSecretHeader":"X-Grail-Origin-Secret","originSecret":"cdn-secret"}`)
	ctx := context.Background()
	fn, err := newLambdaFunction(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), Extensions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.app.Close()
	invoke := func(t *testing.T, payload []byte) lambdaResponse {
		t.Helper()
		out, err := fn.Invoke(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		var res lambdaResponse
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatalf("response is not JSON: %v\n%s", err, out)
		}
		return res
	}

	for name, event := range map[string]func(*testing.T, lambdaRequest) []byte{
		"HTTP API (2.0)": v2Event, "REST API (1.0)": v1Event, "ALB": albEvent, "Function URL": urlEvent,
	} {
		t.Run(name, func(t *testing.T) {
			for secret, wantStatus := range map[string]int{"": 403, "guess": 403, "cdn-secret": 200} {
				r := lambdaRequest{method: "GET", path: "/sitemap.xml", header: map[string]string{"X-Forwarded-Host": "blog.example.com"}}
				if secret != "" {
					r.header["X-Grail-Origin-Secret"] = secret
				}
				res := invoke(t, event(t, r))
				body := string(res.body(t))
				if res.StatusCode != wantStatus {
					t.Errorf("secret %q: status %d, want %d\n%.200s", secret, res.StatusCode, wantStatus, body)
				}
				if wantStatus == 200 && !strings.Contains(body, "://blog.example.com/") {
					t.Errorf("through CloudFront, the sitemap does not use the reader's host:\n%.300s", body)
				}
				if wantStatus == 403 && strings.Contains(body, "blog.example.com") {
					t.Errorf("secret %q: a direct caller got the site:\n%.300s", secret, body)
				}
			}
		})
	}

	// What Lambda itself sends, a job's own invocation, is not HTTP and
	// carries no secret; it is not refused.
	out, err := fn.Invoke(ctx, []byte(`{"grailJob":"00000000-0000-0000-0000-000000000000"}`))
	if err != nil || string(out) != "{}" {
		t.Errorf("job invocation: %s, %v; want {}", out, err)
	}
}

func urlEvent(t *testing.T, r lambdaRequest) []byte {
	var ev events.LambdaFunctionURLRequest
	sampleEvent(t, "lambda-urls-request.json", &ev)
	ev.RawPath, ev.RawQueryString = r.path, r.query
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = r.method, r.path
	ev.QueryStringParameters, ev.Body = nil, ""
	for k, v := range r.header {
		ev.Headers[strings.ToLower(k)] = v
	}
	return marshalEvent(t, ev)
}

// fakeParameters is Parameter Store holding one parameter's versions.
type fakeParameters struct {
	name     string
	versions []types.Parameter // versions[i] is version i+1
	reads    int
}

func (f *fakeParameters) put(value string, at time.Time) {
	f.versions = append(f.versions, types.Parameter{Name: &f.name, Value: &value, Version: int64(len(f.versions) + 1), LastModifiedDate: &at})
}

func (f *fakeParameters) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	f.reads++
	name, version, hasVersion := strings.Cut(*in.Name, ":")
	if name != f.name || len(f.versions) == 0 {
		return nil, &types.ParameterNotFound{Message: new("not found")}
	}
	p := f.versions[len(f.versions)-1]
	if hasVersion {
		n, _ := strconv.Atoi(version)
		if n < 1 || n > len(f.versions) {
			return nil, &types.ParameterVersionNotFound{Message: new("no such version")}
		}
		p = f.versions[n-1]
	}
	return &ssm.GetParameterOutput{Parameter: &p}, nil
}

func TestStoredSecretRotation(t *testing.T) {
	ctx := context.Background()
	// The first read is made with the real clock; the test's clock starts there.
	now := time.Now()
	params := &fakeParameters{name: "/grail/prod/origin-secret"}
	params.put("first", now.Add(-48*time.Hour))
	c := lambdaConfig{OriginSecretHeader: "X-Grail-Origin-Secret", OriginSecretParameter: params.name}
	secrets, err := newOriginSecrets(ctx, c, func(context.Context) (parameterAPI, error) { return params, nil })
	if err != nil {
		t.Fatal(err)
	}
	s := secrets.(*storedSecret)
	s.now = func() time.Time { return now }
	accepts := func(got string, want bool) {
		t.Helper()
		if s.accepts(ctx, got) != want {
			t.Errorf("at %s, accepts(%q) = %v, want %v", now.Format(time.TimeOnly), got, !want, want)
		}
	}

	accepts("first", true)
	reads := params.reads
	accepts("", false)
	accepts("guess", false)
	accepts("guess again", false)
	if params.reads != reads {
		t.Errorf("guesses within a minute of the last read made %d reads, want none", params.reads-reads)
	}

	// grail deploy --rotate-origin-secret, then CloudFront's edges change
	// over one by one (or the deploy fails and they stay where they were).
	now = now.Add(2 * time.Minute)
	params.put("second", now)
	accepts("second", true) // read again: the function learns the new secret
	accepts("first", true)  // edges not yet updated
	now = now.Add(24 * time.Hour)
	accepts("first", true)

	// A second rotation retires the first secret, also in a function that
	// started after it.
	params.put("third", now)
	accepts("third", true)
	accepts("first", false)
	fresh, err := newOriginSecrets(ctx, c, func(context.Context) (parameterAPI, error) { return params, nil })
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]bool{"third": true, "second": true, "first": false} {
		if fresh.accepts(ctx, got) != want {
			t.Errorf("a function started after two rotations: accepts(%q) = %v, want %v", got, !want, want)
		}
	}
}

func TestStoredSecretMissing(t *testing.T) {
	params := &fakeParameters{name: "/grail/dev/origin-secret"}
	c := lambdaConfig{OriginSecretHeader: "X-Grail-Origin-Secret", OriginSecretParameter: params.name}
	_, err := newOriginSecrets(context.Background(), c, func(context.Context) (parameterAPI, error) { return params, nil })
	if err == nil || !strings.Contains(err.Error(), params.name) {
		t.Errorf("newOriginSecrets without the parameter: %v, want an error naming it", err)
	}
	failing := func(context.Context) (parameterAPI, error) { return nil, fmt.Errorf("no AWS configuration") }
	if _, err := newOriginSecrets(context.Background(), c, failing); err == nil {
		t.Error("newOriginSecrets without a client: no error")
	}
	if s, err := newOriginSecrets(context.Background(), lambdaConfig{}, failing); s != nil || err != nil {
		t.Errorf("no secret configured: %v, %v; want none and no error", s, err)
	}
}
