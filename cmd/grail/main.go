// Command grail is a blog engine: one binary that serves a blog from a folder
// or an S3 bucket, and runs the same site as an AWS Lambda function.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/grailblog/grail/internal/cli"
)

func main() {
	// Rendering a page makes garbage many times the size of the page
	// (the highlighter above all), while a cached page is served with
	// next to none. Collecting at half the usual heap growth keeps a
	// server of thousands of posts well inside a small machine's memory,
	// at a cost paid only on the first view of each page. GOGC still
	// overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
