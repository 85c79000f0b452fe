// Package s3test runs a real S3-compatible server for tests: versitygw with
// its posix backend, on a free 127.0.0.1 port, over a temporary directory.
//
//	srv := s3test.Start(t)
//	srv.SetEnv(t)                      // or cmd.Env = append(os.Environ(), srv.Env()...)
//	bucket, err := blob.OpenBucket(ctx, srv.BucketURL())
//
// A real server rather than a fake, because grail relies on behaviour fakes
// get wrong: conditional writes, ETags, presigned URLs and request signing.
// See README.md for what the pinned version was verified to do.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const (
	readyTimeout = 30 * time.Second
	stopGrace    = 5 * time.Second
	portAttempts = 3
)

// errExited means the server process ended before it was ready, most often
// because another process took its port first.
var errExited = errors.New("server exited before it was ready")

// Server is one running S3-compatible server. Its fields are what a client
// needs to reach it; they do not change across Restart.
type Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	Region    string
	AccessKey string
	SecretKey string
	Bucket    string // created empty by Start

	addr    string
	bin     string
	dataDir string
	logPath string

	clientOnce sync.Once
	client     *s3.Client

	mu   sync.Mutex
	proc *process
}

type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait returns
	err    error
}

// Start runs a server for the duration of the test and creates Bucket in it.
// It is safe in parallel tests: every call gets its own process, port,
// data directory and credentials.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		Region:    "us-east-1",
		AccessKey: "grailtest",
		SecretKey: randomHex(20),
		bin:       serverBin(t),
		dataDir:   t.TempDir(),
		logPath:   filepath.Join(t.TempDir(), "versitygw.log"),
	}
	// Registered after the TempDir cleanups, so it runs before them: the
	// directories are removed only once the process is gone.
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("s3test: server log:\n%s", s.log())
		}
	})
	if err := s.launchOnFreePort(); err != nil {
		t.Fatalf("s3test: %v\nserver log:\n%s", err, s.log())
	}
	s.Bucket = s.createBucket(t)
	return s
}

func (s *Server) launchOnFreePort() error {
	var err error
	for range portAttempts {
		var port int
		if port, err = freePort(); err != nil {
			return err
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		s.Endpoint = "http://" + s.addr
		if err = s.launch(); !errors.Is(err, errExited) {
			return err
		}
	}
	return err
}

// freePort asks the kernel for an unused port. Another process may take it
// before the server binds it; launchOnFreePort retries for that case.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch starts the process on s.addr over s.dataDir and waits until it
// answers an authenticated request.
func (s *Server) launch() error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close() // the child holds its own copy
	cmd := exec.Command(s.bin,
		"--port", s.addr,
		"--access", s.AccessKey,
		"--secret", s.SecretKey,
		"--region", s.Region,
		"--quiet",
		"posix", s.dataDir)
	// A minimal environment: versitygw reads many VGW_* and ROOT_* variables
	// that would otherwise leak in from the developer's shell.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	if err := s.waitReady(p); err != nil {
		s.Stop()
		return err
	}
	return nil
}

// waitReady polls ListBuckets. It is cheap, and because it is signed with
// this server's secret, a different server that grabbed the port cannot
// pass for ours.
func (s *Server) waitReady(p *process) error {
	c := s.newClient(func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	deadline := time.Now().Add(readyTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%w on %s: %v", errExited, s.addr, p.err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server on %s not ready after %v: %v", s.addr, readyTimeout, err)
		}
	}
}

// Stop ends the server: SIGTERM, then SIGKILL if it has not exited within
// a grace period. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopGrace):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Restart stops the server and starts it again on the same port and data
// directory, so clients keep working and objects survive: for fault tests.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.launch(); err != nil {
		t.Fatalf("s3test: restart: %v\nserver log:\n%s", err, s.log())
	}
}

// BucketURL is Bucket as a gocloud.dev s3blob URL. Credentials are not part
// of it: the opener reads them from the standard AWS chain, so set Env (or
// call SetEnv) first.
func (s *Server) BucketURL() string { return s.bucketURL(s.Bucket) }

func (s *Server) bucketURL(bucket string) string {
	q := url.Values{
		"region":         {s.Region},
		"endpoint":       {s.Endpoint},
		"use_path_style": {"true"}, // 127.0.0.1 has no bucket subdomains
	}
	return (&url.URL{Scheme: "s3", Host: bucket, RawQuery: q.Encode()}).String()
}

// NewBucket creates another empty bucket and returns its URL.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	return s.bucketURL(s.createBucket(t))
}

func (s *Server) createBucket(t testing.TB) string {
	t.Helper()
	name := bucketName(t.Name())
	_, err := s.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	if err != nil {
		t.Fatalf("s3test: create bucket %q: %v", name, err)
	}
	return name
}

// Env is the environment a process needs to reach this server through the
// standard AWS credential chain: append it to os.Environ() for a child
// process. Empty values clear variables from the developer's shell that
// would otherwise point the SDK at a real account or another endpoint.
func (s *Server) Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s.SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + s.Region,
		"AWS_PROFILE=",
		"AWS_ENDPOINT_URL=",
		"AWS_ENDPOINT_URL_S3=",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// SetEnv applies Env to the current process for the duration of the test.
// Like t.Setenv, it panics in parallel tests; those should give Env to a
// child process or use Client instead.
func (s *Server) SetEnv(t testing.TB) {
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Client returns an S3 client for this server, for setting up fixtures and
// asserting on what the code under test wrote. It ignores the environment.
func (s *Server) Client() *s3.Client {
	s.clientOnce.Do(func() { s.client = s.newClient() })
	return s.client
}

func (s *Server) newClient(optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
	}, optFns...)
}

func (s *Server) log() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	const keep = 8 << 10 // the end says why it stopped
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// bucketName turns a test name into a valid, unique bucket name, so a
// leftover data directory says which test made it.
func bucketName(testName string) string {
	var b strings.Builder
	dash := false // collapse runs of other characters into one dash
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	name := b.String()
	if len(name) > 40 {
		name = strings.TrimRight(name[:40], "-")
	}
	if name == "" {
		name = "bucket"
	}
	return name + "-" + randomHex(4)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
