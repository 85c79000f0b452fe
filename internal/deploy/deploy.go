package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Run does what o asks: deploy the stage (or, with DryRun, synthesize its
// template; with Destroy, delete it), after Preflight has passed.
func Run(ctx context.Context, o Options) error {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	root, err := Preflight(ctx, &o)
	if err != nil {
		return err
	}
	appDir := filepath.Join(root, "deploy")
	outDir := o.OutDir
	if outDir == "" {
		outDir = filepath.Join(appDir, "cdk.out")
	}
	if outDir, err = filepath.Abs(outDir); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "grail-deploy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	zipPath := filepath.Join(tmp, "bootstrap.zip")
	if o.Destroy {
		err = placeholderZip(zipPath)
	} else {
		err = buildZip(ctx, root, tmp, zipPath, o.Stderr)
	}
	if err != nil {
		return err
	}

	if _, err := os.Stat(filepath.Join(appDir, "node_modules")); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(o.Stderr, "Installing the CDK app's packages (npm ci in %s)…\n", appDir)
		if err := run(ctx, appDir, o, "npm", "ci", "--no-audit", "--no-fund"); err != nil {
			return fmt.Errorf("npm ci in %s: %v", appDir, err)
		}
	}

	// Made (or rotated) once the build has worked, just before the CDK
	// runs, so that a failed build leaves the secret alone.
	var secretVersion int64
	if !o.DryRun && !o.Destroy {
		if secretVersion, err = o.cloud.ensureOriginSecret(ctx, o.Stage, o.RotateOriginSecret, o.Stdout); err != nil {
			return err
		}
	}

	stack := stackName(o.Stage)
	args := []string{"--no-install", "cdk"}
	switch {
	case o.DryRun:
		// A dry run contacts no AWS service and nobody else either: no
		// notices fetched, no telemetry sent (see cdkEnv).
		args = append(args, "synth", stack, "--quiet", "--no-notices")
	case o.Destroy:
		args = append(args, "destroy", stack)
		if o.Yes {
			args = append(args, "--force")
		}
		// Said before, because the CDK exits quietly when the answer to its
		// "Are you sure?" is no.
		fmt.Fprintf(o.Stdout, "Destroying %s keeps its content bucket (and the function's logs, and the origin secret %s): empty and delete the bucket in the S3 console once the blog's words are no longer wanted.\n", stack, OriginSecretParameter(o.Stage))
	default:
		args = append(args, "deploy", stack, "--outputs-file", filepath.Join(tmp, "outputs.json"))
		if o.Yes {
			args = append(args, "--require-approval", "never")
		}
	}
	args = append(args, "--output", outDir)
	args = append(args, o.cdkContext(zipPath, secretVersion)...)
	if err := run(ctx, appDir, o, "npx", args...); err != nil {
		return fmt.Errorf("cdk %s: %v", args[2], err)
	}

	switch {
	case o.DryRun:
		fmt.Fprintf(o.Stdout, "Template for %s: %s\n", stack, filepath.Join(outDir, stack+".template.json"))
	case o.Destroy:
		// The CDK has said what became of the stack.
	default:
		outputs, err := readOutputs(filepath.Join(tmp, "outputs.json"), stack)
		if err != nil {
			return err
		}
		printNextSteps(o.Stdout, outputs, o.cloud.region)
	}
	return nil
}

// printNextSteps says where the blog is and what to do next: a new stack
// serves an empty bucket with nobody who can log in.
func printNextSteps(w io.Writer, outputs map[string]string, region string) {
	site := outputs["SiteUrl"]
	location := outputs["SiteLocation"]
	if location == "" {
		location = "s3://" + outputs["BucketName"] + "?region=" + region
	}
	fmt.Fprintf(w, "Site: %s\n", site)
	fmt.Fprintf(w, "CDN domain: %s\nBucket: %s\n", outputs["CdnDomainName"], outputs["BucketName"])
	fmt.Fprintf(w, `
Next steps:
  1. Make an account to write with:  grail user add NAME --site '%[1]s'
  2. Publish a site folder (optional): grail push DIR '%[1]s'
  3. Log in at %[2]sadmin
`, location, site)
}

func buildZip(ctx context.Context, root, tmp, zipPath string, stderr io.Writer) error {
	fmt.Fprintln(stderr, "Building the Lambda bootstrap (linux/arm64)…")
	bin, err := BuildBootstrap(ctx, root, tmp, stderr)
	if err != nil {
		return err
	}
	if err := ZipBootstrap(bin, zipPath); err != nil {
		return err
	}
	if fi, err := os.Stat(zipPath); err == nil {
		fmt.Fprintf(stderr, "bootstrap.zip: %.1f MB\n", float64(fi.Size())/(1<<20))
	}
	return nil
}

// run runs a command in dir with the user's terminal: the CDK asks before
// security-relevant changes and before destroying, and its progress is
// worth seeing as it happens.
func run(ctx context.Context, dir string, o Options, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdin = o.Stdin
	cmd.Stdout = o.Stdout
	cmd.Stderr = o.Stderr
	cmd.Env = cdkEnv(o)
	// On cancellation, interrupt rather than kill: the CDK then stops
	// watching the CloudFormation deployment and exits cleanly.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	return cmd.Run()
}

// cdkEnv is the CDK CLI's environment. For a dry run, which the docs
// promise contacts no AWS service, it also turns off the CLI's telemetry
// and its check for a newer version; --no-notices keeps it from fetching
// notices.
func cdkEnv(o Options) []string {
	env := os.Environ()
	if o.DryRun {
		env = append(env, "CDK_DISABLE_CLI_TELEMETRY=true", "CDK_DISABLE_VERSION_CHECK=true")
	}
	return env
}

// readOutputs reads one stack's outputs from the file cdk deploy
// --outputs-file writes.
func readOutputs(path, stack string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the stack outputs: %v", err)
	}
	var all map[string]map[string]string
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("read the stack outputs: %v", err)
	}
	outputs, ok := all[stack]
	if !ok {
		return nil, fmt.Errorf("read the stack outputs: %s is not in %s", stack, path)
	}
	return outputs, nil
}
