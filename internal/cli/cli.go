// Package cli implements grail's subcommands. Each subcommand lives in its own
// file and owns its flag.FlagSet; Main only dispatches.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/grailblog/grail/internal/jobs"
	"github.com/grailblog/grail/internal/store"
)

// Stdio is the terminal a command talks to; tests pass buffers.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand. run returns an error; usage errors wrap errUsage.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io Stdio) error
}

// errUsage marks an error caused by how the command was called (exit status 2).
var errUsage = errors.New("usage")

// usageError reports a bad invocation; Main prints it with the command's usage.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// errSilent is returned by a command that has already told the user what went
// wrong and only needs a non-zero exit status.
var errSilent = errors.New("")

// Extensions are what a program built on this package adds to grail. The
// grail command adds none; tests add a job kind that only sleeps, and
// point the Lambda function's invocations of itself at a stand-in for the
// Lambda API (internal/cli/testgrail).
type Extensions struct {
	// JobKinds are the kinds of job the server runs (jobs.Options.Kinds).
	JobKinds []jobs.Kind
	// LambdaEndpoint, when set, is the Lambda API the function invokes
	// itself through; otherwise the AWS SDK finds it.
	LambdaEndpoint string
}

func commands(ext Extensions) []command {
	cmds := []command{
		{"serve", "serve the blog over HTTP", func(ctx context.Context, args []string, stdio Stdio) error {
			return runServe(ctx, args, stdio, ext)
		}},
		{"new", "start a new post", runNew},
		{"check", "list every problem in the content", runCheck},
		{"deploy", "stand the AWS stack up, or tear it down", runDeploy},
		{"push", "copy a site into a bucket, only what changed", runPush},
		{"pull", "copy a site out of a bucket, only what changed", runPull},
		{"export", "write the site to a zip, as grail or Hugo reads it", runExport},
		{"user", "add, list, change or remove accounts", runUser},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", nil},
	}
	return cmds
}

// Main runs grail with args (without the program name) and returns the exit status.
func Main(ctx context.Context, args []string, stdio Stdio) int {
	return MainWith(ctx, args, stdio, Extensions{})
}

// MainWith is Main for a program that adds ext to grail.
func MainWith(ctx context.Context, args []string, stdio Stdio, ext Extensions) int {
	if len(args) == 0 && os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		return exitStatus(runLambda(ctx, stdio, ext), "lambda", stdio) // the bootstrap of a Lambda function
	}
	if len(args) == 0 {
		printHelp(stdio.Err)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if c, ok := lookup(rest[0], ext); ok && c.run != nil {
				return exitStatus(c.run(ctx, []string{"-h"}, stdio), c.name, stdio)
			}
		}
		printHelp(stdio.Out)
		return 0
	case "-version", "--version":
		name = "version"
	}
	c, ok := lookup(name, ext)
	if !ok {
		fmt.Fprintf(stdio.Err, "grail: unknown command %q\n\n", name)
		printHelp(stdio.Err)
		return 2
	}
	return exitStatus(c.run(ctx, rest, stdio), c.name, stdio)
}

func lookup(name string, ext Extensions) (command, bool) {
	for _, c := range commands(ext) {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func exitStatus(err error, name string, stdio Stdio) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errSilent):
		return 1
	case errors.Is(err, errSilentUsage):
		return 2
	case errors.Is(err, errUsage):
		msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": ")
		fmt.Fprintf(stdio.Err, "grail %s: %s\nRun 'grail help %s' for usage.\n", name, msg, name)
		return 2
	default:
		fmt.Fprintf(stdio.Err, "grail %s: %v\n", name, err)
		return 1
	}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, "grail is a blog engine: one binary serves a blog from a folder or an S3 bucket,\nand runs as an AWS Lambda function behind a CDN.\n\nUsage:\n  grail <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands(Extensions{}) {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'grail help <command>' for a command's flags.\n")
}

// newFlagSet returns a FlagSet whose errors are reported by Main (exit 2);
// its usage, for -h or a bad flag, goes to stderr.
func newFlagSet(name, usage string, stdio Stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("grail "+name, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: grail %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. The flag
// package has already printed the problem and the usage to stderr.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errSilentUsage, err)
	}
	return nil
}

// errSilentUsage is a usage error whose message the flag package already printed.
var errSilentUsage = errors.New("bad flags")

// parseArgs parses flags wherever they stand among the operands, so
// that "grail push site s3://b --delete" works like the flags-first form,
// and returns the operands. Everything after "--" is an operand.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var ops []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return ops, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(ops, rest...), nil
		}
		ops = append(ops, rest[0])
		args = rest[1:]
	}
}

// first is the first operand, or "".
func first(ops []string) string {
	if len(ops) == 0 {
		return ""
	}
	return ops[0]
}

// openStore opens the site that a command's --site flag or operand names
// (or $GRAIL_SITE, or the current folder). close releases it.
func openStore(ctx context.Context, arg string) (st *store.Store, close func(), err error) {
	location, cleanup, err := siteLocation(arg, false)
	if err != nil {
		return nil, nil, err
	}
	st, err = store.Open(ctx, location, nil)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return st, func() { st.Close(); cleanup() }, nil
}
