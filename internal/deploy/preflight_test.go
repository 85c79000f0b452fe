package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const testCert = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string // "" for valid
	}{
		{"defaults", Options{Stage: "dev"}, ""},
		{"every stage", Options{Stage: "staging", FrontDoor: "rest", Invalidate: true}, ""},
		{"unknown stage", Options{Stage: "qa"}, `unknown stage "qa" (want dev, staging, prod)`},
		{"no stage", Options{}, `unknown stage "" (want dev, staging, prod)`},
		{"unknown front door", Options{Stage: "dev", FrontDoor: "alb"}, `unknown front door "alb" (want rest, http, url)`},
		{"invalidate with url", Options{Stage: "dev", FrontDoor: "url", Invalidate: true}, "--invalidate needs --front-door rest or http"},
		{"price classes", Options{Stage: "dev", PriceClass: "PriceClass_200"}, ""},
		{"unknown price class", Options{Stage: "dev", PriceClass: "300"}, `unknown price class "300" (want 100, 200, All)`},
		{"dry run and destroy", Options{Stage: "dev", DryRun: true, Destroy: true}, "--dry-run and --destroy do not go together"},
		{
			"domain with zone",
			Options{Stage: "prod", Domain: Domain{Name: "Blog.Example.com.", CertificateARN: testCert, HostedZoneID: "Z0123456789ABCDEFGHIJ", ZoneName: "example.com"}},
			"",
		},
		{"domain without certificate", Options{Stage: "prod", Domain: Domain{Name: "blog.example.com"}}, "domain blog.example.com needs --certificate-arn (an ACM certificate in us-east-1)"},
		{
			"certificate outside us-east-1",
			Options{Stage: "prod", Domain: Domain{Name: "blog.example.com", CertificateARN: strings.Replace(testCert, "us-east-1", "eu-central-1", 1)}},
			"certificate is in eu-central-1, but CloudFront only uses ACM certificates from us-east-1",
		},
		{"not an ARN", Options{Stage: "prod", Domain: Domain{Name: "blog.example.com", CertificateARN: "blog-cert"}}, `certificate "blog-cert" is not an ACM certificate ARN`},
		{"certificate without domain", Options{Stage: "prod", Domain: Domain{CertificateARN: testCert}}, "--certificate-arn, --hosted-zone-id and --zone-name need --domain"},
		{"a URL for a domain", Options{Stage: "prod", Domain: Domain{Name: "https://blog.example.com/", CertificateARN: testCert}}, `domain "https://blog.example.com/" is not a DNS name`},
		{"zone id alone", Options{Stage: "prod", Domain: Domain{Name: "blog.example.com", CertificateARN: testCert, HostedZoneID: "Z0123456789ABCDEFGHIJ"}}, "--hosted-zone-id and --zone-name go together"},
		{
			"domain outside zone",
			Options{Stage: "prod", Domain: Domain{Name: "blog.example.org", CertificateARN: testCert, HostedZoneID: "Z0123456789ABCDEFGHIJ", ZoneName: "example.com"}},
			"domain blog.example.org is not inside the zone example.com",
		},
		{"extra context", Options{Stage: "dev", Context: []string{"throttleRate=50", "noncurrentVersionDays=90"}}, ""},
		{"context without value", Options{Stage: "dev", Context: []string{"throttleRate"}}, `context "throttleRate" is not key=value`},
		{"context with its own flag", Options{Stage: "dev", Context: []string{"stage=prod"}}, "context stage has its own flag: use --stage"},
		{"context set by grail deploy", Options{Stage: "dev", Context: []string{"bootstrapZip=x.zip"}}, "context bootstrapZip is set by grail deploy itself"},
		{"secret version set by grail deploy", Options{Stage: "dev", Context: []string{"originSecretVersion=3"}}, "context originSecretVersion is set by grail deploy itself"},
		{"cost guard context", Options{Stage: "dev", Context: []string{"reservedConcurrency=0", "budgetEmail=me@example.com", "monthlyBudgetUsd=20"}}, ""},
		{"a misspelt context key", Options{Stage: "dev", Context: []string{"throtleRate=50"}}, "unknown context key throtleRate (want throttleRate, throttleBurst, noncurrentVersionDays, reservedConcurrency, budgetEmail, monthlyBudgetUsd)"},
		{"rotate on a dry run", Options{Stage: "dev", DryRun: true, RotateOriginSecret: true}, "--rotate-origin-secret needs a deploy"},
		{"rotate on destroy", Options{Stage: "dev", Destroy: true, RotateOriginSecret: true}, "--rotate-origin-secret needs a deploy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want %q", tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), tt.want):
				t.Fatalf("Validate() = %q, want it to start with %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Fatalf("Validate() = %q, want one line", err)
			}
		})
	}
}

func TestValidateNormalisesDomain(t *testing.T) {
	o := Options{Stage: "prod", Domain: Domain{Name: "Blog.Example.COM.", CertificateARN: testCert, HostedZoneID: "Z1", ZoneName: "Example.com."}}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Domain.Name != "blog.example.com" || o.Domain.ZoneName != "example.com" {
		t.Errorf("domain = %q in zone %q, want blog.example.com in example.com", o.Domain.Name, o.Domain.ZoneName)
	}
}

// fakeTools puts scripts named after tools in a new directory that becomes
// the whole PATH; node prints nodeVersion.
func fakeTools(t *testing.T, nodeVersion string, names ...string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake tools are shell scripts")
	}
	dir := t.TempDir()
	for _, name := range names {
		script := "#!/bin/sh\nexit 0\n"
		if name == "node" {
			script = "#!/bin/sh\necho " + nodeVersion + "\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir)
}

func TestPreflightTools(t *testing.T) {
	tests := []struct {
		name  string
		node  string
		tools []string
		o     Options
		want  string
	}{
		{"nothing on PATH", "", nil, Options{Stage: "dev"}, "node not found on PATH: the CDK app runs on Node.js 20 or later"},
		// Tools come first: a stage error waits until node is there.
		{"no node, bad stage", "", nil, Options{Stage: "qa"}, "node not found on PATH"},
		{"no npx", "v20.20.2", []string{"node", "npm", "go"}, Options{Stage: "dev"}, "npx not found on PATH: it runs the CDK CLI and comes with Node.js"},
		{"no go", "v20.20.2", []string{"node", "npm", "npx"}, Options{Stage: "dev"}, "go not found on PATH: grail deploy builds the Lambda binary from source"},
		{"old node", "v18.19.0", []string{"node", "npm", "npx", "go"}, Options{Stage: "dev"}, "node v18.19.0 is too old: the CDK app needs Node.js 20 or later"},
		{"then the stage", "v22.1.0", []string{"node", "npm", "npx", "go"}, Options{Stage: "qa"}, `unknown stage "qa"`},
		{"then the domain", "v22.1.0", []string{"node", "npm", "npx", "go"}, Options{Stage: "dev", Domain: Domain{Name: "blog.example.com"}}, "domain blog.example.com needs --certificate-arn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeTools(t, tt.node, tt.tools...)
			_, err := Preflight(context.Background(), &tt.o)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Preflight() = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("Preflight() = %q, want one line", err)
			}
		})
	}
}

func TestDestroyNeedsNoGo(t *testing.T) {
	fakeTools(t, "v20.20.2", "node", "npm", "npx")
	if err := CheckTools(context.Background(), false); err != nil {
		t.Fatalf("CheckTools without go, nothing to build: %v", err)
	}
}

// isolateAWS hides every source of AWS credentials and configuration the
// machine may have, and keeps the SDK away from the EC2 metadata address.
func isolateAWS(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
		}
	}
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestCheckCredentials(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_REGION", "us-east-1")
		err := CheckCredentials(context.Background())
		if err == nil || !strings.HasPrefix(err.Error(), "no AWS credentials: ") {
			t.Fatalf("CheckCredentials() = %v, want no AWS credentials", err)
		}
	})
	t.Run("from the environment", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
		t.Setenv("AWS_REGION", "eu-west-1")
		if err := CheckCredentials(context.Background()); err != nil {
			t.Fatalf("CheckCredentials() = %v", err)
		}
	})
	t.Run("no region", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
		err := CheckCredentials(context.Background())
		if err == nil || !strings.HasPrefix(err.Error(), "no AWS region: ") {
			t.Fatalf("CheckCredentials() = %v, want no AWS region", err)
		}
	})
	t.Run("a profile that does not exist", func(t *testing.T) {
		isolateAWS(t)
		t.Setenv("AWS_PROFILE", "nosuchprofile")
		err := CheckCredentials(context.Background())
		if err == nil || !strings.Contains(err.Error(), "nosuchprofile") {
			t.Fatalf("CheckCredentials() = %v, want it to name the profile", err)
		}
	})
}

func TestPreflightCredentials(t *testing.T) {
	requireNode(t)
	isolateAWS(t)
	root := repoRoot(t)

	if _, err := Preflight(context.Background(), &Options{Stage: "dev", Source: root}); err == nil || !strings.HasPrefix(err.Error(), "no AWS credentials") {
		t.Errorf("deploy without credentials: Preflight() = %v, want no AWS credentials", err)
	}
	got, err := Preflight(context.Background(), &Options{Stage: "dev", Source: root, DryRun: true})
	if err != nil {
		t.Fatalf("dry run without credentials: Preflight() = %v", err)
	}
	if got != root {
		t.Errorf("Preflight() root = %s, want %s", got, root)
	}
}

func TestFindSource(t *testing.T) {
	root := repoRoot(t)
	if got, err := FindSource(filepath.Join(root, "internal", "deploy")); err != nil || got != root {
		t.Errorf("FindSource(internal/deploy) = %q, %v; want %q", got, err, root)
	}

	outside := t.TempDir()
	_, err := FindSource(outside)
	if err == nil || !strings.Contains(err.Error(), "cannot find grail's source") || !strings.Contains(err.Error(), "--source DIR") {
		t.Errorf("FindSource(outside) = %v, want a hint at --source", err)
	}

	// Another module's go.mod on the way up is not grail's.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644)
	if _, err := FindSource(filepath.Join(other)); err == nil {
		t.Error("FindSource accepted a module that is not grail")
	}
}

func TestCheckSource(t *testing.T) {
	root := repoRoot(t)
	if got, err := CheckSource(root); err != nil || got != root {
		t.Errorf("CheckSource(repo) = %q, %v", got, err)
	}

	noApp := t.TempDir()
	os.WriteFile(filepath.Join(noApp, "go.mod"), []byte("module github.com/grailblog/grail // a comment\n\ngo 1.26\n"), 0o644)
	if _, err := CheckSource(noApp); err == nil || !strings.Contains(err.Error(), "has no deploy/cdk.json") {
		t.Errorf("CheckSource(no deploy/) = %v, want it to say deploy/cdk.json is missing", err)
	}

	if _, err := CheckSource(t.TempDir()); err == nil || !strings.Contains(err.Error(), "is not grail's source") {
		t.Errorf("CheckSource(empty) = %v, want not grail's source", err)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := FindSource(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestContextKeysMatchTheCDKApp: grail deploy refuses -c keys it does not
// know, so its list must be the one deploy/lib/settings.ts reads, and its
// default reservation the app's.
func TestContextKeysMatchTheCDKApp(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "lib", "settings.ts"))
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, m := range regexp.MustCompile(`\(ctx, '(\w+)'\)`).FindAllStringSubmatch(string(data), -1) {
		if !slices.Contains(read, m[1]) {
			read = append(read, m[1])
		}
	}
	known := slices.Clone(ContextKeys)
	for key := range contextFlags {
		known = append(known, key)
	}
	slices.Sort(read)
	slices.Sort(known)
	if !slices.Equal(read, known) {
		t.Errorf("settings.ts reads %v,\ngrail deploy knows %v", read, known)
	}
	m := regexp.MustCompile(`DEFAULT_RESERVED_CONCURRENCY = (\d+);`).FindStringSubmatch(string(data))
	if m == nil || m[1] != strconv.Itoa(defaultReservedConcurrency) {
		t.Errorf("settings.ts DEFAULT_RESERVED_CONCURRENCY %v, grail deploy assumes %d", m, defaultReservedConcurrency)
	}
}
