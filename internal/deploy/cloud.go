package deploy

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// cloud is what grail deploy asks of AWS itself, before the CDK runs: a
// narrow view of two clients, so that tests can stand in for them.
type cloud struct {
	region string
	params parameterStore
	lambda accountSettings
}

type parameterStore interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, optFns ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
}

type accountSettings interface {
	GetAccountSettings(ctx context.Context, in *lambdasdk.GetAccountSettingsInput, optFns ...func(*lambdasdk.Options)) (*lambdasdk.GetAccountSettingsOutput, error)
}

func newCloud(cfg aws.Config) *cloud {
	return &cloud{region: cfg.Region, params: ssm.NewFromConfig(cfg), lambda: lambdasdk.NewFromConfig(cfg)}
}

// bootstrapVersionParameter is where `cdk bootstrap` records its version,
// under the CDK's default qualifier.
const bootstrapVersionParameter = "/cdk-bootstrap/hnb659fds/version"

// minBootstrapVersion is the oldest bootstrap stack the CDK's templates
// accept (they check it themselves, but only once CloudFormation runs).
const minBootstrapVersion = 6

// checkBootstrapped fails when `cdk bootstrap` has not run in this account
// and region: the CDK would otherwise stop half-way, after the build, with
// an error about a missing bucket or role.
func (c *cloud) checkBootstrapped(ctx context.Context) error {
	out, err := c.params.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(bootstrapVersionParameter)})
	var missing *types.ParameterNotFound
	switch {
	case errors.As(err, &missing):
		return fmt.Errorf("the CDK is not bootstrapped in %s (no CDKToolkit stack): run `cd deploy && npx cdk bootstrap` once for this account and region", c.region)
	case err != nil:
		return fmt.Errorf("check that the CDK is bootstrapped in %s: %v", c.region, oneLine(err))
	}
	if v, err := strconv.Atoi(aws.ToString(out.Parameter.Value)); err == nil && v < minBootstrapVersion {
		return fmt.Errorf("the CDK's bootstrap in %s is version %d, older than the %d it needs: run `cd deploy && npx cdk bootstrap` again", c.region, v, minBootstrapVersion)
	}
	return nil
}

// lambdaUnreservedMinimum is the concurrency Lambda keeps for the
// functions that reserve none: a reservation may not eat into it.
const lambdaUnreservedMinimum = 100

// checkConcurrency fails when the account's Lambda quota is too small to
// reserve what the stack asks for, as on new accounts, whose quota can be
// as low as 10: CloudFormation would refuse the function after a build and
// an upload, and roll the whole stack back.
func (c *cloud) checkConcurrency(ctx context.Context, reserved int) error {
	if reserved <= 0 {
		return nil
	}
	out, err := c.lambda.GetAccountSettings(ctx, &lambdasdk.GetAccountSettingsInput{})
	if err != nil {
		return fmt.Errorf("read the account's Lambda concurrency quota in %s: %v", c.region, oneLine(err))
	}
	quota := int(out.AccountLimit.ConcurrentExecutions)
	if quota < reserved+lambdaUnreservedMinimum {
		return fmt.Errorf("reservedConcurrency %d needs a Lambda concurrency quota of at least %d in %s, and this account's is %d: pass -c reservedConcurrency=0 (the front door's throttle still applies), or ask for a higher quota in the Service Quotas console",
			reserved, reserved+lambdaUnreservedMinimum, c.region, quota)
	}
	return nil
}

// OriginSecretParameter is the Parameter Store parameter holding a stage's
// origin secret (deploy/lib/settings.ts names it the same way).
func OriginSecretParameter(stage string) string { return "/grail/" + stage + "/origin-secret" }

// ensureOriginSecret creates the stage's origin secret if it does not
// exist yet, or replaces it when rotate is set, and returns the version
// CloudFront is to send.
func (c *cloud) ensureOriginSecret(ctx context.Context, stage string, rotate bool, stdout io.Writer) (int64, error) {
	name := OriginSecretParameter(stage)
	out, err := c.params.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	var missing *types.ParameterNotFound
	switch {
	case errors.As(err, &missing):
		v, err := c.putOriginSecret(ctx, name, false)
		if err == nil {
			fmt.Fprintf(stdout, "Created the origin secret %s.\n", name)
		}
		return v, err
	case err != nil:
		return 0, fmt.Errorf("read the origin secret %s: %v", name, oneLine(err))
	case rotate:
		v, err := c.putOriginSecret(ctx, name, true)
		if err == nil {
			fmt.Fprintf(stdout, "Rotated the origin secret %s (version %d); the previous one is accepted for another hour.\n", name, v)
		}
		return v, err
	}
	return out.Parameter.Version, nil
}

// putOriginSecret writes a new random secret. It is a String, not a
// SecureString, because CloudFormation can hand CloudFront only a String
// (docs/deploy.md says more). Without overwrite, a parameter someone else
// created in the meantime is an error rather than replaced.
func (c *cloud) putOriginSecret(ctx context.Context, name string, overwrite bool) (int64, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	out, err := c.params.PutParameter(ctx, &ssm.PutParameterInput{
		Name:        aws.String(name),
		Value:       aws.String(base64.RawURLEncoding.EncodeToString(secret)),
		Type:        types.ParameterTypeString,
		Description: aws.String("grail: the header CloudFront sends so that the blog's function knows the request came through it"),
		Overwrite:   aws.Bool(overwrite),
	})
	if err != nil {
		return 0, fmt.Errorf("write the origin secret %s: %v", name, oneLine(err))
	}
	return out.Version, nil
}

// oneLine keeps an SDK error to the one line every error here is.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
