package lambdahttp

import (
	"context"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

type eventKey struct{}

// withEvent returns ctx carrying ev for EventFromContext.
func withEvent(ctx context.Context, ev *Event) context.Context {
	return context.WithValue(ctx, eventKey{}, ev)
}

// EventFromContext returns the event a request was built from. Handlers call
// it with r.Context(); it reports false for requests that did not come
// through an Adapter, such as those of a plain net/http server.
func EventFromContext(ctx context.Context) (*Event, bool) {
	ev, ok := ctx.Value(eventKey{}).(*Event)
	return ev, ok
}

// LambdaContextFromContext returns the Lambda invocation metadata (request
// ID, function ARN) of the invocation a request belongs to. The request's
// context derives from the context the Lambda runtime passed to Invoke, so
// this is lambdacontext.FromContext; it is here so that handlers need to
// import only this package.
func LambdaContextFromContext(ctx context.Context) (*lambdacontext.LambdaContext, bool) {
	return lambdacontext.FromContext(ctx)
}
