// Package errstatus turns the store's kinds of failure into HTTP
// statuses, in one place for the reader's side, the admin and jobs.
package errstatus

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/grailblog/grail/internal/store/backend"
)

// RetryAfter is how long, in seconds, a 503 asks clients to wait: the
// store's outages that grail sees are mostly a few seconds long (a
// restart, a throttled bucket).
const RetryAfter = 30

// Of returns the status that answers a request that failed with err:
//
//	not found, invalid key → 404, 400
//	conflict               → 409
//	denied                 → 403
//	unavailable            → 503 (and a context that ended: the client
//	                         left, or the store did not answer in time)
//	anything else          → 500
//
// An outage is never a 404: a 404 may be cached, and the thing asked for
// may well exist.
func Of(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, backend.ErrUnavailable),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	case errors.Is(err, backend.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, backend.ErrInvalidKey):
		return http.StatusBadRequest
	case errors.Is(err, backend.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, backend.ErrDenied):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// Apply returns Of(err) and sets the headers that go with it: for a 503,
// Retry-After.
func Apply(h http.Header, err error) int {
	status := Of(err)
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	return status
}

// Expected tells whether a failure is one the request or the moment
// explains (not found, invalid, conflict, unavailable), which is worth a
// warning at most, from one that an operator must look into (denied,
// anything unclassified), which is an error.
func Expected(status int) bool {
	return status < 500 && status != http.StatusForbidden || status == http.StatusServiceUnavailable
}
