package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/testsite"
)

// TestCheckWarnsOfTrackedSecrets: grail check says so when git tracks the
// session key or an account, and says nothing while they are untracked,
// outside a repository, or when there is no git at all.
func TestCheckWarnsOfTrackedSecrets(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git here")
	}
	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"posts/good.md":         "---\ntitle: Good\ndate: 2024-01-01\n---\nFine.\n",
		"_grail/secret":         "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
		"_grail/users/ada.json": "{}\n",
	})
	gitDo := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(git, append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	check := func(step string, wantWarning bool) {
		t.Helper()
		code, _, stderr := run(t, "check", dir)
		if code != 0 {
			t.Fatalf("%s: check exit %d: %s", step, code, stderr)
		}
		warned := strings.Contains(stderr, "warning: git tracks _grail/secret, _grail/users/ada.json:")
		if warned != wantWarning {
			t.Errorf("%s: warned %v, want %v; stderr:\n%s", step, warned, wantWarning, stderr)
		}
	}

	check("not a repository", false)
	gitDo("init", "-q")
	gitDo("add", "posts")
	check("untracked", false)
	gitDo("add", "-f", "_grail")
	check("tracked", true)
	t.Setenv("PATH", "")
	check("no git on PATH", false)
}
