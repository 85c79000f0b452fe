// Command grail is a blog engine: one binary that serves a blog from a folder
// or an S3 bucket, and runs the same site as an AWS Lambda function.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/grailblog/grail/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
