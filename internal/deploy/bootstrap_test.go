package deploy

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// maxZipBytes keeps cold starts short and leaves room under Lambda's 50 MB
// limit for direct uploads.
const maxZipBytes = 15 << 20

func TestZipBootstrap(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bootstrap")
	content := bytes.Repeat([]byte("not really an executable\n"), 1000)
	if err := os.WriteFile(bin, content, 0o644); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	if err := ZipBootstrap(bin, a); err != nil {
		t.Fatal(err)
	}
	// Zipped again later, an unchanged binary gives the same bytes, so the
	// CDK's asset hash does not change and the function is not updated.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(bin, later, later); err != nil {
		t.Fatal(err)
	}
	if err := ZipBootstrap(bin, b); err != nil {
		t.Fatal(err)
	}
	za, _ := os.ReadFile(a)
	zb, _ := os.ReadFile(b)
	if !bytes.Equal(za, zb) {
		t.Error("two zips of the same binary differ")
	}

	got := readBootstrap(t, a)
	if !bytes.Equal(got, content) {
		t.Error("the zipped bootstrap differs from the binary")
	}
}

// readBootstrap checks that the zip holds exactly one regular file,
// bootstrap, with mode 0755, and returns its contents.
func readBootstrap(t *testing.T, zipPath string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		t.Fatalf("zip holds %q, want just bootstrap", names)
	}
	f := zr.File[0]
	if mode := f.Mode(); !mode.IsRegular() || mode.Perm() != 0o755 {
		t.Errorf("bootstrap mode = %v, want -rwxr-xr-x", mode)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestBootstrapForLambda(t *testing.T) {
	if testing.Short() {
		t.Skip("builds grail for linux/arm64")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	bin, err := BuildBootstrap(context.Background(), root, dir, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "bootstrap.zip")
	if err := ZipBootstrap(bin, zipPath); err != nil {
		t.Fatal(err)
	}

	fi, err := os.Stat(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bootstrap.zip is %.2f MB", float64(fi.Size())/(1<<20))
	if fi.Size() >= maxZipBytes {
		t.Errorf("bootstrap.zip is %d bytes, want under %d (15 MB)", fi.Size(), maxZipBytes)
	}

	exe, err := elf.NewFile(bytes.NewReader(readBootstrap(t, zipPath)))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF executable: %v", err)
	}
	if exe.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is for %v, want EM_AARCH64 (arm64)", exe.Machine)
	}
	for _, p := range exe.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("bootstrap is dynamically linked; provided.al2023 needs a static binary (CGO_ENABLED=0)")
		}
	}
}

// TestDryRun runs grail deploy --dry-run for real: the build, the zip, and
// the CDK CLI from deploy/node_modules, without AWS credentials.
func TestDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds grail and runs the CDK")
	}
	requireNode(t)
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "deploy", "node_modules")); err != nil {
		t.Skip("deploy/node_modules is missing: run `npm ci` in deploy/ to test the real cdk synth")
	}
	isolateAWS(t)
	t.Setenv("CDK_DISABLE_CLI_TELEMETRY", "true")
	t.Setenv("CDK_DISABLE_VERSION_CHECK", "true")
	t.Chdir(filepath.Join(root, "internal"))

	out := t.TempDir()
	var stdout bytes.Buffer
	err := Run(context.Background(), Options{
		Stage:     "staging",
		FrontDoor: "rest",
		DryRun:    true,
		OutDir:    out,
		Stdout:    &stdout,
		Stderr:    testWriter{t},
	})
	if err != nil {
		t.Fatal(err)
	}

	templatePath := filepath.Join(out, "grail-staging.template.json")
	if want := "Template for grail-staging: " + templatePath + "\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
	data, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	var template struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(data, &template); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range template.Resources {
		types = append(types, r.Type)
		if r.Type == "AWS::Lambda::Function" {
			if r.Properties["FunctionName"] != "grail-staging" || r.Properties["Runtime"] != "provided.al2023" {
				t.Errorf("function = %v, want grail-staging on provided.al2023", r.Properties)
			}
		}
	}
	for _, want := range []string{"AWS::Lambda::Function", "AWS::ApiGateway::RestApi", "AWS::CloudFront::Distribution", "AWS::S3::Bucket"} {
		if !strings.Contains(strings.Join(types, " "), want) {
			t.Errorf("template has no %s", want)
		}
	}

	// The asset the CDK would upload is the zip that was built.
	assets, _ := filepath.Glob(filepath.Join(out, "asset.*.zip"))
	if len(assets) != 1 {
		t.Fatalf("cloud assembly holds %d zip assets, want 1", len(assets))
	}
	exe, err := elf.NewFile(bytes.NewReader(readBootstrap(t, assets[0])))
	if err != nil || exe.Machine != elf.EM_AARCH64 {
		t.Errorf("asset bootstrap is not an arm64 ELF executable (%v)", err)
	}
}

func requireNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm", "npx"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
	}
}

// testWriter sends a command's output to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
