// Package lambdabench measures the Lambda function's cold start: the real
// bootstrap, built as grail deploy builds it, started as a fresh process
// under the Runtime API emulator, with the 10,000-post corpus in a bucket
// on a local S3 server. One run is the time from starting the process to
// the function's answer to its first event, a payload 2.0 GET of a post
// page, which is what the first reader after a cold start waits for on top
// of Lambda's own start-up.
//
//	go run ./bench/gencorpus -n 10000 -o ~/.cache/grail-bench/corpus-10000
//	go test -run '^$' -bench ColdStart -benchtime 1x ./bench/lambdabench
//
// GRAIL_BENCH_CORPUS names another corpus; GRAIL_BENCH_RUNS changes the
// number of runs (5).
package lambdabench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/grailblog/grail/internal/lambdahttp/runtimeapi"
	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

func BenchmarkColdStart(b *testing.B) {
	corpus := os.Getenv("GRAIL_BENCH_CORPUS")
	if corpus == "" {
		home, _ := os.UserHomeDir()
		corpus = filepath.Join(home, ".cache", "grail-bench", "corpus-10000")
	}
	if _, err := os.Stat(filepath.Join(corpus, "posts")); err != nil {
		b.Skipf("no corpus at %s; run: go run ./bench/gencorpus -n 10000 -o %s", corpus, corpus)
	}
	runs := 5
	if n, err := strconv.Atoi(os.Getenv("GRAIL_BENCH_RUNS")); err == nil && n > 0 {
		runs = n
	}
	bin := buildBootstrap(b)
	srv := s3test.Start(b)
	upload(b, srv, corpus)
	path := indexSite(b, srv)
	emu := runtimeapi.Start(b)
	env := append(os.Environ(), srv.Env()...)
	env = append(env, "AWS_LAMBDA_RUNTIME_API="+emu.Addr(),
		`GRAIL_CONFIG={"site":"`+srv.BucketURL()+`","trustForwardedHost":true}`)

	for b.Loop() {
		var total, ready []time.Duration
		for i := range runs {
			t, r := coldStart(b, bin, env, emu, path)
			b.Logf("run %d: first response after %v (ready after %v)", i+1, t.Round(100*time.Microsecond), r.Round(time.Millisecond))
			total, ready = append(total, t), append(ready, r)
		}
		slices.Sort(total)
		slices.Sort(ready)
		b.ReportMetric(ms(total[len(total)/2]), "ms-median")
		b.ReportMetric(ms(total[0]), "ms-min")
		b.ReportMetric(ms(total[len(total)-1]), "ms-max")
		b.ReportMetric(ms(ready[len(ready)/2]), "ms-ready-median")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// coldStart starts the bootstrap, sends it one event and returns the time
// to the answer and the time to the function's "ready" log line (the end
// of its initialisation).
func coldStart(b *testing.B, bin string, env []string, emu *runtimeapi.Emulator, path string) (total, ready time.Duration) {
	b.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	out, err := emu.Invoke(ctx, event(path))
	total = time.Since(start)
	cmd.Process.Kill()
	cmd.Wait()
	var res struct {
		StatusCode int `json:"statusCode"`
	}
	if err != nil || json.Unmarshal(out, &res) != nil || res.StatusCode != 200 {
		b.Fatalf("GET %s: %v %.200s\n%s", path, err, out, stderr.String())
	}
	return total, readyAfter(b, stderr.String())
}

// readyAfter reads how long initialisation took from the function's log.
func readyAfter(b *testing.B, log string) time.Duration {
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var line struct {
			Msg  string        `json:"msg"`
			Took time.Duration `json:"took"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "ready" {
			return line.Took
		}
	}
	b.Fatalf("no ready line in the function's log:\n%s", log)
	return 0
}

// event is a payload 2.0 GET as it arrives from CloudFront through an
// HTTP API.
func event(path string) []byte {
	return fmt.Appendf(nil, `{"version":"2.0","routeKey":"$default","rawPath":%q,"rawQueryString":"",`+
		`"headers":{"accept":"text/html,application/xhtml+xml","accept-encoding":"br, gzip","host":"abc123.execute-api.eu-west-1.amazonaws.com",`+
		`"user-agent":"Mozilla/5.0","via":"2.0 b1f3.cloudfront.net (CloudFront)","x-forwarded-host":"blog.example.com","x-forwarded-proto":"https"},`+
		`"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com","domainPrefix":"abc123",`+
		`"http":{"method":"GET","path":%q,"protocol":"HTTP/1.1","sourceIp":"130.176.0.1","userAgent":"Mozilla/5.0"},`+
		`"requestId":"bench","routeKey":"$default","stage":"$default","time":"01/Jun/2026:12:00:00 +0000","timeEpoch":1780315200000},`+
		`"isBase64Encoded":false}`, path, path)
}

// buildBootstrap builds cmd/grail as grail deploy does, for this machine.
func buildBootstrap(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, "github.com/grailblog/grail/cmd/grail")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// upload copies the corpus into the bucket, leaving out grail's own state
// (a folder's index holds a folder's versions).
func upload(b *testing.B, srv *s3test.Server, dir string) {
	b.Helper()
	var keys []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == "_grail" {
				return filepath.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		keys = append(keys, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	work := make(chan string)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for key := range work {
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(key)))
				if err == nil {
					_, err = srv.Client().PutObject(context.Background(), &s3.PutObjectInput{
						Bucket: aws.String(srv.Bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("put %s: %w", key, err):
					default:
					}
				}
			}
		})
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

// indexSite loads the site from the bucket, which writes the index
// snapshot a deployed site always has, and returns the path of a post
// from the middle of it.
func indexSite(b *testing.B, srv *s3test.Server) string {
	b.Helper()
	srv.SetEnv(b)
	ctx := context.Background()
	st, err := store.Open(ctx, srv.BucketURL(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	l := site.NewLoader(st, nil, nil)
	if _, err := l.Start(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := st.StatIndex(ctx); err != nil {
		b.Fatalf("no index written: %v", err)
	}
	s := l.Current()
	return s.URL(s.Posts[len(s.Posts)/2])
}
