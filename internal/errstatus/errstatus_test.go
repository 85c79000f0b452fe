package errstatus

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/grailblog/grail/internal/store"
)

func TestOf(t *testing.T) {
	wrap := func(kind error) error { return fmt.Errorf("read post %q: %w", "posts/a.md", kind) }
	for _, tt := range []struct {
		err        error
		status     int
		retryAfter string
	}{
		{wrap(store.ErrNotFound), http.StatusNotFound, ""},
		{wrap(store.ErrInvalidKey), http.StatusBadRequest, ""},
		{wrap(store.ErrConflict), http.StatusConflict, ""},
		{wrap(store.ErrDenied), http.StatusForbidden, ""},
		{wrap(store.ErrUnavailable), http.StatusServiceUnavailable, "30"},
		{wrap(context.DeadlineExceeded), http.StatusServiceUnavailable, "30"},
		{errors.New("disk on fire"), http.StatusInternalServerError, ""},
	} {
		h := http.Header{}
		if got := Apply(h, tt.err); got != tt.status || h.Get("Retry-After") != tt.retryAfter {
			t.Errorf("%v: %d with Retry-After %q, want %d with %q", tt.err, got, h.Get("Retry-After"), tt.status, tt.retryAfter)
		}
	}
}

func TestExpected(t *testing.T) {
	for status, want := range map[int]bool{404: true, 400: true, 409: true, 503: true, 403: false, 500: false} {
		if Expected(status) != want {
			t.Errorf("Expected(%d) = %v", status, !want)
		}
	}
}
