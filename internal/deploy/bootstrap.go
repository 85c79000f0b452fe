package deploy

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// zipTime is the modification time written into the zip. A fixed time makes
// the zip of an unchanged binary byte-for-byte the same, so the CDK sees the
// same asset hash and leaves the function alone.
var zipTime = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// BuildBootstrap compiles ./cmd/grail in root for the Lambda custom runtime
// (linux/arm64, static, no RPC shim) into dir/bootstrap and returns its path.
// The compiler's messages go to stderr.
func BuildBootstrap(ctx context.Context, root, dir string, stderr io.Writer) (string, error) {
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.CommandContext(ctx, "go", "build",
		"-tags", "lambda.norpc",
		"-trimpath",
		"-ldflags", "-s -w",
		"-o", out,
		"./cmd/grail")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	cmd.Stdout = stderr
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the Lambda bootstrap: %v", err)
	}
	return out, nil
}

// ZipBootstrap writes the executable bin into a new zip at zipPath as the
// single entry "bootstrap", mode 0755: Lambda's custom runtime runs that file
// and refuses it without the executable bit.
func ZipBootstrap(bin, zipPath string) (err error) {
	in, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer in.Close()

	f, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipTime}
	// SetMode records Unix attributes, which is where Lambda reads the mode.
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("zip %s: %w", bin, err)
	}
	return zw.Close()
}

// placeholderZip writes an empty zip. Destroying a stack still runs the CDK
// app, which wants its code asset to exist, but never uploads it; building
// grail just to delete it would waste a minute.
func placeholderZip(zipPath string) error {
	f, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	if err := zip.NewWriter(f).Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
