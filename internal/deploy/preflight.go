package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// ModulePath is the module whose source grail deploy builds.
const ModulePath = "github.com/grailblog/grail"

// minNodeMajor is what aws-cdk-lib requires.
const minNodeMajor = 20

// credentialsTimeout bounds the credential check: the SDK's chain ends with
// the EC2 metadata service, which off EC2 answers only by timing out.
const credentialsTimeout = 10 * time.Second

// Preflight runs every check that can fail before any work is done: the
// tools on PATH, the options, grail's source, and (unless o.DryRun) AWS
// credentials and, for a deploy, that `cdk bootstrap` has run and that
// the account can reserve the function's concurrency. It returns the
// module root. Every error is one line.
func Preflight(ctx context.Context, o *Options) (root string, err error) {
	if err := CheckTools(ctx, !o.Destroy); err != nil {
		return "", err
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	if o.Source != "" {
		root, err = CheckSource(o.Source)
	} else {
		var wd string
		if wd, err = os.Getwd(); err != nil {
			return "", err
		}
		root, err = FindSource(wd)
	}
	if err != nil {
		return "", err
	}
	if o.DryRun {
		return root, nil
	}
	if o.cloud == nil {
		cfg, err := loadCredentials(ctx)
		if err != nil {
			return "", err
		}
		o.cloud = newCloud(cfg)
	}
	if o.Destroy {
		return root, nil // deleting needs neither the bootstrap nor a quota
	}
	if err := o.cloud.checkBootstrapped(ctx); err != nil {
		return "", err
	}
	if err := o.cloud.checkConcurrency(ctx, o.reservedConcurrency()); err != nil {
		return "", err
	}
	return root, nil
}

// CheckTools looks for Node.js 20 or later, npm and npx on PATH, and for Go
// when something is to be built.
func CheckTools(ctx context.Context, needGo bool) error {
	tools := []struct{ name, why string }{
		{"node", "the CDK app runs on Node.js 20 or later (https://nodejs.org)"},
		{"npm", "it installs the CDK app's packages and comes with Node.js"},
		{"npx", "it runs the CDK CLI and comes with Node.js"},
	}
	if needGo {
		tools = append(tools, struct{ name, why string }{"go", "grail deploy builds the Lambda binary from source (https://go.dev/dl)"})
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t.name); err != nil {
			return fmt.Errorf("%s not found on PATH: %s", t.name, t.why)
		}
	}
	out, err := exec.CommandContext(ctx, "node", "--version").Output()
	if err != nil {
		return fmt.Errorf("node --version: %v", err)
	}
	version := strings.TrimSpace(string(out))
	major, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	if n, err := strconv.Atoi(major); err != nil || n < minNodeMajor {
		return fmt.Errorf("node %s is too old: the CDK app needs Node.js %d or later", version, minNodeMajor)
	}
	return nil
}

// CheckCredentials finds AWS credentials and a region the way the CDK CLI
// will, through the SDK's default chain (environment, shared files, SSO,
// containers, EC2).
func CheckCredentials(ctx context.Context) error {
	_, err := loadCredentials(ctx)
	return err
}

func loadCredentials(ctx context.Context) (aws.Config, error) {
	ctx, cancel := context.WithTimeout(ctx, credentialsTimeout)
	defer cancel()
	// No SDK log lines: off EC2 the metadata service's failure is logged
	// as a warning ("falling back to IMDSv1") that only confuses.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithLogger(logging.Nop{}))
	if err != nil {
		return cfg, fmt.Errorf("AWS configuration: %v", err)
	}
	// The chain's own error lists every provider it tried, which reads as a
	// wall of text; the hint says how to see it when that helps.
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return cfg, errors.New("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` (`aws sts get-caller-identity` shows what is wrong); --dry-run needs none")
	}
	if cfg.Region == "" {
		return cfg, errors.New("no AWS region: set AWS_REGION, or region in your AWS profile")
	}
	return cfg, nil
}

// FindSource walks up from dir to the directory whose go.mod declares
// ModulePath, so grail deploy works from anywhere inside a checkout.
func FindSource(dir string) (string, error) {
	start, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := start; ; d = filepath.Dir(d) {
		if modulePath(filepath.Join(d, "go.mod")) == ModulePath {
			return CheckSource(d)
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("cannot find grail's source (a go.mod for %s) in %s or above it: run grail deploy inside a checkout, or pass --source DIR", ModulePath, start)
		}
	}
}

// CheckSource confirms that dir is the root of grail's module and has the
// CDK app.
func CheckSource(dir string) (string, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if modulePath(filepath.Join(root, "go.mod")) != ModulePath {
		return "", fmt.Errorf("%s is not grail's source: it has no go.mod for %s", root, ModulePath)
	}
	if _, err := os.Stat(filepath.Join(root, "deploy", "cdk.json")); err != nil {
		return "", fmt.Errorf("%s has no deploy/cdk.json: the checkout is older than grail deploy, or incomplete", root)
	}
	return root, nil
}

// modulePath reads the module directive of a go.mod, or returns "".
func modulePath(gomod string) string {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			return strings.Trim(strings.TrimSpace(rest), `"`+"`")
		}
	}
	return ""
}
