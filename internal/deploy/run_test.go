package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// stubTools puts shell scripts for node, npm, npx and go on PATH that log
// their arguments to files in the returned directory instead of working.
// The npx stub writes a stack outputs file when asked for one, as cdk
// deploy does.
func stubTools(t *testing.T) (logs string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("stub tools are shell scripts")
	}
	bin, logs := t.TempDir(), t.TempDir()
	scripts := map[string]string{
		"node": `echo v20.20.2`,
		"npm":  `printf '%s\n' "$@" > LOGS/npm; mkdir node_modules`,
		"go": `printf '%s\n' "$@" > LOGS/go
echo "GOOS=$GOOS GOARCH=$GOARCH CGO_ENABLED=$CGO_ENABLED" > LOGS/go-env
while [ $# -gt 0 ]; do
	if [ "$1" = -o ]; then shift; echo binary > "$1"; fi
	shift
done`,
		"npx": `printf '%s\n' "$@" > LOGS/npx
pwd > LOGS/npx-dir
env | grep '^CDK_' > LOGS/npx-env
while [ $# -gt 0 ]; do
	if [ "$1" = -c ]; then case "$2" in bootstrapZip=*) test -s "${2#bootstrapZip=}" && echo yes > LOGS/zip-existed;; esac; fi
	if [ "$1" = --outputs-file ]; then
		printf '{"grail-prod":{"SiteUrl":"https://blog.example.com/","CdnDomainName":"d111111abcdef8.cloudfront.net","BucketName":"grail-prod-content1a2b3c"}}' > "$2"
	fi
	shift
done`,
	}
	for name, body := range scripts {
		script := "#!/bin/sh\n" + strings.ReplaceAll(body, "LOGS", logs) + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Ahead of the real PATH, which the scripts need for mkdir.
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return logs
}

// fakeSource makes a directory that passes for grail's source.
func fakeSource(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/grailblog/grail\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "deploy"), 0o755)
	os.WriteFile(filepath.Join(root, "deploy", "cdk.json"), []byte("{}"), 0o644)
	return root
}

func logged(t *testing.T, logs, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(logs, name))
	if err != nil {
		t.Fatalf("%s was not run: %v", name, err)
	}
	return string(data)
}

// lines joins an argument log into one line for matching.
func lines(s string) string { return strings.Join(strings.Fields(s), " ") }

func withCredentials(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_REGION", "eu-west-1")
}

func TestRunDeploy(t *testing.T) {
	logs := stubTools(t)
	withCredentials(t)
	root := fakeSource(t)
	aws := newFakeAWS()

	var stdout bytes.Buffer
	err := Run(context.Background(), Options{
		Stage:      "prod",
		FrontDoor:  "rest",
		Invalidate: true,
		Yes:        true,
		Domain:     Domain{Name: "blog.example.com", CertificateARN: testCert},
		Context:    []string{"throttleRate=50"},
		Source:     root,
		Stdout:     &stdout,
		cloud:      aws.cloud(),
	})
	if err != nil {
		t.Fatal(err)
	}

	if got := logged(t, logs, "go-env"); got != "GOOS=linux GOARCH=arm64 CGO_ENABLED=0\n" {
		t.Errorf("go build environment: %q", got)
	}
	if got, want := lines(logged(t, logs, "go")), `build -tags lambda.norpc -trimpath -ldflags -s -w -o `; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " ./cmd/grail") {
		t.Errorf("go %s", got)
	}
	if got := lines(logged(t, logs, "npm")); got != "ci --no-audit --no-fund" {
		t.Errorf("npm %s, want npm ci when node_modules is missing", got)
	}
	if got := strings.TrimSpace(logged(t, logs, "npx-dir")); got != filepath.Join(root, "deploy") {
		t.Errorf("cdk ran in %s, want deploy/", got)
	}
	if logged(t, logs, "zip-existed") != "yes\n" {
		t.Error("the bootstrap zip did not exist while cdk ran")
	}
	cdk := lines(logged(t, logs, "npx"))
	for _, want := range []string{
		"--no-install cdk deploy grail-prod --outputs-file ",
		"--require-approval never",
		"--output " + filepath.Join(root, "deploy", "cdk.out"),
		"-c stage=prod",
		"-c frontDoor=rest",
		"-c invalidate=true",
		"-c domainName=blog.example.com",
		"-c certificateArn=" + testCert,
		"-c throttleRate=50",
		"-c originSecretVersion=1",
	} {
		if !strings.Contains(cdk, want) {
			t.Errorf("npx %s\nwant it to contain %q", cdk, want)
		}
	}
	if !strings.Contains(stdout.String(), "Site: https://blog.example.com/\n") {
		t.Errorf("stdout = %q, want the site URL", stdout.String())
	}

	// The first deploy makes the origin secret, and says what to do next.
	secret, ok := aws.params[OriginSecretParameter("prod")]
	if !ok || secret.version != 1 || len(secret.value) < 40 {
		t.Errorf("origin secret after the first deploy: %+v, want version 1 of a long random value", secret)
	}
	for _, want := range []string{
		"Created the origin secret /grail/prod/origin-secret.",
		"grail user add NAME --site 's3://grail-prod-content1a2b3c?region=eu-west-1'",
		"grail push DIR 's3://grail-prod-content1a2b3c?region=eu-west-1'",
		"https://blog.example.com/admin",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout = %q\nwant it to contain %q", stdout.String(), want)
		}
	}
	if strings.Contains(stdout.String(), secret.value) || strings.Contains(logged(t, logs, "npx"), secret.value) {
		t.Error("the secret itself was printed or passed to the CDK")
	}
}

func TestRunRotatesOriginSecret(t *testing.T) {
	logs := stubTools(t)
	withCredentials(t)
	root := fakeSource(t)
	aws := newFakeAWS()

	deploy := func(rotate bool) fakeParameter {
		t.Helper()
		if err := Run(context.Background(), Options{Stage: "prod", Source: root, RotateOriginSecret: rotate, cloud: aws.cloud()}); err != nil {
			t.Fatal(err)
		}
		p := aws.params[OriginSecretParameter("prod")]
		if cdk := lines(logged(t, logs, "npx")); !strings.Contains(cdk, fmt.Sprintf("-c originSecretVersion=%d", p.version)) {
			t.Errorf("npx %s\nwant CloudFront to be given version %d", cdk, p.version)
		}
		return p
	}
	first := deploy(false)
	if again := deploy(false); again != first {
		t.Errorf("a deploy without --rotate-origin-secret changed the secret: %+v, then %+v", first, again)
	}
	rotated := deploy(true)
	if rotated.version != 2 || rotated.value == first.value {
		t.Errorf("after --rotate-origin-secret: %+v, want version 2 with a new value (was %+v)", rotated, first)
	}
}

func TestRunDryRunOffline(t *testing.T) {
	logs := stubTools(t)
	isolateAWS(t) // no credentials: a dry run needs none
	root := fakeSource(t)

	if err := Run(context.Background(), Options{Stage: "dev", DryRun: true, Source: root}); err != nil {
		t.Fatal(err)
	}
	cdk := lines(logged(t, logs, "npx"))
	if !strings.HasPrefix(cdk, "--no-install cdk synth grail-dev --quiet --no-notices ") {
		t.Errorf("npx %s: want a synth without notices", cdk)
	}
	if strings.Contains(cdk, "originSecretVersion") {
		t.Errorf("npx %s: a dry run cannot know the secret's version", cdk)
	}
	env := logged(t, logs, "npx-env")
	for _, want := range []string{"CDK_DISABLE_CLI_TELEMETRY=true", "CDK_DISABLE_VERSION_CHECK=true"} {
		if !strings.Contains(env, want+"\n") {
			t.Errorf("the CDK's environment lacks %s:\n%s", want, env)
		}
	}
}

func TestRunDeployAsks(t *testing.T) {
	logs := stubTools(t)
	withCredentials(t)
	root := fakeSource(t)
	os.Mkdir(filepath.Join(root, "deploy", "node_modules"), 0o755)

	if err := Run(context.Background(), Options{Stage: "prod", Source: root, cloud: newFakeAWS().cloud()}); err != nil {
		t.Fatal(err)
	}
	if cdk := lines(logged(t, logs, "npx")); strings.Contains(cdk, "--require-approval") {
		t.Errorf("npx %s: without --yes the CDK should ask", cdk)
	}
	if _, err := os.Stat(filepath.Join(logs, "npm")); err == nil {
		t.Error("npm ci ran although node_modules exists")
	}
}

func TestRunDestroy(t *testing.T) {
	logs := stubTools(t)
	withCredentials(t)
	root := fakeSource(t)

	var stdout bytes.Buffer
	aws := newFakeAWS()
	delete(aws.params, bootstrapVersionParameter) // destroying needs no bootstrap
	if err := Run(context.Background(), Options{Stage: "dev", Destroy: true, Yes: true, Source: root, Stdout: &stdout, cloud: aws.cloud()}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(logs, "go")); err == nil {
		t.Error("destroy built grail")
	}
	if cdk := lines(logged(t, logs, "npx")); !strings.HasPrefix(cdk, "--no-install cdk destroy grail-dev --force ") {
		t.Errorf("npx %s", cdk)
	}
	if _, ok := aws.params[OriginSecretParameter("dev")]; ok {
		t.Error("destroy made an origin secret")
	}
	if !strings.Contains(stdout.String(), "keeps its content bucket") {
		t.Errorf("stdout = %q, want a word about the kept bucket", stdout.String())
	}
}

func TestRunStopsBeforeWork(t *testing.T) {
	logs := stubTools(t)
	isolateAWS(t)
	root := fakeSource(t)

	err := Run(context.Background(), Options{Stage: "dev", Source: root})
	if err == nil || !strings.HasPrefix(err.Error(), "no AWS credentials") {
		t.Fatalf("Run() = %v, want no AWS credentials", err)
	}
	entries, _ := os.ReadDir(logs)
	if len(entries) != 0 {
		t.Errorf("tools ran before the checks passed: %v", entries)
	}
}
