package cli

import (
	"context"
	"fmt"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

func runCheck(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("check", "[SITE]", stdio)
	sites, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(sites) > 1 {
		return usageError("check takes one SITE, got %d", len(sites))
	}
	location, cleanup, err := siteLocation(first(sites), false)
	if err != nil {
		return err
	}
	defer cleanup()
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Config(ctx); err != nil {
		fmt.Fprintln(stdio.Out, err)
		return errSilent
	}
	loader := site.NewLoader(st, nil, nil)
	if _, err := loader.Reload(ctx); err != nil {
		return err
	}
	s := loader.Current()
	for _, p := range s.Problems {
		fmt.Fprintln(stdio.Out, p.String())
	}
	fmt.Fprintf(stdio.Err, "%d posts, %d pages, %d problems\n", len(s.Posts), len(s.Pages), len(s.Problems))
	if len(s.Problems) > 0 {
		return errSilent
	}
	return nil
}
