package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/aws/smithy-go"
	"gocloud.dev/gcerrors"

	"github.com/grailblog/grail/internal/store/backend"
)

// codeKinds maps S3's error codes to the kinds of failure. It is the one
// list of them: every request's error goes through mapError.
var codeKinds = map[string]error{
	"NoSuchKey": backend.ErrNotFound,
	"NotFound":  backend.ErrNotFound, // a HEAD has no body to name the code

	"PreconditionFailed":         backend.ErrConflict,
	"ConditionalRequestConflict": backend.ErrConflict,

	"AccessDenied":          backend.ErrDenied,
	"Forbidden":             backend.ErrDenied,
	"AllAccessDisabled":     backend.ErrDenied,
	"SignatureDoesNotMatch": backend.ErrDenied,
	"InvalidAccessKeyId":    backend.ErrDenied,
	"ExpiredToken":          backend.ErrDenied,
	"InvalidToken":          backend.ErrDenied,
	"TokenRefreshRequired":  backend.ErrDenied,

	"KeyTooLongError": backend.ErrInvalidKey,
	"InvalidURI":      backend.ErrInvalidKey,

	// Codes whose HTTP status alone would say something else.
	"NoSuchBucket":   backend.ErrUnavailable, // the store is gone, not the object
	"RequestTimeout": backend.ErrUnavailable,
}

// statusKinds classify a response that names no code S3 documents (a
// HEAD has no body; S3-compatible servers have codes of their own).
var statusKinds = map[int]error{
	http.StatusBadRequest:         backend.ErrInvalidKey,
	http.StatusForbidden:          backend.ErrDenied,
	http.StatusNotFound:           backend.ErrNotFound,
	http.StatusPreconditionFailed: backend.ErrConflict,
}

// gocloudKinds classifies what gocloud.dev reports without an S3 code.
var gocloudKinds = map[gcerrors.ErrorCode]error{
	gcerrors.NotFound:           backend.ErrNotFound,
	gcerrors.FailedPrecondition: backend.ErrConflict,
	gcerrors.PermissionDenied:   backend.ErrDenied,
	gcerrors.InvalidArgument:    backend.ErrInvalidKey,
}

// mapError wraps a provider error with its kind and what was being done.
// Anything unclassified — a refused connection, a timeout, a 5xx, a
// missing bucket — means the store cannot serve now: ErrUnavailable. A
// request whose context was cancelled is not the store's failure.
func (s *Backend) mapError(what string, err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s in %s: %w", what, s.desc, err)
	}
	kind, ok := codeKinds[apiCode(err)]
	if !ok {
		kind, ok = statusKinds[httpStatus(err)]
	}
	if !ok {
		kind, ok = gocloudKinds[gcerrors.Code(err)]
	}
	if !ok {
		kind = backend.ErrUnavailable
	}
	return fmt.Errorf("%s in %s: %w (%s)", what, s.desc, kind, rootCause(err))
}

// apiCode is the service's error code, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// httpStatus is the status of the service's response, or 0.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// rootCause shortens the layers of wrapping that SDKs put around an
// error (operation, request id, host id) to what an operator can act on.
func rootCause(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return ne.Error()
	}
	return err.Error()
}
