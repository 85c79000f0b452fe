package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/grailblog/grail/internal/deploy"
)

const deployHelp = `Usage: grail deploy [flags]

Puts the blog on AWS, or takes it down: an S3 bucket for everything, one
Lambda function that serves and edits it, a front door (HTTP API by
default) and CloudFront in front. grail deploy checks the machine and the
account first (Node.js, Go, credentials, that 'cdk bootstrap' has run),
builds the function from grail's source, then runs the CDK app in deploy/.
It then prints the site's address and the next steps: an account to log
in with, and the content to publish.

Examples:
  grail deploy --dry-run                  write the CloudFormation template only; no AWS needed
  grail deploy                            deploy the dev stage
  grail deploy --stage prod --domain blog.example.com \
    --certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/… \
    --hosted-zone-id Z0123456789ABCDEFGHIJ --zone-name example.com
  grail deploy --stage prod -c budgetEmail=me@example.com -c monthlyBudgetUsd=20
  grail deploy --stage prod --rotate-origin-secret
  grail deploy --destroy --stage dev      delete the stack; the bucket is kept

More settings with -c key=value: %s.
docs/deploy.md explains each, and what the stack costs.

Flags:
`

func runDeploy(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("deploy", "[flags]", stdio)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), deployHelp, strings.Join(deploy.ContextKeys, ", "))
		fs.PrintDefaults()
	}
	o := deploy.Options{Stdin: stdio.In, Stdout: stdio.Out, Stderr: stdio.Err}
	fs.StringVar(&o.Stage, "stage", "dev", "the stack to deploy: "+strings.Join(deploy.Stages, ", "))
	fs.BoolVar(&o.DryRun, "dry-run", false, "build and write the CloudFormation template only; needs no AWS credentials")
	fs.BoolVar(&o.Destroy, "destroy", false, "delete the stage's stack; its content bucket is kept")
	fs.StringVar(&o.FrontDoor, "front-door", "", "between CloudFront and the function: rest, http or url (default http)")
	fs.BoolVar(&o.Invalidate, "invalidate", false, "let grail invalidate CloudFront after publishing")
	fs.StringVar(&o.Domain.Name, "domain", "", "custom domain for the blog, e.g. blog.example.com")
	fs.StringVar(&o.Domain.CertificateARN, "certificate-arn", "", "ACM certificate in us-east-1 for --domain")
	fs.StringVar(&o.Domain.HostedZoneID, "hosted-zone-id", "", "Route 53 zone in which to point --domain at CloudFront")
	fs.StringVar(&o.Domain.ZoneName, "zone-name", "", "that zone's name, e.g. example.com")
	fs.StringVar(&o.PriceClass, "price-class", "", "CloudFront price class: 100, 200 or All (default 100)")
	fs.BoolVar(&o.RotateOriginSecret, "rotate-origin-secret", false, "replace the secret by which the function knows CloudFront's requests")
	fs.Func("c", "more CDK context as `key=value`, repeatable (see docs/deploy.md)", func(kv string) error {
		o.Context = append(o.Context, kv)
		return nil
	})
	fs.StringVar(&o.Source, "source", "", "grail's source `dir` (default: found upwards from the working directory)")
	fs.StringVar(&o.OutDir, "out", "", "where the CDK writes the template and assets (default: deploy/cdk.out in the source)")
	fs.BoolVar(&o.Yes, "yes", false, "do not ask before security changes or before destroying")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return deploy.Run(ctx, o)
}
