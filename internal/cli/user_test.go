package cli

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/auth"
	"github.com/grailblog/grail/internal/store"
)

// runWithInput calls Main with stdin (not a terminal) holding input.
func runWithInput(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{In: strings.NewReader(input), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	passwords := []string{"correct horse battery", "bobs long password", "a new password"}
	steps := []struct {
		input       string
		args        []string
		code        int
		out, errOut string
	}{
		{"", []string{"list"}, 0, "", "No accounts yet"},
		{passwords[0] + "\n", []string{"add", "ada"}, 0, "added ada\n", ""},
		{"other password\n", []string{"add", "ada"}, 1, "", "grail user: user exists: ada\n"},
		{passwords[1] + "\r\n", []string{"add", "--site", dir, "bob"}, 0, "added bob\n", ""},
		{"", []string{"list"}, 0, "ada\nbob\n", ""},
		{passwords[2], []string{"passwd", "ada"}, 0, "changed the password of ada", ""},
		{"some password\n", []string{"passwd", "nobody"}, 1, "", "grail user: no such user: nobody\n"},
		{"", []string{"logout", "ada"}, 0, "logged ada out everywhere", ""},
		{"", []string{"logout", "nobody"}, 1, "", "grail user: no such user: nobody\n"},
		{"", []string{"remove", "bob"}, 0, "removed bob\n", ""},
		{"", []string{"remove", "bob"}, 1, "", "grail user: no such user: bob\n"},
		{"long enough password\n", []string{"add", "Ada"}, 1, "", "grail user: bad user name"},
		{"", []string{"remove", "../ada"}, 1, "", "grail user: bad user name"},
		{"short\n", []string{"add", "carol"}, 1, "", "grail user: password too short"},
		{"", []string{"add", "carol"}, 1, "", "no password on standard input"},
		{"", []string{"list"}, 0, "ada\n", ""},
	}
	for _, s := range steps {
		args := append([]string{"user"}, s.args...)
		if !strings.Contains(strings.Join(s.args, " "), "--site") {
			args = append(args, "--site", dir)
		}
		code, out, errOut := runWithInput(t, s.input, args...)
		if code != s.code || !strings.Contains(out, s.out) || !strings.Contains(errOut, s.errOut) {
			t.Errorf("grail %s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr %q",
				strings.Join(args, " "), code, out, errOut, s.code, s.out, s.errOut)
		}
		if s.code != 0 && strings.Count(errOut, "\n") != 1 {
			t.Errorf("grail %s: the error is not one line: %q", strings.Join(args, " "), errOut)
		}
		for _, pw := range append(passwords, "other password", "some password") {
			if strings.Contains(out+errOut, pw) {
				t.Errorf("grail %s printed a password", strings.Join(args, " "))
			}
		}
	}

	st, err := store.Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users := auth.NewUsers(st)
	for _, tt := range []struct {
		password string
		want     bool
	}{{passwords[0], false}, {passwords[2], true}} {
		if ok, err := users.Verify(context.Background(), "ada", tt.password); ok != tt.want || err != nil {
			t.Errorf("ada's password is %q: %v, %v; want %v", tt.password, ok, err, tt.want)
		}
	}
	record, err := os.ReadFile(filepath.Join(dir, "_grail", "users", "ada.json"))
	if err != nil || !strings.Contains(string(record), "$argon2id$") || strings.Contains(string(record), passwords[2]) {
		t.Errorf("ada's record: %s, %v", record, err)
	}
}

func TestUserSiteFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GRAIL_SITE", dir)
	if code, _, errOut := runWithInput(t, "long enough password\n", "user", "add", "ada"); code != 0 {
		t.Fatalf("add: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "_grail", "users", "ada.json")); err != nil {
		t.Errorf("not added to $GRAIL_SITE: %v", err)
	}
}

func TestUserUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user"}, 2, "give an action"},
		{[]string{"user", "frob"}, 2, `unknown action "frob"`},
		{[]string{"user", "add", "--site", dir}, 2, "add takes one NAME, got 0"},
		{[]string{"user", "add", "ada", "bob", "--site", dir}, 2, "add takes one NAME, got 2"},
		{[]string{"user", "remove", "--site", dir}, 2, "remove takes one NAME"},
		{[]string{"user", "list", "extra", "--site", dir}, 2, "list takes no NAME"},
		{[]string{"user", "add", "ada", "--bogus"}, 2, "Usage: grail user add NAME"},
		{[]string{"user", "-h"}, 0, "grail user passwd NAME"},
		{[]string{"help", "user"}, 0, "grail user remove NAME"},
	}
	for _, tt := range tests {
		code, _, errOut := runWithInput(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("grail %v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "_grail")); err == nil {
		t.Error("a usage error wrote to the site")
	}
}

// TestUserLogoutEndsSessions: grail user logout and grail user passwd end
// the sessions started before them.
func TestUserLogoutEndsSessions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if code, _, errOut := runWithInput(t, "long enough password\n", "user", "add", "ada", "--site", dir); code != 0 {
		t.Fatalf("add: exit %d, %s", code, errOut)
	}
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sessions := auth.NewSessions(st)
	if err := sessions.Load(ctx); err != nil {
		t.Fatal(err)
	}
	users := auth.NewUsers(st)
	for _, step := range [][]string{{"logout", "ada"}, {"passwd", "ada"}} {
		sess, err := sessions.Start(httptest.NewRecorder(), httptest.NewRequest("POST", "/admin/login", nil), "ada")
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // sessions are timed to the millisecond
		args := append([]string{"user"}, append(step, "--site", dir)...)
		if code, _, errOut := runWithInput(t, "another long password\n", args...); code != 0 {
			t.Fatalf("%v: exit %d, %s", step, code, errOut)
		}
		if ok, err := users.Valid(ctx, sess); ok || err != nil {
			t.Errorf("after grail user %s: the earlier session is valid (%v, %v)", step[0], ok, err)
		}
	}
}
