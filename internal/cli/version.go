package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X github.com/grailblog/grail/internal/cli.version=v1.2.3").
var version = "dev"

func runVersion(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("version", "", stdio)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "grail %s (%s, %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func versionString() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
