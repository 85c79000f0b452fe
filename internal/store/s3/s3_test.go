package s3

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store/backend"
	"github.com/grailblog/grail/internal/store/backend/backendtest"
)

func server(t *testing.T) *s3test.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	return srv
}

func open(t *testing.T, url string) *Backend {
	t.Helper()
	b, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestContract(t *testing.T) {
	srv := server(t)
	backendtest.Run(t, func(t *testing.T) backend.Backend { return open(t, srv.NewBucket(t)) })
}

// TestDenied: wrong credentials are a refusal, at open and afterwards.
func TestDenied(t *testing.T) {
	srv := server(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	_, err := Open(context.Background(), srv.BucketURL())
	if !errors.Is(err, backend.ErrDenied) || !strings.Contains(err.Error(), "access denied") {
		t.Errorf("open with a wrong secret: %v, want ErrDenied saying access denied", err)
	}
	if err != nil && strings.Contains(err.Error(), srv.SecretKey) {
		t.Error("the error shows the secret key")
	}
}

// TestUnavailable: while the server is down every request says the store
// is unavailable — never that the object is missing — and once it is back
// the same backend works again.
func TestUnavailable(t *testing.T) {
	srv := server(t)
	b := open(t, srv.BucketURL())
	ctx := context.Background()
	if _, err := b.Write(ctx, "media/a.png", []byte("png"), backend.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	_, err := b.Stat(ctx, "media/a.png")
	wantUnavailable(t, "stat", err)
	_, _, err = b.ReadAll(ctx, "media/missing.png")
	wantUnavailable(t, "read", err)
	_, err = b.Write(ctx, "media/b.png", []byte("png"), backend.WriteOptions{IfAbsent: true})
	wantUnavailable(t, "write", err)
	wantUnavailable(t, "list", b.List(ctx, "", func(backend.ObjectInfo) error { return nil }))
	srv.Restart(t)
	if _, err := b.Stat(ctx, "media/a.png"); err != nil {
		t.Errorf("after the restart: %v", err)
	}
}

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, backend.ErrUnavailable) || errors.Is(err, backend.ErrNotFound) {
		t.Errorf("%s while the server is down: %v, want ErrUnavailable only", what, err)
	}
}

// TestNoCredentials: with no credentials anywhere, open says so.
func TestNoCredentials(t *testing.T) {
	srv := server(t)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"} {
		t.Setenv(v, "")
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err := Open(context.Background(), srv.BucketURL())
	if !errors.Is(err, backend.ErrDenied) || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("open without credentials: %v, want ErrDenied saying no AWS credentials", err)
	}
}
