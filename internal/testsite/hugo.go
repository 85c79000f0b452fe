package testsite

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// HugoBuild builds the Hugo site in src with the real hugo (Debian's,
// which scripts/install-test-deps.sh installs) and returns the folder it
// wrote, so that a test can hold grail to what Hugo publishes. Without
// hugo on PATH the test is skipped, saying why.
func HugoBuild(t testing.TB, src string) string {
	t.Helper()
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		t.Skip("hugo is not on PATH (scripts/install-test-deps.sh installs it): cannot compare with Hugo's own build")
	}
	out := t.TempDir()
	cmd := exec.Command(hugo, "--source", src, "--destination", out, "--quiet")
	cmd.Env = append(os.Environ(), "HUGO_CACHEDIR="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil || bytes.Contains(b, []byte("ERROR")) {
		t.Fatalf("hugo: %v\n%s", err, b)
	}
	return out
}

// HugoSite writes files into a new folder and builds it with HugoBuild.
func HugoSite(t testing.TB, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	WriteFiles(t, src, files)
	return HugoBuild(t, filepath.Clean(src))
}
