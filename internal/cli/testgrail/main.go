// Command testgrail is grail with what its end-to-end tests add: the
// sleep job (internal/jobs/jobstest) and, from GRAIL_LAMBDA_ENDPOINT, a
// stand-in for the Lambda API that the function invokes itself through,
// since the Runtime API emulator has no Invoke of its own. The tests build
// it as grail deploy builds the bootstrap; it is never shipped.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/grailblog/grail/internal/cli"
	"github.com/grailblog/grail/internal/jobs/jobstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.MainWith(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, cli.Extensions{
		JobKinds:       jobstest.Kinds,
		LambdaEndpoint: os.Getenv("GRAIL_LAMBDA_ENDPOINT"),
	})
	stop()
	os.Exit(code)
}
