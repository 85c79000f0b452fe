// Command coldstart-s3 measures how long grail serve takes from process
// start to the first 200 for a post, with the site in an S3 bucket on a
// local S3 server (versitygw), in two ways:
//
//	(a) as grail runs: one GET of the index snapshot, then the page;
//	(b) naive: the index deleted before each run, so the server lists and
//	    reads every object first.
//
// It also times grail push and pull of the corpus. Run it from the
// repository root:
//
//	go run ./bench/coldstart-s3 [-n 10000] [-runs 5] [-corpus DIR]
//
// versitygw is the one the tests use (scripts/install-test-deps.sh puts it
// in ~/.cache/grail-test/bin).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"go/build"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func main() {
	n := flag.Int("n", 10000, "posts in the generated corpus")
	runs := flag.Int("runs", 5, "runs of each way of starting")
	corpus := flag.String("corpus", "", "site folder to push (default: generate one with bench/gencorpus)")
	gw := flag.String("versitygw", findVersitygw(), "versitygw binary")
	flag.Parse()
	if err := run(*n, *runs, *corpus, *gw); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart-s3:", err)
		os.Exit(1)
	}
}

func run(n, runs int, corpus, gw string) error {
	if gw == "" {
		return errors.New("no versitygw found; run scripts/install-test-deps.sh or pass -versitygw")
	}
	work, err := os.MkdirTemp("", "grail-coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	grail := filepath.Join(work, "grail")
	if err := command("go", "build", "-o", grail, "./cmd/grail").Run(); err != nil {
		return fmt.Errorf("build grail: %w", err)
	}
	if corpus == "" {
		corpus = filepath.Join(work, "corpus")
		if err := command("go", "run", "./bench/gencorpus", "-n", fmt.Sprint(n), "-o", corpus).Run(); err != nil {
			return fmt.Errorf("generate the corpus: %w", err)
		}
	}
	s3srv, err := startS3(gw, filepath.Join(work, "s3"))
	if err != nil {
		return err
	}
	defer s3srv.stop()
	b := &bench{grail: grail, s3: s3srv, bucket: s3srv.bucketURL()}
	printMachine()
	defer func() { fmt.Printf("load average at the end: %s\n", loadAverage()) }()

	if err := b.transfers(corpus, filepath.Join(work, "pulled")); err != nil {
		return err
	}
	slug, err := b.pickPost()
	if err != nil {
		return err
	}
	fmt.Printf("\nstart to first 200 for /blog/%s, %d runs each:\n", slug, runs)
	indexed, err := b.series("(a) index snapshot", runs, slug, nil)
	if err != nil {
		return err
	}
	naive, err := b.series("(b) no index", runs, slug, b.deleteIndex)
	if err != nil {
		return err
	}
	fmt.Printf("\nmedian (a) %v, (b) %v: (b) takes %.1f× as long\n",
		indexed.Round(time.Millisecond), naive.Round(time.Millisecond), float64(naive)/float64(indexed))
	return nil
}

// printMachine prints what the figures depend on.
func printMachine() {
	model := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(data); m != nil {
			model = string(m[1])
		}
	}
	fmt.Printf("machine: %d CPUs (%s), %s, load average %s\n", runtime.NumCPU(), model, runtime.Version(), loadAverage())
}

// loadAverage is the 1, 5 and 15 minute load averages: other work on the
// machine skews the figures.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

type bench struct {
	grail  string
	s3     *s3Server
	bucket string
}

// transfers times a first push, a push with nothing to do, and a pull
// into an empty folder.
func (b *bench) transfers(corpus, pulled string) error {
	for _, step := range []struct{ what, from, to string }{
		{"push into an empty bucket", corpus, b.bucket},
		{"push again, nothing changed", corpus, b.bucket},
		{"pull into an empty folder", b.bucket, pulled},
	} {
		verb := "push"
		if step.to == pulled {
			verb = "pull"
		}
		cmd := b.command(verb, step.from, step.to)
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("grail %s: %w", verb, err)
		}
		fmt.Printf("%-28s %s  (whole command, index included: %.1f s)\n", step.what+":",
			strings.TrimSpace(out.String()), time.Since(start).Seconds())
	}
	return nil
}

// pickPost asks a server for its home page and takes the first post.
func (b *bench) pickPost() (string, error) {
	s, start, err := b.serve()
	if err != nil {
		return "", err
	}
	defer s.stop()
	if _, err := s.waitOK(start, "/"); err != nil {
		return "", err
	}
	_, body, err := get(s.url + "/")
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`href="/blog/([^"/]+)"`).FindStringSubmatch(body)
	if m == nil {
		return "", errors.New("the home page links no post")
	}
	return m[1], nil
}

// series starts a server runs times, calling before ahead of each start,
// and returns the median time from process start to the first 200.
func (b *bench) series(name string, runs int, slug string, before func() error) (time.Duration, error) {
	var times []time.Duration
	for i := range runs {
		if before != nil {
			if err := before(); err != nil {
				return 0, err
			}
		}
		// Let the S3 server finish with the previous server's requests (it
		// lists the bucket in the background once it is up).
		time.Sleep(time.Second)
		s, start, err := b.serve()
		if err != nil {
			return 0, err
		}
		d, err := s.waitOK(start, "/blog/"+slug)
		s.stop()
		if err != nil {
			return 0, err
		}
		fmt.Printf("%s run %d: %v (grail's log: site loaded in %s)\n", name, i+1, d.Round(time.Millisecond), s.loadTime())
		times = append(times, d)
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// deleteIndex removes the index snapshot so the next server loads every
// source (and writes a new snapshot).
func (b *bench) deleteIndex() error {
	_, err := b.s3.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{
		Bucket: aws.String(b.s3.bucket), Key: aws.String("_grail/index.json.gz")})
	return err
}

func (b *bench) command(args ...string) *exec.Cmd {
	cmd := exec.Command(b.grail, args...)
	cmd.Env = append(os.Environ(), b.s3.env()...)
	cmd.Stderr = os.Stderr
	return cmd
}

type grailServer struct {
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer // its stderr
	done chan struct{}
}

// lockedBuffer collects a child's output while the benchmark reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// serve starts grail serve on a free port and returns when the process
// has started, with the time it was started.
func (b *bench) serve() (*grailServer, time.Time, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, time.Time{}, err
	}
	s := &grailServer{url: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = b.command("serve", "--addr", addr, "--access-log=false", b.bucket)
	s.cmd.Stderr = s.out
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, start, err
	}
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	return s, start, nil
}

// waitOK polls path until it answers 200 and returns the time since start.
func (s *grailServer) waitOK(start time.Time, path string) (time.Duration, error) {
	for deadline := start.Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if code, _, err := get(s.url + path); err == nil && code == http.StatusOK {
			return time.Since(start), nil
		}
		if s.exited() {
			return 0, fmt.Errorf("grail serve exited:\n%s", s.out.String())
		}
	}
	return 0, fmt.Errorf("no 200 for %s within 2 minutes:\n%s", path, s.out.String())
}

func (s *grailServer) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *grailServer) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

var tookRE = regexp.MustCompile(`msg="site loaded".* from_index=(\w+) took=(\S+)`)

// loadTime is what grail logged about loading the site (before it
// started to listen).
func (s *grailServer) loadTime() string {
	m := tookRE.FindStringSubmatch(s.out.String())
	if m == nil {
		return "?"
	}
	return m[2] + ", from_index=" + m[1]
}

var client = &http.Client{Timeout: 30 * time.Second}

func get(u string) (int, string, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd
}

// s3Server is a versitygw process over a folder, with one bucket.
type s3Server struct {
	endpoint, access, secret, bucket string
	cmd                              *exec.Cmd
	client                           *s3.Client
}

func startS3(bin, dir string) (*s3Server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 20)
	rand.Read(secret)
	s := &s3Server{endpoint: "http://" + addr, access: "grailbench", secret: hex.EncodeToString(secret), bucket: "coldstart"}
	s.cmd = exec.Command(bin, "--port", addr, "--access", s.access, "--secret", s.secret, "--region", "us-east-1", "--quiet", "posix", dir)
	s.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	s.client = s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s.access, s.secret, "")})
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err = s.client.ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("versitygw not ready: %w", err)
		}
	}
	if _, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *s3Server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
}

func (s *s3Server) bucketURL() string {
	q := url.Values{"region": {"us-east-1"}, "endpoint": {s.endpoint}, "use_path_style": {"true"}}
	return "s3://" + s.bucket + "?" + q.Encode()
}

// env points a grail process at this server and nothing else.
func (s *s3Server) env() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + s.access, "AWS_SECRET_ACCESS_KEY=" + s.secret, "AWS_SESSION_TOKEN=",
		"AWS_REGION=us-east-1", "AWS_PROFILE=", "AWS_ENDPOINT_URL=", "AWS_ENDPOINT_URL_S3=", "AWS_EC2_METADATA_DISABLED=true"}
}

// findVersitygw looks where the tests install it.
func findVersitygw() string {
	var dirs []string
	if d := os.Getenv("GRAIL_TEST_BIN"); d != "" {
		dirs = append(dirs, d)
	}
	if c, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(c, "grail-test", "bin"))
	}
	if gp := filepath.SplitList(build.Default.GOPATH); len(gp) > 0 {
		dirs = append(dirs, filepath.Join(gp[0], "bin"))
	}
	for _, d := range dirs {
		if p := filepath.Join(d, "versitygw"); isFile(p) {
			return p
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
