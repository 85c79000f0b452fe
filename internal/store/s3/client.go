package s3

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/grailblog/grail/internal/store/backend"
)

// newClient makes the S3 client for an s3:// URL. It reads the same
// parameters as gocloud.dev's s3blob opener — region, endpoint, profile,
// use_path_style (or s3ForcePathStyle), disable_https, anonymous — but
// builds the client itself, so that it can be tuned for S3-compatible
// servers (checksums only where required) and keep the SDK's own log lines
// out of grail's output. Credentials come from the standard AWS chain,
// and are looked up now, so that their absence is reported as such.
func newClient(ctx context.Context, q url.Values) (*awss3.Client, error) {
	loadOpts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	var s3Opts []func(*awss3.Options)
	anonymous := false
	for key, values := range q {
		v := values[0]
		switch key {
		case "region":
			loadOpts = append(loadOpts, config.WithRegion(v))
		case "profile":
			loadOpts = append(loadOpts, config.WithSharedConfigProfile(v))
		case "anonymous":
			if anonymous, _ = strconv.ParseBool(v); anonymous {
				loadOpts = append(loadOpts, config.WithCredentialsProvider(aws.AnonymousCredentials{}))
			}
		case "endpoint":
			s3Opts = append(s3Opts, func(o *awss3.Options) {
				o.BaseEndpoint = aws.String(v)
				o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			})
		case "use_path_style", "s3ForcePathStyle", "disable_https":
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("%s=%q is not true or false: %w", key, v, backend.ErrInvalidKey)
			}
			if key == "disable_https" {
				s3Opts = append(s3Opts, func(o *awss3.Options) { o.EndpointOptions.DisableHTTPS = on })
			} else {
				s3Opts = append(s3Opts, func(o *awss3.Options) { o.UsePathStyle = on })
			}
		default:
			return nil, fmt.Errorf("unknown parameter %q in the bucket URL (known: region, endpoint, profile, use_path_style, disable_https, anonymous): %w", key, backend.ErrInvalidKey)
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	if !anonymous {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, fmt.Errorf("no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (%v): %w", rootCause(err), backend.ErrDenied)
		}
	}
	s3Opts = append(s3Opts, func(o *awss3.Options) {
		o.DisableLogOutputChecksumValidationSkipped = true
		// A reader waits while the SDK retries: three tries, with pauses
		// of at most half a second, then the store is called unavailable.
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), 500*time.Millisecond)
	})
	return awss3.NewFromConfig(cfg, s3Opts...), nil
}
