package export

import (
	"context"
	"errors"
	"io"

	"github.com/grailblog/grail/internal/store"
)

// Hugo writes the site as a Hugo site.
func Hugo(ctx context.Context, st *store.Store, w io.Writer, o Options) (Stats, error) {
	return Stats{}, errors.New("not yet")
}
