package cli

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go/logging"
)

// cdnInvalidator asks CloudFront to drop the pages a change made through
// this function altered, so that readers see a published post at once
// rather than when the cached copy's lifetime runs out (five minutes by
// default). It is off unless the stack is deployed with --invalidate:
// beyond 1,000 paths a month, invalidations are paid for.
type cdnInvalidator struct {
	distribution string
	log          *slog.Logger
	// newClient makes the client on first use, keeping a cold start free
	// of the AWS configuration lookup.
	newClient func(context.Context) (*cloudfront.Client, error)
	once      sync.Once
	client    *cloudfront.Client
	err       error
}

func newCDNInvalidator(distribution string, log *slog.Logger) *cdnInvalidator {
	return &cdnInvalidator{distribution: distribution, log: log, newClient: func(ctx context.Context) (*cloudfront.Client, error) {
		cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithLogger(logging.Nop{}))
		if err != nil {
			return nil, err
		}
		return cloudfront.NewFromConfig(cfg), nil
	}}
}

// invalidate sends one invalidation for paths. It waits for CloudFront to
// take it (not to finish it), a few seconds at most: on Lambda nothing
// runs once the answer has gone out.
func (c *cdnInvalidator) invalidate(ctx context.Context, paths []string) {
	if len(paths) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c.once.Do(func() { c.client, c.err = c.newClient(ctx) })
	if c.err != nil {
		c.log.Warn("no CloudFront client; pages update when their cached copies expire", "err", c.err)
		return
	}
	_, err := c.client.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(c.distribution),
		InvalidationBatch: &cftypes.InvalidationBatch{
			CallerReference: aws.String("grail-" + strconv.FormatInt(time.Now().UnixNano(), 36)),
			Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		c.log.Warn("CloudFront invalidation failed; pages update when their cached copies expire", "paths", paths, "err", err)
		return
	}
	c.log.Info("CloudFront invalidation sent", "paths", paths)
}
