package cli

import (
	"context"
	"fmt"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/web"
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
	location, _, err := siteLocation(first(sites), false)
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, location)
	if err != nil {
		return err
	}
	defer closeStore()
	warnTrackedSecrets(ctx, location, stdio.Err)
	if _, err := st.Config(ctx); err != nil {
		fmt.Fprintln(stdio.Out, err)
		return errSilent
	}
	loader := site.NewLoader(st, nil, nil)
	loader.ReadOnly = true
	if _, err := loader.Reload(ctx); err != nil {
		return err
	}
	s := loader.Current()
	shortcodes, err := web.ShortcodeProblems(ctx, st, loader)
	if err != nil {
		return err
	}
	problems := append(s.Problems[:len(s.Problems):len(s.Problems)], shortcodes...)
	for _, p := range problems {
		fmt.Fprintln(stdio.Out, p.String())
	}
	fmt.Fprintf(stdio.Err, "%s, %s, %s\n", count(len(s.Posts), "post"), count(len(s.Pages), "page"), count(len(problems), "problem"))
	if len(problems) > 0 {
		return errSilent
	}
	return nil
}

// count is "1 post", "2 posts".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
