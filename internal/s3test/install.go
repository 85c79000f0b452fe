package s3test

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The server is pinned so every machine tests against the same S3 semantics;
// scripts/install-test-deps.sh installs the same version.
const (
	ServerModule  = "github.com/versity/versitygw"
	ServerVersion = "v1.8.0"
	serverPackage = ServerModule + "/cmd/versitygw"
	serverBinary  = "versitygw"
	installScript = "scripts/install-test-deps.sh"
)

var (
	binMu   sync.Mutex
	binPath string // resolved once per test binary
	binErr  error  // a failed install is not retried by every test
)

// binDirs lists where the server binary may already be, the first being
// where a missing one is installed. $GRAIL_TEST_BIN overrides all others.
func binDirs() []string {
	if d := os.Getenv("GRAIL_TEST_BIN"); d != "" {
		return []string{d}
	}
	var dirs []string
	if c, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(c, "grail-test", "bin"))
	}
	if gp := filepath.SplitList(build.Default.GOPATH); len(gp) > 0 && gp[0] != "" {
		dirs = append(dirs, filepath.Join(gp[0], "bin"))
	}
	return dirs
}

// isPinned reports whether path is a server binary built from the pinned
// version. The build info embedded by go install is the only trustworthy
// version source: the binary's own --version prints "git" for such builds.
func isPinned(path string) bool {
	info, err := buildinfo.ReadFile(path)
	return err == nil && info.Main.Path == ServerModule && info.Main.Version == ServerVersion
}

func findBinary() string {
	for _, d := range binDirs() {
		if p := filepath.Join(d, serverBinary); isPinned(p) {
			return p
		}
	}
	return ""
}

// serverBin returns the path of the pinned server binary, installing it
// when no candidate directory has it.
func serverBin(t testing.TB) string {
	t.Helper()
	binMu.Lock()
	defer binMu.Unlock()
	if binPath == "" && binErr == nil {
		binPath, binErr = locateOrInstall(t)
	}
	if binErr != nil {
		t.Fatalf("s3test: %v\nrun %s to install the test dependencies", binErr, installScript)
	}
	return binPath
}

func locateOrInstall(t testing.TB) (string, error) {
	if p := findBinary(); p != "" {
		return p, nil
	}
	dirs := binDirs()
	if len(dirs) == 0 {
		return "", fmt.Errorf("no directory to install %s into; set GRAIL_TEST_BIN", serverBinary)
	}
	return install(t, dirs[0])
}

// install runs go install into dir under a file lock, because several test
// binaries (one per package) may all find the binary missing at once.
func install(t testing.TB, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(dir, "."+serverBinary+".lock"))
	if err != nil {
		return "", err
	}
	defer unlock()

	p := filepath.Join(dir, serverBinary)
	if isPinned(p) { // another process installed it while we waited
		return p, nil
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("installing %s needs the go command: %w", serverBinary, err)
	}
	t.Logf("s3test: installing %s@%s into %s (takes minutes on a cold cache)", serverPackage, ServerVersion, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "install", serverPackage+"@"+ServerVersion)
	// Outside any module, so the project's go.mod plays no part in the build.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", serverPackage, ServerVersion, err, out)
	}
	if !isPinned(p) {
		return "", fmt.Errorf("go install succeeded but %s is not %s@%s", p, ServerModule, ServerVersion)
	}
	return p, nil
}
