package lambdahttp

import "context"

// Overflow stores a response body that is too large for the front door and
// returns a short-lived URL for it.
//
// The adapter answers the request with 303 See Other and that URL as
// Location, so the client fetches the body from the store instead. Spill is
// called synchronously during the invocation with the invocation's context;
// body must not be retained after Spill returns. contentType and
// contentEncoding are the response's own headers, to be stored with the
// object so that the store serves the body as the handler meant it.
type Overflow interface {
	Spill(ctx context.Context, body []byte, contentType, contentEncoding string) (url string, err error)
}

// Default response size limits. They apply to the JSON the function
// returns, which is what the front doors measure: a base64 body takes a
// third more room than the bytes it carries.
const (
	// DefaultMaxResponseBytes is Lambda's limit on a synchronous response
	// (6 MiB), which binds API Gateway and Function URLs.
	DefaultMaxResponseBytes = 6 << 20
	// DefaultMaxALBResponseBytes is the ALB's limit on a Lambda response (1 MiB).
	DefaultMaxALBResponseBytes = 1 << 20
)
