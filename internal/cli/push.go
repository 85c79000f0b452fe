package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

func runPush(ctx context.Context, args []string, stdio Stdio) error {
	return runCopy(ctx, "push", "SITE BUCKET", args, stdio)
}

// runCopy is push and pull: they differ only in which side is usually the
// bucket, and either may be any store location.
func runCopy(ctx context.Context, name, operands string, args []string, stdio Stdio) error {
	fs := newFlagSet(name, "[--delete] [--workers N] "+operands, stdio)
	del := fs.Bool("delete", false, "remove from the destination what the source lacks (grail's _grail/ state only if the source has some)")
	workers := fs.Int("workers", 8, "objects to transfer at once")
	ops, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(ops) != 2 {
		return usageError("give two locations, %s; got %d", operands, len(ops))
	}
	if *workers < 1 {
		return usageError("--workers must be at least 1, got %d", *workers)
	}
	from, err := store.Open(ctx, ops[0], nil)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := store.OpenDestination(ctx, ops[1], nil)
	if err != nil {
		return err
	}
	defer to.Close()

	start := time.Now()
	bar := newProgress(stdio.Err, "grail "+name, start)
	stats, err := store.Copy(ctx, from, to, store.CopyOptions{Delete: *del, Workers: *workers, Progress: bar.update})
	bar.finish()
	fmt.Fprintln(stdio.Out, summary(stats, time.Since(start)))
	if err != nil {
		return err
	}
	if err := rebuildIndex(ctx, ops[1], stats.Copied+stats.Deleted > 0, stdio); err != nil {
		return fmt.Errorf("the files are copied, but the site index in %s was not updated, so servers will not show the change: %w", to.Describe(), err)
	}
	return nil
}

// rebuildIndex brings the destination's index snapshot up to date with
// what was copied, which is how servers on a shared bucket learn of a
// change. The store is opened afresh: the copy may have changed its layout
// (a Hugo site pushed into an empty bucket).
func rebuildIndex(ctx context.Context, location string, changed bool, stdio Stdio) error {
	st, err := store.Open(ctx, location, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	before, err := st.StatIndex(ctx)
	if err == nil && !changed {
		return nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Warnings (content problems, a failed index write) go to the user.
	log := slog.New(slog.NewTextHandler(stdio.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	loader := site.NewLoader(st, log, nil)
	fromIndex, err := loader.Start(ctx)
	if err != nil {
		return err
	}
	written := !fromIndex // a full load writes the index
	if fromIndex {
		if written, err = loader.Reload(ctx); err != nil {
			return err
		}
	}
	if !written {
		// Only files other than posts and pages changed (theme, media):
		// a new version of the same index still tells servers to reload.
		if err := loader.Changed(ctx); err != nil {
			return err
		}
	}
	after, err := st.StatIndex(ctx)
	if err != nil {
		return err
	}
	if after.ETag == before.ETag {
		return errors.New("the index write failed (see the warning above)")
	}
	return nil
}

// progress draws a progress line on a terminal, redrawn in place, and in
// a log (stderr is a file or pipe) a plain line now and then, so that a
// short copy logs nothing but its summary.
type progress struct {
	w     io.Writer
	name  string // prefixes lines in a log
	tty   bool
	start time.Time
	every time.Duration
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, name string, start time.Time) *progress {
	p := &progress{w: w, name: name, start: start, last: start, every: 10 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty, p.every, p.last = true, 100*time.Millisecond, time.Time{}
	}
	return p
}

func (p *progress) update(s store.CopyStats) {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	rate := float64(s.CopiedBytes) / max(now.Sub(p.start).Seconds(), 1e-3)
	line := fmt.Sprintf("%s/%s objects, %s copied, %s/s", commas(s.Done), commas(s.Objects), byteSize(s.CopiedBytes), byteSize(int64(rate)))
	if !p.tty {
		fmt.Fprintf(p.w, "%s: %s\n", p.name, line)
		return
	}
	fmt.Fprintf(p.w, "\r%s %s\x1b[K", bar(s.Done, s.Objects, 24), line)
	p.drawn = true
}

// finish clears the progress line, leaving the terminal to the summary.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func bar(done, total, width int) string {
	filled := width
	if total > 0 {
		filled = done * width / total
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat("-", width-filled) + "]"
}

// summary is the line a copy ends with:
// "copied 12 (3.4 MB), unchanged 9,988, deleted 0, in 2.1 s".
func summary(s store.CopyStats, took time.Duration) string {
	return fmt.Sprintf("copied %s (%s), unchanged %s, deleted %s, in %.1f s",
		commas(s.Copied), byteSize(s.CopiedBytes), commas(s.Unchanged), commas(s.Deleted), took.Seconds())
}

// commas writes n with thousands separators: 9,988.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// byteSize writes n in decimal units, as disks and networks count.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
