package cli

import (
	"context"
	"fmt"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
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
	cfg, err := st.Config(ctx)
	if err != nil {
		fmt.Fprintln(stdio.Out, err)
		return errSilent
	}
	printConfigProblems(cfg, stdio)
	loader := site.NewLoader(st, nil, nil)
	loader.ReadOnly = true
	if _, err := loader.Reload(ctx); err != nil {
		return err
	}
	s := loader.Current()
	found, err := web.BodyProblems(ctx, st, loader)
	if err != nil {
		return err
	}
	found = append(s.Problems[:len(s.Problems):len(s.Problems)], found...)
	failing := 0
	for _, p := range found {
		fmt.Fprintln(stdio.Out, p.String())
		if !p.Warning {
			failing++
		}
	}
	if err := printInventory(ctx, st, stdio); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "%s, %s, %s, %s\n", count(len(s.Posts), "post"), count(len(s.Pages), "page"),
		count(failing, "problem"), count(len(found)-failing, "warning"))
	if failing > 0 || len(cfg.Problems) > 0 {
		return errSilent
	}
	return nil
}

// printConfigProblems names what the site's Hugo configuration says that
// grail could not use: the site is served without it.
func printConfigProblems(cfg config.Config, stdio Stdio) {
	for _, p := range cfg.Problems {
		fmt.Fprintf(stdio.Out, "%v (setting ignored)\n", p)
	}
}

// printInventory says, for every file of the site that grail neither
// reads nor serves, why not, and counts what it does with the rest: with
// the problems above, every file is accounted for.
func printInventory(ctx context.Context, st *store.Store, stdio Stdio) error {
	inv, err := st.TakeInventory(ctx)
	if err != nil {
		return err
	}
	unused := 0
	for _, u := range inv.Unused {
		if u.Files > 1 {
			fmt.Fprintf(stdio.Out, "%s: %s (%s not used)\n", u.Key, u.Reason, count(u.Files, "file"))
		} else {
			fmt.Fprintf(stdio.Out, "%s: %s (not used)\n", u.Key, u.Reason)
		}
		unused += u.Files
	}
	fmt.Fprintf(stdio.Err, "%s read, %s served as files, %s, %s not used\n",
		count(inv.Sources, "source"), count(inv.Published, "file"), count(inv.Settings, "settings file"), count(unused, "file"))
	return nil
}

// count is "1 post", "2 posts".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
