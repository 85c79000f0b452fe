package s3test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

func put(t *testing.T, c *s3.Client, bucket, key, body string, opt func(*s3.PutObjectInput)) (*s3.PutObjectOutput, error) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	if opt != nil {
		opt(in)
	}
	return c.PutObject(context.Background(), in)
}

func get(t *testing.T, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// status returns the HTTP status of a failed S3 call, or 0.
func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func wantPreconditionFailed(t *testing.T, err error) {
	t.Helper()
	var apiErr smithy.APIError
	if status(err) != http.StatusPreconditionFailed || !errors.As(err, &apiErr) || apiErr.ErrorCode() != "PreconditionFailed" {
		t.Fatalf("want 412 PreconditionFailed, got %v", err)
	}
}

func TestStartServesEmptyBucket(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(srv.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 0 {
		t.Fatalf("new bucket has %d objects", len(out.Contents))
	}
	if _, err := put(t, c, srv.Bucket, "a/b.md", "hello", nil); err != nil {
		t.Fatal(err)
	}
	if got := get(t, c, srv.Bucket, "a/b.md"); got != "hello" {
		t.Fatalf("got %q", got)
	}
	if !strings.HasPrefix(srv.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q is not on loopback", srv.Endpoint)
	}
}

func TestPutIfNoneMatchCreatesOnlyOnce(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client()
	ifAbsent := func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }
	if _, err := put(t, c, srv.Bucket, "k", "first", ifAbsent); err != nil {
		t.Fatalf("create: %v", err)
	}
	_, err := put(t, c, srv.Bucket, "k", "second", ifAbsent)
	wantPreconditionFailed(t, err)
	if got := get(t, c, srv.Bucket, "k"); got != "first" {
		t.Fatalf("object overwritten: %q", got)
	}
}

func TestPutIfMatchComparesETag(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client()
	v1, err := put(t, c, srv.Bucket, "k", "v1", nil)
	if err != nil {
		t.Fatal(err)
	}
	ifMatch := func(etag string) func(*s3.PutObjectInput) {
		return func(in *s3.PutObjectInput) { in.IfMatch = aws.String(etag) }
	}

	_, err = put(t, c, srv.Bucket, "k", "wrong", ifMatch(`"0123456789abcdef0123456789abcdef"`))
	wantPreconditionFailed(t, err)

	v2, err := put(t, c, srv.Bucket, "k", "v2", ifMatch(aws.ToString(v1.ETag)))
	if err != nil {
		t.Fatalf("put with current etag: %v", err)
	}
	if aws.ToString(v2.ETag) == aws.ToString(v1.ETag) {
		t.Fatalf("etag unchanged after a new body: %s", aws.ToString(v2.ETag))
	}
	// The first ETag is stale now: a lost update must be refused.
	_, err = put(t, c, srv.Bucket, "k", "stale", ifMatch(aws.ToString(v1.ETag)))
	wantPreconditionFailed(t, err)

	_, err = put(t, c, srv.Bucket, "absent", "x", ifMatch(aws.ToString(v1.ETag)))
	if s := status(err); s != http.StatusNotFound && s != http.StatusPreconditionFailed {
		t.Fatalf("If-Match on a missing key: want 404 or 412, got %v", err)
	}
	if got := get(t, c, srv.Bucket, "k"); got != "v2" {
		t.Fatalf("got %q, want v2", got)
	}
}

// Racing creators of one key must see exactly one winner, whose body is
// what is stored: grail builds its write locks on this.
func TestConcurrentIfNoneMatchHasOneWinner(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client()
	const writers, rounds = 12, 5
	for round := range rounds {
		key := fmt.Sprintf("lock-%d", round)
		var (
			mu      sync.Mutex
			winners []string
			wg      sync.WaitGroup
			start   = make(chan struct{})
		)
		for w := range writers {
			wg.Go(func() {
				body := fmt.Sprintf("writer-%d", w)
				<-start
				_, err := put(t, c, srv.Bucket, key, body, func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") })
				switch s := status(err); {
				case err == nil:
					mu.Lock()
					winners = append(winners, body)
					mu.Unlock()
				case s == http.StatusPreconditionFailed, s == http.StatusConflict:
					// Lost: 409 is what S3 answers while the winner is still in flight.
				default:
					t.Errorf("%s: %v", body, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: %d winners %v, want exactly 1", round, len(winners), winners)
		}
		if got := get(t, c, srv.Bucket, key); got != winners[0] {
			t.Fatalf("round %d: stored %q, but %q won", round, got, winners[0])
		}
	}
}

func TestPresignedGet(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	const body = "<h1>big page</h1>"
	if _, err := put(t, srv.Client(), srv.Bucket, "big.html", body, nil); err != nil {
		t.Fatal(err)
	}
	presign := func(expires time.Duration) string {
		req, err := s3.NewPresignClient(srv.Client()).PresignGetObject(context.Background(), &s3.GetObjectInput{
			Bucket:              aws.String(srv.Bucket),
			Key:                 aws.String("big.html"),
			ResponseContentType: aws.String("text/html; charset=utf-8"),
		}, s3.WithPresignExpires(expires))
		if err != nil {
			t.Fatal(err)
		}
		return req.URL
	}

	u := presign(time.Minute)
	resp := httpGet(t, u)
	if resp.status != http.StatusOK || resp.body != body {
		t.Fatalf("presigned GET: %d %q", resp.status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("response-content-type override ignored: %q", ct)
	}

	if resp := httpGet(t, tamper(t, u)); resp.status != http.StatusForbidden {
		t.Fatalf("tampered signature: got %d, want 403", resp.status)
	}

	expired := presign(time.Second)
	time.Sleep(2 * time.Second)
	if resp := httpGet(t, expired); resp.status != http.StatusForbidden {
		t.Fatalf("expired URL: got %d, want 403", resp.status)
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func httpGet(t *testing.T, u string) response {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// tamper flips the last hex digit of the URL's signature.
func tamper(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	sig := []byte(q.Get("X-Amz-Signature"))
	if len(sig) == 0 {
		t.Fatalf("no signature in %s", raw)
	}
	if sig[len(sig)-1] == '0' {
		sig[len(sig)-1] = '1'
	} else {
		sig[len(sig)-1] = '0'
	}
	q.Set("X-Amz-Signature", string(sig))
	u.RawQuery = q.Encode()
	return u.String()
}

func TestRestartKeepsPortAndData(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	c := srv.Client()
	endpoint := srv.Endpoint
	if _, err := put(t, c, srv.Bucket, "k", "kept", nil); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	noRetry := func(o *s3.Options) { o.RetryMaxAttempts = 1 } // refusals are retried for seconds
	if _, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String(srv.Bucket)}, noRetry); err == nil {
		t.Fatal("stopped server still answers")
	}

	srv.Restart(t)
	if srv.Endpoint != endpoint {
		t.Fatalf("endpoint moved from %s to %s", endpoint, srv.Endpoint)
	}
	if got := get(t, c, srv.Bucket, "k"); got != "kept" {
		t.Fatalf("after restart got %q", got)
	}
	srv.Restart(t) // restarting a running server works too
	get(t, c, srv.Bucket, "k")
}

// openURL opens an s3blob bucket URL the way gocloud.dev v0.47.0's s3blob
// opener does: region, endpoint and use_path_style from the query, and
// credentials from the standard AWS chain, which reads the environment.
func openURL(t *testing.T, raw string) (*s3.Client, string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" {
		t.Fatalf("not an s3 URL: %q", raw)
	}
	q := u.Query()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(q.Get("region")))
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(q.Get("endpoint"))
		o.UsePathStyle = q.Get("use_path_style") == "true"
	})
	return c, u.Host
}

// Not parallel: SetEnv changes the process environment.
func TestBucketURLReachesBucket(t *testing.T) {
	srv := Start(t)
	srv.SetEnv(t)
	for _, u := range []string{srv.BucketURL(), srv.NewBucket(t)} {
		c, bucket := openURL(t, u)
		if _, err := put(t, c, bucket, "posts/hello.md", u, nil); err != nil {
			t.Fatalf("write via %s: %v", u, err)
		}
	}
	if got := get(t, srv.Client(), srv.Bucket, "posts/hello.md"); got != srv.BucketURL() {
		t.Fatalf("Bucket holds %q: the two URLs share a bucket", got)
	}
}

// TestChildProcessUsesEnv runs this test binary again as a child that knows
// only BucketURL and Env, as a grail process started by a test would.
func TestChildProcessUsesEnv(t *testing.T) {
	if u := os.Getenv("S3TEST_CHILD_BUCKET_URL"); u != "" {
		c, bucket := openURL(t, u)
		if _, err := put(t, c, bucket, "from-child", "hello from the child", nil); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Parallel()
	srv := Start(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcessUsesEnv$")
	cmd.Env = append(os.Environ(), srv.Env()...)
	cmd.Env = append(cmd.Env, "S3TEST_CHILD_BUCKET_URL="+srv.BucketURL())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if got := get(t, srv.Client(), srv.Bucket, "from-child"); got != "hello from the child" {
		t.Fatalf("got %q", got)
	}
}

func TestBucketName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	for name, prefix := range map[string]string{
		"TestFoo":                   "testfoo-",
		"TestFoo/sub_case#01":       "testfoo-sub-case-01-",
		"__":                        "bucket-",
		strings.Repeat("Ab/", 40):   "ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-ab-a-",
		"Test/With Spaces & Things": "test-with-spaces-things-",
	} {
		got := bucketName(name)
		if !strings.HasPrefix(got, prefix) || !valid.MatchString(got) {
			t.Errorf("bucketName(%q) = %q, want a valid name starting %q", name, got, prefix)
		}
	}
	if bucketName("T") == bucketName("T") {
		t.Error("two buckets for one test got the same name")
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		Start(b).Stop()
	}
}
