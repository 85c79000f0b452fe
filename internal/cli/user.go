package cli

import (
	"bufio"
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/grailblog/grail/internal/auth"
)

// userAction is one of grail user's actions.
type userAction struct {
	usage string
	names int // how many NAME arguments it takes
	run   func(ctx context.Context, users *auth.Users, name string, stdio Stdio) error
}

var userActions = map[string]userAction{
	"add":    {"add NAME [--site SITE]", 1, userAdd},
	"list":   {"list [--site SITE]", 0, userList},
	"logout": {"logout NAME [--site SITE]", 1, userLogout},
	"passwd": {"passwd NAME [--site SITE]", 1, userPasswd},
	"remove": {"remove NAME [--site SITE]", 1, userRemove},
}

const userHelp = `Usage:
  grail user add NAME [--site SITE]     add an account
  grail user list [--site SITE]         list the accounts
  grail user logout NAME [--site SITE]  end every session of an account
  grail user passwd NAME [--site SITE]  change an account's password
  grail user remove NAME [--site SITE]  remove an account

Accounts log in to write on the site. A NAME is 1–64 of a–z, 0–9, '.', '_'
and '-', starting with a letter or digit; a password has at least 10
characters. Changing a password, like logout, ends every session of the
account on every server. On a terminal the password is asked for twice and not shown;
otherwise it is read as one line from standard input.

SITE is a folder or bucket URL (default: $GRAIL_SITE or .).
`

func runUser(ctx context.Context, args []string, stdio Stdio) error {
	if len(args) == 0 {
		return usageError("give an action: add, list, logout, passwd or remove")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdio.Err, userHelp)
		return flag.ErrHelp
	}
	action, ok := userActions[args[0]]
	if !ok {
		return usageError("unknown action %q: use add, list, logout, passwd or remove", args[0])
	}
	fs := newFlagSet("user", action.usage, stdio)
	siteArg := fs.String("site", "", "the site folder or bucket (default: $GRAIL_SITE or .)")
	names, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(names) != action.names {
		if action.names == 0 {
			return usageError("%s takes no NAME", args[0])
		}
		return usageError("%s takes one NAME, got %d", args[0], len(names))
	}
	name := ""
	if len(names) == 1 {
		name = names[0]
		// Refuse a bad name before the store is opened or anything asked.
		if err := auth.CheckName(name); err != nil {
			return err
		}
	}
	st, closeStore, err := openStore(ctx, *siteArg)
	if err != nil {
		return err
	}
	defer closeStore()
	return action.run(ctx, auth.NewUsers(st), name, stdio)
}

func userAdd(ctx context.Context, users *auth.Users, name string, stdio Stdio) error {
	// Check what can be checked before asking for a password.
	if ok, err := users.Exists(ctx, name); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("%w: %s", auth.ErrUserExists, name)
	}
	password, err := readNewPassword(ctx, stdio, name)
	if err != nil {
		return err
	}
	if err := users.Add(ctx, name, password); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "added %s\n", name)
	return nil
}

func userList(ctx context.Context, users *auth.Users, _ string, stdio Stdio) error {
	names, err := users.List(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintln(stdio.Err, "No accounts yet; add one with 'grail user add NAME'.")
	}
	for _, name := range names {
		fmt.Fprintln(stdio.Out, name)
	}
	return nil
}

func userPasswd(ctx context.Context, users *auth.Users, name string, stdio Stdio) error {
	if ok, err := users.Exists(ctx, name); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%w: %s", auth.ErrNoUser, name)
	}
	password, err := readNewPassword(ctx, stdio, name)
	if err != nil {
		return err
	}
	if err := users.SetPassword(ctx, name, password); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "changed the password of %s; sessions started before now have ended\n", name)
	return nil
}

// userLogout ends name's sessions everywhere, as the admin's "Log out
// everywhere" does: for a lost laptop, or a session left open elsewhere.
func userLogout(ctx context.Context, users *auth.Users, name string, stdio Stdio) error {
	if err := users.EndAllSessions(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "logged %s out everywhere: sessions started before now have ended\n", name)
	return nil
}

func userRemove(ctx context.Context, users *auth.Users, name string, stdio Stdio) error {
	if err := users.Remove(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "removed %s\n", name)
	return nil
}

// readNewPassword asks for a password on a terminal, twice and without
// echo, or reads it as one line when standard input is a pipe or a file.
func readNewPassword(ctx context.Context, stdio Stdio, name string) (string, error) {
	if f, ok := stdio.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPassword(ctx, int(f.Fd()), stdio.Err, name)
	}
	return readPasswordLine(stdio.In)
}

func promptPassword(ctx context.Context, fd int, w io.Writer, name string) (string, error) {
	fmt.Fprintf(w, "Password for %s: ", name)
	first, err := readSecret(ctx, fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", err
	}
	// Say it is too short now, not after it has been typed twice.
	if err := auth.CheckPassword(string(first)); err != nil {
		return "", err
	}
	fmt.Fprint(w, "Again: ")
	second, err := readSecret(ctx, fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", err
	}
	if subtle.ConstantTimeCompare(first, second) != 1 {
		return "", errors.New("the two passwords differ; nothing was changed")
	}
	return string(first), nil
}

// readSecret reads a line from the terminal without echo. grail catches
// Ctrl-C (it ends ctx instead of the process), so the read is given up
// then, and the terminal's echo put back, rather than waiting for Enter.
func readSecret(ctx context.Context, fd int) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("read the password: %w", err)
	}
	type result struct {
		line []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := term.ReadPassword(fd)
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("read the password: %w", r.err)
		}
		return r.line, nil
	case <-ctx.Done():
		term.Restore(fd, state)
		return nil, errors.New("interrupted; nothing was changed")
	}
}

// readPasswordLine reads the first line of r, without its line ending.
// A line longer than any password may be is cut short; auth then refuses
// it as too long.
func readPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password on standard input (give it as one line, or run on a terminal to be asked)")
	}
	return line, nil
}
