package cli

import (
	"context"
	"strings"

	"github.com/grailblog/grail/internal/deploy"
)

func runDeploy(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("deploy", "[flags]", stdio)
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
