package cli

import (
	"context"
	"fmt"

	"github.com/grailblog/grail/internal/config"
	"github.com/grailblog/grail/internal/content"
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
	found, err := bodyWarnings(ctx, loader, s)
	if err != nil {
		return err
	}
	shortcodes, err := web.ShortcodeProblems(ctx, st, loader)
	if err != nil {
		return err
	}
	for i := range shortcodes { // the site serves, with the shortcode's inner text
		shortcodes[i].Warning = true
	}
	found = append(append(s.Problems[:len(s.Problems):len(s.Problems)], found...), shortcodes...)
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

// bodyWarnings lists what in each post and page will not reach readers
// as written (raw HTML the pages' Content-Security-Policy blocks, a
// formula that cannot be drawn): shown broken, but no reason to fail the
// check.
func bodyWarnings(ctx context.Context, loader *site.Loader, s *site.Site) ([]content.Problem, error) {
	md := content.NewMarkdown(s.MarkdownOptions())
	var found []content.Problem
	for _, d := range append(append([]*content.Doc{}, s.Posts...), s.Pages...) {
		body, err := loader.Body(ctx, d)
		if err != nil {
			return nil, err
		}
		found = append(found, md.Findings(d.Key, d.BodyLine, body, s.Config.BaseURL)...)
	}
	return found, nil
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
