package cli

import "context"

// runPull copies a site out of a bucket: push with the operands the other
// way round, so that "grail pull s3://b site" reads from left to right.
func runPull(ctx context.Context, args []string, stdio Stdio) error {
	return runCopy(ctx, "pull", "BUCKET SITE", args, stdio)
}
