package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/grailblog/grail/internal/store"
)

// warnTrackedSecrets tells the writer when the site folder at location is
// in a git work tree that tracks the session key or the accounts: a push
// of the repository would publish them. A bucket, a machine without git
// or a folder outside any repository gets no warning.
func warnTrackedSecrets(ctx context.Context, location string, w io.Writer) {
	dir, ok := store.FolderPath(location)
	if !ok {
		return
	}
	tracked := gitTracked(ctx, dir, store.PrivatePaths())
	if len(tracked) == 0 {
		return
	}
	fmt.Fprintf(w, "warning: git tracks %s: the session key and password hashes must not be committed.\n"+
		"  Run 'git rm -r --cached _grail' in %s (_grail/.gitignore then keeps them out);\n"+
		"  if the repository was ever shared, delete _grail/secret (ending every session) and change the passwords.\n",
		strings.Join(tracked, ", "), dir)
}

// gitTracked lists the files under paths that git tracks in dir, or
// nothing when git is missing or dir is not in a work tree.
func gitTracked(ctx context.Context, dir string, paths []string) []string {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil
	}
	args := append([]string{"-C", dir, "ls-files", "-z", "--"}, paths...)
	out, err := exec.CommandContext(ctx, git, args...).Output()
	if err != nil {
		return nil // "not a git repository", most often
	}
	var files []string
	for _, f := range bytes.Split(out, []byte{0}) {
		if len(f) > 0 {
			files = append(files, string(f))
		}
	}
	return files
}
