// Package deploy stands a grail blog's AWS stack up, or tears it down. It
// checks the machine first, builds the Lambda bootstrap for linux/arm64 from
// grail's source, and drives the CDK app in deploy/ through the CDK CLI.
//
// The CDK app validates its context too (deploy/lib/settings.ts); the checks
// here repeat the ones a person is likely to trip over so that they fail in a
// second, before a build and a Node start-up, with the same words.
package deploy

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Stages are the stacks a checkout can deploy; each is its own CloudFormation
// stack named grail-<stage>.
var Stages = []string{"dev", "staging", "prod"}

// FrontDoors are the ways from CloudFront to the function: an API Gateway
// REST API, an HTTP API, or a Lambda Function URL.
var FrontDoors = []string{"rest", "http", "url"}

// Options says what to deploy and where to talk.
type Options struct {
	Stage      string // one of Stages
	FrontDoor  string // one of FrontDoors; empty means the CDK app's default
	DryRun     bool   // synthesize the template only: no credentials, no AWS calls
	Destroy    bool   // delete the stack (the bucket stays)
	Invalidate bool   // let grail invalidate CloudFront paths after publishing
	Yes        bool   // do not ask before security changes or destroying
	PriceClass string // CloudFront price class: 100, 200 or All; empty means 100
	Domain     Domain
	// RotateOriginSecret replaces the secret CloudFront proves itself to
	// the function with; the old one is accepted for an hour more.
	RotateOriginSecret bool

	// Context holds further CDK context as key=value, for the settings that
	// have no flag of their own (throttleRate, noncurrentVersionDays, …).
	Context []string

	// Source is the root of grail's module; empty means search upwards
	// from the working directory.
	Source string
	// OutDir is where the CDK writes the cloud assembly; empty means
	// Source/deploy/cdk.out.
	OutDir string

	Stdin          io.Reader
	Stdout, Stderr io.Writer

	// cloud is how grail deploy talks to AWS itself; Preflight makes it
	// from the credentials unless a test has put a fake here.
	cloud *cloud
}

// Domain is an optional custom domain for the distribution.
type Domain struct {
	Name           string // blog.example.com
	CertificateARN string // ACM, us-east-1
	HostedZoneID   string // Route 53 zone for the alias records; optional
	ZoneName       string // that zone's name, e.g. example.com
}

// stackName is the CloudFormation stack (and Lambda function) of a stage.
func stackName(stage string) string { return "grail-" + stage }

var (
	hostname = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	acmARN   = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$`)
	ctxKey   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
)

// contextFlags are the context keys that have flags of their own.
var contextFlags = map[string]string{
	"stage":               "--stage",
	"frontDoor":           "--front-door",
	"invalidate":          "--invalidate",
	"priceClass":          "--price-class",
	"domainName":          "--domain",
	"certificateArn":      "--certificate-arn",
	"hostedZoneId":        "--hosted-zone-id",
	"zoneName":            "--zone-name",
	"bootstrapZip":        "",
	"originSecretVersion": "",
}

// ContextKeys are the settings passed with -c, as deploy/lib/settings.ts
// reads them; anything else is a typo that the CDK would ignore.
var ContextKeys = []string{
	"throttleRate", "throttleBurst", "noncurrentVersionDays",
	"reservedConcurrency", "budgetEmail", "monthlyBudgetUsd",
}

// defaultReservedConcurrency is settings.ts's DEFAULT_RESERVED_CONCURRENCY.
const defaultReservedConcurrency = 5

// Validate checks the options on their own, without looking at the machine,
// and lower-cases the domain names. Its errors are one line each.
func (o *Options) Validate() error {
	if !slices.Contains(Stages, o.Stage) {
		return fmt.Errorf("unknown stage %q (want %s)", o.Stage, strings.Join(Stages, ", "))
	}
	if o.FrontDoor != "" && !slices.Contains(FrontDoors, o.FrontDoor) {
		return fmt.Errorf("unknown front door %q (want %s)", o.FrontDoor, strings.Join(FrontDoors, ", "))
	}
	if o.Invalidate && o.FrontDoor == "url" {
		return errors.New("--invalidate needs --front-door rest or http: with a Function URL the distribution id cannot be given to the function")
	}
	if pc := strings.TrimPrefix(strings.ToLower(o.PriceClass), "priceclass_"); pc != "" && pc != "100" && pc != "200" && pc != "all" {
		return fmt.Errorf("unknown price class %q (want 100, 200, All)", o.PriceClass)
	}
	if o.DryRun && o.Destroy {
		return errors.New("--dry-run and --destroy do not go together")
	}
	if o.RotateOriginSecret && (o.DryRun || o.Destroy) {
		return errors.New("--rotate-origin-secret needs a deploy: it goes with neither --dry-run nor --destroy")
	}
	if err := o.Domain.validate(); err != nil {
		return err
	}
	for _, kv := range o.Context {
		key, _, ok := strings.Cut(kv, "=")
		if !ok || !ctxKey.MatchString(key) {
			return fmt.Errorf("context %q is not key=value", kv)
		}
		if flag, taken := contextFlags[key]; taken {
			if flag == "" {
				return fmt.Errorf("context %s is set by grail deploy itself", key)
			}
			return fmt.Errorf("context %s has its own flag: use %s", key, flag)
		}
		if !slices.Contains(ContextKeys, key) {
			return fmt.Errorf("unknown context key %s (want %s)", key, strings.Join(ContextKeys, ", "))
		}
	}
	return nil
}

// reservedConcurrency is the function's reserved concurrency the CDK app
// will set: the -c value, or its default.
func (o *Options) reservedConcurrency() int {
	n := defaultReservedConcurrency
	for _, kv := range o.Context {
		if key, value, _ := strings.Cut(kv, "="); key == "reservedConcurrency" {
			if v, err := strconv.Atoi(value); err == nil {
				n = v
			}
		}
	}
	return n
}

func (d *Domain) validate() error {
	d.Name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d.Name)), ".")
	d.ZoneName = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d.ZoneName)), ".")
	if d.Name == "" {
		if d.CertificateARN != "" || d.HostedZoneID != "" || d.ZoneName != "" {
			return errors.New("--certificate-arn, --hosted-zone-id and --zone-name need --domain")
		}
		return nil
	}
	if !hostname.MatchString(d.Name) {
		return fmt.Errorf("domain %q is not a DNS name", d.Name)
	}
	if d.CertificateARN == "" {
		return fmt.Errorf("domain %s needs --certificate-arn (an ACM certificate in us-east-1)", d.Name)
	}
	m := acmARN.FindStringSubmatch(d.CertificateARN)
	if m == nil {
		return fmt.Errorf("certificate %q is not an ACM certificate ARN", d.CertificateARN)
	}
	if m[1] != "us-east-1" {
		return fmt.Errorf("certificate is in %s, but CloudFront only uses ACM certificates from us-east-1", m[1])
	}
	if (d.HostedZoneID == "") != (d.ZoneName == "") {
		return errors.New("--hosted-zone-id and --zone-name go together: give both, or neither")
	}
	if d.ZoneName != "" && d.Name != d.ZoneName && !strings.HasSuffix(d.Name, "."+d.ZoneName) {
		return fmt.Errorf("domain %s is not inside the zone %s", d.Name, d.ZoneName)
	}
	return nil
}

// cdkContext is the -c arguments for the CDK app; secretVersion is the
// origin secret's version in Parameter Store, or 0 for the latest.
func (o *Options) cdkContext(bootstrapZip string, secretVersion int64) []string {
	var args []string
	add := func(key, value string) {
		if value != "" {
			args = append(args, "-c", key+"="+value)
		}
	}
	add("stage", o.Stage)
	add("bootstrapZip", bootstrapZip)
	add("frontDoor", o.FrontDoor)
	if o.Invalidate {
		add("invalidate", "true")
	}
	add("priceClass", o.PriceClass)
	add("domainName", o.Domain.Name)
	add("certificateArn", o.Domain.CertificateARN)
	add("hostedZoneId", o.Domain.HostedZoneID)
	add("zoneName", o.Domain.ZoneName)
	if secretVersion > 0 {
		add("originSecretVersion", strconv.FormatInt(secretVersion, 10))
	}
	for _, kv := range o.Context {
		args = append(args, "-c", kv)
	}
	return args
}
