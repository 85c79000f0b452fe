package cli

import (
	"strings"
	"testing"
)

func TestHelpDeploy(t *testing.T) {
	code, _, stderr := run(t, "help", "deploy")
	if code != 0 {
		t.Fatalf("help deploy: exit %d", code)
	}
	for _, want := range []string{
		"Usage: grail deploy [flags]",
		"Puts the blog on AWS", // what it does
		"Examples:",            // how
		"grail deploy --stage prod --rotate-origin-secret", // an example per task
		"grail deploy --dry-run",
		"-c key=value: throttleRate, throttleBurst, noncurrentVersionDays, reservedConcurrency, budgetEmail, monthlyBudgetUsd.",
		"-rotate-origin-secret", // and the flags
		"-front-door",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("grail help deploy lacks %q:\n%s", want, stderr)
		}
	}
}

func TestDeployRejectsUnknownContext(t *testing.T) {
	code, _, stderr := run(t, "deploy", "--dry-run", "-c", "budgetMail=me@example.com")
	if code != 1 || !strings.Contains(stderr, "unknown context key budgetMail") {
		t.Errorf("deploy -c budgetMail=…: exit %d, stderr %q; want the unknown key named", code, stderr)
	}
}
