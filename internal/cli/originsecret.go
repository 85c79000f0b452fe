package cli

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go/logging"
)

// originGuard lets through only requests that carry the origin secret,
// which CloudFront adds to every request it forwards; anything else called
// the front door's own address (execute-api, lambda-url) and gets 403.
// Such a caller would skip the CDN's cache and its protections, and could
// choose the host written into absolute links: behind the guard, every
// request is CloudFront's, whose forwarded headers the transport may then
// believe (see lambdaProxies). The secret is taken out of the request
// before the site sees it, so no log or page can show it.
//
// Nothing AWS calls by itself needs letting through: a job's own
// invocation is not an HTTP event and never reaches the guard.
type originGuard struct {
	h       http.Handler
	header  string
	secrets originSecrets
}

func (g originGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get(g.header)
	r.Header.Del(g.header)
	if !g.secrets.accepts(r.Context(), got) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Forbidden: this address serves only through the blog's CDN.", http.StatusForbidden)
		return
	}
	g.h.ServeHTTP(w, r)
}

// originSecrets decides whether a request's secret is CloudFront's.
type originSecrets interface {
	accepts(ctx context.Context, got string) bool
}

// sameSecret compares in constant time, so that the time an answer takes
// says nothing about how much of a guess was right.
func sameSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// fixedSecret is a secret written into GRAIL_CONFIG itself.
type fixedSecret string

func (s fixedSecret) accepts(_ context.Context, got string) bool { return sameSecret(got, string(s)) }

// newOriginSecrets returns what the configuration says the secret is, or
// nil when it names none. A parameter is read now, so that a function
// that cannot read it fails to start and says why.
func newOriginSecrets(ctx context.Context, c lambdaConfig, newAPI func(context.Context) (parameterAPI, error)) (originSecrets, error) {
	switch {
	case c.OriginSecretParameter != "":
		api, err := newAPI(ctx)
		if err != nil {
			return nil, err
		}
		s := &storedSecret{api: api, name: c.OriginSecretParameter, now: time.Now}
		if err := s.read(ctx); err != nil {
			return nil, err
		}
		return s, nil
	case c.OriginSecret != "":
		return fixedSecret(c.OriginSecret), nil
	}
	return nil, nil
}

// parameterAPI is what the function asks of Parameter Store.
type parameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

func newParameterClient(ctx context.Context) (parameterAPI, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithLogger(logging.Nop{}))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return ssm.NewFromConfig(cfg), nil
}

const (
	// rereadInterval is how often, at most, a secret the function does not
	// know makes it read the parameter again (it may have been rotated
	// since the function started); guesses cost no more than that.
	rereadInterval = time.Minute
	// readTimeout bounds one read of the parameter.
	readTimeout = 2 * time.Second
)

// storedSecret is the origin secret in a Parameter Store parameter, which
// grail deploy creates and rotates. The latest version is accepted, and so
// is the one before it: grail deploy rotates before CloudFormation has
// updated CloudFront, whose edges then take minutes to change over, and a
// deploy that fails and rolls back leaves CloudFront on the old secret. A
// second rotation retires it.
type storedSecret struct {
	api  parameterAPI
	name string
	now  func() time.Time

	mu       sync.Mutex
	current  string
	previous string
	lastRead time.Time
}

func (s *storedSecret) accepts(ctx context.Context, got string) bool {
	if got == "" {
		return false // no secret at all: not worth a read
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known(got) {
		return true
	}
	if s.now().Sub(s.lastRead) < rereadInterval || s.read(ctx) != nil {
		return false
	}
	return s.known(got)
}

// known is called with s.mu held.
func (s *storedSecret) known(got string) bool {
	return sameSecret(got, s.current) || sameSecret(got, s.previous)
}

// read fetches the latest version and the one before. Called with s.mu
// held, or before s is shared.
func (s *storedSecret) read(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	s.lastRead = s.now()
	latest, err := s.get(ctx, s.name)
	if err != nil {
		return err
	}
	s.current, s.previous = value(latest), ""
	if latest.Version < 2 {
		return nil
	}
	prev, err := s.get(ctx, fmt.Sprintf("%s:%d", s.name, latest.Version-1))
	var gone *types.ParameterVersionNotFound
	switch {
	case errors.As(err, &gone):
		return nil
	case err != nil:
		return err
	}
	s.previous = value(prev)
	return nil
}

func (s *storedSecret) get(ctx context.Context, name string) (*types.Parameter, error) {
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: &name, WithDecryption: new(true)})
	if err != nil {
		return nil, fmt.Errorf("read the origin secret %s: %w", name, err)
	}
	if out.Parameter == nil || value(out.Parameter) == "" {
		return nil, fmt.Errorf("read the origin secret %s: it is empty", name)
	}
	return out.Parameter, nil
}

func value(p *types.Parameter) string {
	if p.Value == nil {
		return ""
	}
	return *p.Value
}
