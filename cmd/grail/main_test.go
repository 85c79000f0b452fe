package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShipsNoTestSupport: the command links none of the packages that
// exist for tests (the sleep job, the S3 server, the Lambda emulators),
// nor the testing package they may use.
func TestShipsNoTestSupport(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	testOnly := []string{
		"testing",
		"github.com/grailblog/grail/internal/jobs/jobstest",
		"github.com/grailblog/grail/internal/s3test",
		"github.com/grailblog/grail/internal/testsite",
		"github.com/grailblog/grail/internal/transport/transporttest",
		"github.com/grailblog/grail/internal/store/backend/backendtest",
		"github.com/grailblog/grail/internal/lambdahttp/runtimeapi",
		"github.com/grailblog/grail/internal/lambdahttp/internal/memoverflow",
	}
	deps := strings.Fields(string(out))
	for _, pkg := range testOnly {
		for _, dep := range deps {
			if dep == pkg {
				t.Errorf("grail links %s, which is for tests only", pkg)
			}
		}
	}
	if len(deps) < 10 || deps[len(deps)-1] != "github.com/grailblog/grail/cmd/grail" {
		t.Errorf("go list -deps gave %d packages ending in %q; want the command's dependencies", len(deps), deps[len(deps)-1])
	}
}
