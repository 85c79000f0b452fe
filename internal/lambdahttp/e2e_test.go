package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/lambdahttp/internal/memoverflow"
	"github.com/grailblog/grail/internal/lambdahttp/runtimeapi"
)

// TestEndToEnd builds internal/testfn, the adapter behind aws-lambda-go's
// own runtime loop, starts it as a child process against the runtime API
// emulator, and sends it events as the Lambda service would.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Lambda function")
	}
	bin := buildTestFunction(t)
	emu := runtimeapi.Start(t)
	store := memoverflow.Start(t)
	startFunction(t, bin, emu.Addr(), store.URL())

	invoke := func(t *testing.T, payload string) result {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := emu.Invoke(ctx, []byte(payload))
		if err != nil {
			t.Fatalf("Invoke: %v", err)
		}
		return decodeResult(t, out)
	}

	t.Run("query order and repeats", func(t *testing.T) {
		for _, tt := range []struct {
			event   string
			wantRaw string
			wantFoo []string
		}{
			{ev(v2Tmpl, `"rawPath":"/query","rawQueryString":"foo=1&bar=2&foo=3"`), "foo=1&bar=2&foo=3", []string{"1", "3"}},
			{ev(v1Tmpl, `"path":"/query","multiValueQueryStringParameters":{"foo":["1","3"],"bar":["2"]}`), "foo=1&foo=3&bar=2", []string{"1", "3"}},
			{ev(albTmpl, `"path":"/query","queryStringParameters":{"z":"1","foo":"a%20b"}`), "z=1&foo=a%20b", []string{"a b"}},
		} {
			res := invoke(t, tt.event)
			var got struct {
				Raw string   `json:"raw"`
				Foo []string `json:"foo"`
			}
			if err := json.Unmarshal(res.body(t), &got); err != nil {
				t.Fatalf("%d %q: %v", res.StatusCode, res.Body, err)
			}
			if got.Raw != tt.wantRaw || !slices.Equal(got.Foo, tt.wantFoo) {
				t.Errorf("handler saw %q foo=%q, want %q foo=%q", got.Raw, got.Foo, tt.wantRaw, tt.wantFoo)
			}
		}
	})

	t.Run("two Set-Cookie", func(t *testing.T) {
		want := []string{"a=1; Path=/", "b=2; Path=/; HttpOnly"}
		if res := invoke(t, ev(v2Tmpl, `"rawPath":"/cookies"`)); !slices.Equal(res.Cookies, want) {
			t.Errorf("2.0 cookies = %q, want %q", res.Cookies, want)
		}
		if res := invoke(t, ev(v1Tmpl, `"path":"/cookies"`)); !slices.Equal(res.MultiValueHeaders["Set-Cookie"], want) {
			t.Errorf("1.0 Set-Cookie = %q, want %q", res.MultiValueHeaders["Set-Cookie"], want)
		}
		if res := invoke(t, ev(albMVTmpl, `"path":"/cookies"`)); !slices.Equal(res.MultiValueHeaders["Set-Cookie"], want) {
			t.Errorf("ALB Set-Cookie = %q, want %q", res.MultiValueHeaders["Set-Cookie"], want)
		}
	})

	t.Run("binary body byte-exact", func(t *testing.T) {
		res := invoke(t, ev(urlTmpl, `"rawPath":"/binary"`))
		if !res.IsBase64Encoded || !bytes.Equal(res.body(t), memoverflow.Pattern(1024)) {
			t.Errorf("base64 %v, body %d bytes; want the 1024-byte pattern in base64", res.IsBase64Encoded, len(res.body(t)))
		}
	})

	t.Run("10 MB response through the overflow", func(t *testing.T) {
		res := invoke(t, ev(v2Tmpl, `"rawPath":"/big"`))
		if res.StatusCode != 303 {
			t.Fatalf("status = %d, want 303", res.StatusCode)
		}
		body, ct := fetch(t, res.Headers["Location"])
		if !bytes.Equal(body, memoverflow.Pattern(10<<20)) || ct != "application/octet-stream" {
			t.Errorf("overflow object: %d bytes of %q, want the 10 MiB pattern", len(body), ct)
		}
	})

	t.Run("panic is a 500 and the function lives on", func(t *testing.T) {
		if res := invoke(t, ev(v2Tmpl, `"rawPath":"/panic"`)); res.StatusCode != 500 {
			t.Errorf("status = %d, want 500", res.StatusCode)
		}
		if res := invoke(t, ev(v2Tmpl, `"rawPath":"/cookies"`)); res.StatusCode != 200 {
			t.Errorf("next invocation: status = %d, want 200", res.StatusCode)
		}
	})

	t.Run("malformed event", func(t *testing.T) {
		if res := invoke(t, `{"version":`); res.StatusCode != 400 {
			t.Errorf("status = %d, want 400", res.StatusCode)
		}
	})
}

// buildTestFunction compiles internal/testfn the way a Lambda bootstrap is
// built, without the RPC mode of the go1.x runtime.
func buildTestFunction(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, "./internal/testfn")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test function: %v\n%s", err, out)
	}
	return bin
}

// startFunction runs bin as a Lambda function against the emulator at
// runtimeAPI and stops it at the end of the test.
func startFunction(t *testing.T, bin, runtimeAPI, overflowURL string) {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=testfn",
		"TESTFN_OVERFLOW="+overflowURL,
	)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("function output:\n%s", stderr.String())
		}
	})
}
