package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go/logging"

	"github.com/grailblog/grail/internal/jobs"
	"github.com/grailblog/grail/internal/lambdahttp"
	"github.com/grailblog/grail/internal/transport"
)

// lambdaConfig is GRAIL_CONFIG: the JSON the deploy stack writes
// (deploy/lib/grail-stack.ts; docs/deploy.md lists the fields), plus
// settings the stack leaves to their defaults.
type lambdaConfig struct {
	Site               string `json:"site"`
	TrustForwardedHost bool   `json:"trustForwardedHost"`
	StripBasePath      string `json:"stripBasePath"`
	KeepStage          bool   `json:"keepStage"`
	OriginSecretHeader string `json:"originSecretHeader"`
	OriginSecret       string `json:"originSecret"`
	// OriginSecretParameter names the Parameter Store parameter that holds
	// the origin secret (the stack's way; OriginSecret is for tests and
	// hand-made set-ups).
	OriginSecretParameter string `json:"originSecretParameter"`
	// CloudFrontDistributionID, when set, makes changes published through
	// the function invalidate the pages they alter (grail deploy
	// --invalidate).
	CloudFrontDistributionID string `json:"cloudfrontDistributionId"`

	// JobWait is how long a request waits for a job before answering 303
	// (default 25 s, under API Gateway's 29–30 s).
	JobWait jsonDuration `json:"jobWait"`
	// OverflowTTL is how long the URL of an oversized response is valid
	// (default 60 s).
	OverflowTTL jsonDuration `json:"overflowTTL"`
}

// jsonDuration is a duration written as Go spells it: "25s", "1m".
type jsonDuration time.Duration

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"25s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as \"25s\"", s)
	}
	*d = jsonDuration(v)
	return nil
}

// readLambdaConfig reads GRAIL_CONFIG, or takes the site alone from
// GRAIL_SITE.
func readLambdaConfig() (lambdaConfig, error) {
	var c lambdaConfig
	if raw := os.Getenv("GRAIL_CONFIG"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return c, fmt.Errorf("GRAIL_CONFIG: %w", err)
		}
	}
	if c.Site == "" {
		c.Site = os.Getenv("GRAIL_SITE")
	}
	if c.Site == "" {
		return c, errors.New(`no site: set GRAIL_CONFIG to {"site": "s3://BUCKET?region=…"} or GRAIL_SITE to the bucket URL`)
	}
	if (c.OriginSecret != "" || c.OriginSecretParameter != "") && c.OriginSecretHeader == "" {
		return c, errors.New("GRAIL_CONFIG: originSecret and originSecretParameter need originSecretHeader, the header that carries the secret")
	}
	return c, nil
}

// runLambda serves the site as a Lambda function until the runtime stops
// it. A function that cannot start tells the Runtime API why, so the
// failed invocation carries the reason rather than a bare exit status.
func runLambda(ctx context.Context, stdio Stdio, ext Extensions) error {
	log := slog.New(slog.NewJSONHandler(stdio.Err, nil)) // CloudWatch keeps stderr
	start := time.Now()
	fn, err := newLambdaFunction(ctx, log, ext)
	if err != nil {
		log.Error("cannot start", "err", err)
		reportInitError(ctx, os.Getenv("AWS_LAMBDA_RUNTIME_API"), err)
		return err
	}
	log.Info("ready", "took", time.Since(start).Round(time.Millisecond))
	lambda.StartWithOptions(fn, lambda.WithContext(ctx)) // exits the process when the Runtime API goes away
	return nil
}

// lambdaFunction is the function's handler: the site, as grail serve
// serves it, behind the event adapter, and the jobs the site starts.
type lambdaFunction struct {
	app     *app
	adapter *lambdahttp.Adapter
	log     *slog.Logger
	// checked is when the store was last looked at for other servers'
	// changes (Unix nanoseconds); failing remembers whether that failed.
	checked atomic.Int64
	failing atomic.Bool
}

func newLambdaFunction(ctx context.Context, log *slog.Logger, ext Extensions) (*lambdaFunction, error) {
	c, err := readLambdaConfig()
	if err != nil {
		return nil, err
	}
	secrets, err := newOriginSecrets(ctx, c, newParameterClient)
	if err != nil {
		return nil, err
	}
	jobWait := time.Duration(c.JobWait)
	a, err := openApp(ctx, c.Site, log, appOptions{
		proxies: lambdaProxies(c),
		// CloudFront answers only the distribution's own names, and with
		// the origin secret nothing else reaches the function.
		hostsBounded: secrets != nil,
		jobs: jobs.Options{
			Dispatch:  jobs.InvokeSelf(&lazyLambda{endpoint: ext.LambdaEndpoint}, os.Getenv("AWS_LAMBDA_FUNCTION_NAME")),
			StartWait: jobWait,
			PollWait:  jobWait,
		},
		ext: ext,
	})
	if err != nil {
		return nil, err
	}
	if c.CloudFrontDistributionID != "" {
		a.loader.OnChanged = newCDNInvalidator(c.CloudFrontDistributionID, log).invalidate
	}
	var h http.Handler = a.web
	if secrets != nil {
		h = originGuard{h: h, header: c.OriginSecretHeader, secrets: secrets}
	}
	f := &lambdaFunction{app: a, log: log}
	f.adapter = lambdahttp.New(h, lambdahttp.Options{
		// The transport applies X-Forwarded-Host, by the one rule for
		// forwarded headers (lambdaProxies).
		TrustForwardedHost: false,
		StripBasePath:      c.StripBasePath,
		KeepStage:          c.KeepStage,
		Overflow:           a.store.Overflow(time.Duration(c.OverflowTTL)),
		Logger:             log,
	})
	// The site was read just now: the first look for changes is due one
	// refresh interval from here.
	f.checked.Store(time.Now().UnixNano())
	return f, nil
}

// lambdaProxies says whose forwarded headers the function believes. The
// event adapter already takes the scheme and the client's address from
// what the front door (API Gateway, a function URL, an ALB) says of its
// own connection. CloudFront, in front of it, is the proxy: its
// X-Forwarded-Host (the reader's host, set by the deploy stack's CloudFront
// Function) and X-Forwarded-For are believed when trustForwardedHost says
// CloudFront is the way in. With an origin secret the origin guard has
// refused every other caller before the transport asks; without one, the
// configuration vouches that nothing else can reach the function.
func lambdaProxies(c lambdaConfig) transport.Proxies {
	if !c.TrustForwardedHost {
		return transport.Proxies{}
	}
	return transport.Proxies{Trusts: func(*http.Request) bool { return true }}
}

// Invoke handles one invocation: a job this function started (see
// jobs.InvokeSelf), or else an HTTP event.
//
// Lambda freezes the process between invocations, so nothing may run in
// the background: a goroutine would stop mid-request to the store and
// resume, perhaps hours later, on a dead connection. Whatever keeps the
// site current therefore happens here, inside an invocation.
//
// After a cold start the site comes from the index snapshot, and the full
// comparison with the sources that grail serve makes in the background
// is skipped: it lists every source (seconds, for a large bucket), which
// would either hold up the first reader or be frozen half-way. The index
// is kept current by everything that writes to the bucket (the admin,
// grail push), so it is what the sources say; files changed behind
// grail's back show once something writes the index again.
func (f *lambdaFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.refreshIfDue(ctx)
	if id, ok := jobs.JobPayload(payload); ok {
		if err := f.app.jobs.Run(ctx, id); err != nil {
			f.log.Warn("job not run", "job", id, "err", err)
		}
		// Never an error: Lambda would retry the invocation, and the
		// job's outcome is in its record already.
		return []byte(`{}`), nil
	}
	return f.adapter.Invoke(ctx, payload)
}

// refreshTimeout bounds the look for changes; beyond it the request is
// served from memory.
const refreshTimeout = 2 * time.Second

// refreshIfDue looks for other servers' changes (one HEAD request on the
// index) when the refresh interval has passed since the last look. A
// store that cannot be reached costs one request at most refreshTimeout
// per interval, and never an answer: the site in memory is served.
func (f *lambdaFunction) refreshIfDue(ctx context.Context) {
	now := time.Now().UnixNano()
	last := f.checked.Load()
	if now-last < int64(f.app.loader.Current().Config.Refresh.Std()) || !f.checked.CompareAndSwap(last, now) {
		return // not due, or another invocation is looking
	}
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	err := f.app.refresh(ctx)
	switch wasFailing := f.failing.Swap(err != nil); {
	case err != nil && !wasFailing:
		f.log.Warn("cannot check the store for changes; serving what is in memory", "err", err)
	case err == nil && wasFailing:
		f.log.Info("the store is reachable again")
	}
}

// lazyLambda is a Lambda client made on first use: most invocations
// start no job, and loading the AWS configuration is time a cold start
// need not spend.
type lazyLambda struct {
	endpoint string // Extensions.LambdaEndpoint; "" lets the SDK resolve it
	once     sync.Once
	client   *lambdasdk.Client
	err      error
}

func (l *lazyLambda) Invoke(ctx context.Context, in *lambdasdk.InvokeInput, optFns ...func(*lambdasdk.Options)) (*lambdasdk.InvokeOutput, error) {
	l.once.Do(func() {
		cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithLogger(logging.Nop{}))
		if err != nil {
			l.err = fmt.Errorf("AWS configuration: %w", err)
			return
		}
		l.client = lambdasdk.NewFromConfig(cfg, func(o *lambdasdk.Options) {
			if l.endpoint != "" {
				o.BaseEndpoint = aws.String(l.endpoint)
			}
		})
	})
	if l.err != nil {
		return nil, l.err
	}
	return l.client.Invoke(ctx, in, optFns...)
}

// reportInitError posts err to the Runtime API's init error endpoint.
func reportInitError(ctx context.Context, api string, err error) {
	body, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "InitError"})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, rerr := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+api+"/2018-06-01/runtime/init/error", bytes.NewReader(body))
	if rerr != nil {
		return
	}
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "InitError")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}
