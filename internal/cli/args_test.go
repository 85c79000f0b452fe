package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadArgumentsLeaveTheSiteAlone: a command refused for how it was
// called writes nothing into the site it names — no _grail/, no session
// key, no index — and a read-only check writes nothing either.
func TestBadArgumentsLeaveTheSiteAlone(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		input string
		args  []string // SITE stands for the empty folder
	}{
		{"", []string{"serve", "--addr", "bad", "SITE"}},
		{"", []string{"serve", "--addr", "127.0.0.1:99999", "SITE"}},
		{"", []string{"serve", "--addr", "127.0.0.1:0", "--rate", "-1", "SITE"}},
		{"", []string{"serve", "--addr", "127.0.0.1:0", "--max-conns", "0", "SITE"}},
		{"", []string{"serve", "--bogus", "SITE"}},
		{"", []string{"serve", "--addr", "127.0.0.1:0", "SITE", "other"}},
		{"", []string{"serve", "--addr", "127.0.0.1:0", "--demo", "SITE"}},
		{"", []string{"new", "--site", "SITE"}},
		{"", []string{"new", "--site", "SITE", "!!!"}},
		{"", []string{"new", "--site", "SITE", "--bogus", "Title"}},
		{"long enough password\n", []string{"user", "add", "Bad Name", "--site", "SITE"}},
		{"long enough password\n", []string{"user", "add", "--site", "SITE"}},
		{"short\n", []string{"user", "add", "ada", "--site", "SITE"}},
		{"", []string{"user", "add", "ada", "--site", "SITE"}},
		{"long enough password\n", []string{"user", "passwd", "nobody", "--site", "SITE"}},
		{"", []string{"user", "logout", "../x", "--site", "SITE"}},
		{"", []string{"push", "SITE"}},
		{"", []string{"push", "--workers", "0", "SITE", "mem://push-bad-workers"}},
		{"", []string{"push", "SITE", "ftp://example.org/x"}},
		{"", []string{"pull", "--workers", "0", "mem://pull-bad-workers", "SITE"}},
		{"", []string{"pull", missing, "SITE"}},
		{"", []string{"check", "SITE", "other"}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		args := make([]string, len(tt.args))
		for i, a := range tt.args {
			args[i] = strings.ReplaceAll(a, "SITE", dir)
		}
		code, _, errOut := runWithInput(t, tt.input, args...)
		if code == 0 {
			t.Errorf("grail %v succeeded: %s", tt.args, errOut)
		}
		if names := folderNames(t, dir); len(names) > 0 {
			t.Errorf("grail %v (exit %d, %q) wrote %v into the site", tt.args, code, errOut, names)
		}
	}

	dir := t.TempDir()
	if code, _, errOut := run(t, "check", dir); code != 0 {
		t.Fatalf("check of an empty site: exit %d, %s", code, errOut)
	}
	if names := folderNames(t, dir); len(names) > 0 {
		t.Errorf("grail check wrote %v into the site", names)
	}
}

func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
