package cli

import (
	"context"
	"fmt"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
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
	st, closeStore, err := openStore(ctx, first(sites))
	if err != nil {
		return err
	}
	defer closeStore()
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
	found, err := cspWarnings(ctx, loader, s)
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
	fmt.Fprintf(stdio.Err, "%s, %s, %s, %s\n", count(len(s.Posts), "post"), count(len(s.Pages), "page"),
		count(failing, "problem"), count(len(found)-failing, "warning"))
	if failing > 0 {
		return errSilent
	}
	return nil
}

// cspWarnings lists the raw HTML of every post and page that the pages'
// Content-Security-Policy blocks: shown to readers broken, but no reason
// to fail the check.
func cspWarnings(ctx context.Context, loader *site.Loader, s *site.Site) ([]content.Problem, error) {
	md := s.MarkdownOptions()
	if !md.Unsafe {
		return nil, nil
	}
	var found []content.Problem
	for _, d := range append(append([]*content.Doc{}, s.Posts...), s.Pages...) {
		body, err := loader.Body(ctx, d)
		if err != nil {
			return nil, err
		}
		found = append(found, content.CSPFindings(d.Key, d.BodyLine, body, md, s.Config.BaseURL)...)
	}
	return found, nil
}

// count is "1 post", "2 posts".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
