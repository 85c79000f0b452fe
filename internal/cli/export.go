package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/export"
	"github.com/grailblog/grail/internal/store"
)

const exportHelp = `Export writes the whole site to a zip file, to move it elsewhere or to
leave grail. Grail's own state under _grail/ is never written: the session
key, accounts, login records, revisions, trash, jobs and the index snapshot
belong to this installation, not to the site.

  --format grail  the site's folder as it is (sources, pages, media, theme
                  overrides, grail.toml); unzip it and 'grail serve' it
  --format hugo   a Hugo site (hugo.toml, content/, static/media/ and a
                  minimal theme) that 'hugo' builds as it is, at the same
                  post addresses

The zip is written to OUT.zip.tmp and renamed when complete, so a failed
export never leaves a partial OUT.zip.

Examples:
  grail export blog.zip
  grail export --site s3://my-blog blog.zip
  grail export --site ./blog --format hugo --force hugo-site.zip
`

func runExport(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("export", "[--site SITE] [--format grail|hugo] [--force] OUT.zip", stdio)
	siteArg := fs.String("site", "", "the site folder or bucket (default: $GRAIL_SITE or .)")
	format := fs.String("format", "grail", "grail (the site's folder) or hugo (a Hugo site)")
	force := fs.Bool("force", false, "overwrite OUT.zip if it exists")
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(fs.Output(), "\n"+exportHelp) }
	ops, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(ops) != 1 {
		return usageError("give one OUT.zip, got %d operands", len(ops))
	}
	write, ok := exportFormats[*format]
	if !ok {
		return usageError("--format must be grail or hugo, got %q", *format)
	}
	out := ops[0]
	if err := checkOut(out, *force); err != nil {
		return err
	}
	location, _, err := siteLocation(*siteArg, false)
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, location)
	if err != nil {
		return err
	}
	defer closeStore()
	start := time.Now()
	bar := newProgress(stdio.Err, "grail export", start)
	o := export.Options{Mode: folderModes(location), Progress: func(s export.Stats) {
		bar.update(store.CopyStats{Objects: s.Total, Done: s.Files, CopiedBytes: s.Bytes})
	}}
	s, err := writeAtomically(out, func(w io.Writer) (export.Stats, error) { return write(ctx, st, w, o) })
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, exportSummary(s, out, time.Since(start)))
	return nil
}

// exportSummary is the line an export ends with: "exported 12 files
// (3.4 MB) to blog.zip, skipped 5 private files, in 0.3 s".
func exportSummary(s export.Stats, out string, took time.Duration) string {
	omitted := ""
	if s.Omitted > 0 {
		omitted = fmt.Sprintf(", left out %s the format has no use for", commas(s.Omitted))
	}
	return fmt.Sprintf("exported %s files (%s) to %s, skipped %s private files%s, in %.1f s",
		commas(s.Files-s.Omitted), byteSize(s.Bytes), out, commas(s.Skipped), omitted, took.Seconds())
}

// folderModes reads a folder site's permission bits, which the store does
// not carry (a bucket has none), so the zip keeps them.
func folderModes(location string) func(string) fs.FileMode {
	root, ok := store.FolderPath(location)
	if !ok {
		return nil
	}
	return func(key string) fs.FileMode {
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(key)))
		if err != nil {
			return 0
		}
		return fi.Mode().Perm()
	}
}

// exportFormats are the writers --format chooses between.
var exportFormats = map[string]func(context.Context, *store.Store, io.Writer, export.Options) (export.Stats, error){
	"grail": export.Zip,
	"hugo":  export.Hugo,
}

// checkOut refuses to replace an existing file unless asked to, before
// any work is done.
func checkOut(out string, force bool) error {
	if !strings.HasSuffix(strings.ToLower(out), ".zip") {
		return usageError("OUT must end in .zip, got %q", out)
	}
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.IsDir():
		return fmt.Errorf("%s is a folder", out)
	case !force:
		return fmt.Errorf("%s exists; give --force to replace it", out)
	}
	return nil
}

// writeAtomically writes out through OUT.tmp, renamed into place only when
// write succeeded, so a failure never leaves a half zip under the final name.
func writeAtomically(out string, write func(io.Writer) (export.Stats, error)) (export.Stats, error) {
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return export.Stats{}, fmt.Errorf("cannot write %s: %w", out, unwrapPath(err))
	}
	s, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
		return s, err
	}
	return s, nil
}

// unwrapPath drops the *PathError's repetition of the file name.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
