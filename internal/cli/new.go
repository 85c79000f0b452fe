package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grailblog/grail/internal/content"
	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
)

func runNew(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("new", "[--site SITE] \"Title\"", stdio)
	siteArg := fs.String("site", "", "the site folder or bucket (default: $GRAIL_SITE or .)")
	words, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	title := strings.TrimSpace(strings.Join(words, " "))
	if title == "" {
		return usageError("give the new post's title")
	}
	slug := content.Slugify(title)
	if slug == "" {
		return usageError("the title %q has no letters or digits to make an address from", title)
	}
	st, closeStore, err := openStore(ctx, *siteArg)
	if err != nil {
		return err
	}
	defer closeStore()
	cfg, err := st.Config(ctx)
	if err != nil {
		return err
	}
	src, err := newPostSource(title, time.Now().In(cfg.Location))
	if err != nil {
		return err
	}
	key := st.PostKey(slug)
	info, err := st.Create(ctx, key, src)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%s already exists; choose another title", key)
	} else if err != nil {
		return err
	}
	// Update the index, so servers sharing the store see the new post.
	if err := addToIndex(ctx, st, key, src, info.ETag); err != nil {
		fmt.Fprintf(stdio.Err, "grail new: the post is saved, but the site index was not updated: %v\n", err)
	}
	fmt.Fprintln(stdio.Out, key)
	fmt.Fprintln(stdio.Err, "The post is a draft: set draft: false in its front matter to publish it.")
	return nil
}

// newPostSource is the skeleton of a new post, dated now in the site's zone.
func newPostSource(title string, now time.Time) ([]byte, error) {
	src, err := content.SetFields(nil,
		content.Field{Names: []string{"title"}, Value: title},
		content.Field{Names: []string{"date"}, Value: now},
		content.Field{Names: []string{"draft"}, Value: true},
		content.Field{Names: []string{"categories"}, Value: []string{}},
		content.Field{Names: []string{"tags"}, Value: []string{}},
	)
	if err != nil {
		return nil, err
	}
	return content.SetBody(src, "Write your post here.\n")
}

// addToIndex records a post just written (src, at version etag) in the
// site's index snapshot, without reading it back.
func addToIndex(ctx context.Context, st *store.Store, key string, src []byte, etag string) error {
	loader := site.NewLoader(st, nil, nil)
	if _, err := loader.Start(ctx); err != nil {
		return err
	}
	v := loader.Parse(key, content.KindPost, src)
	v.ETag = etag
	loader.Saved(ctx, v)
	return nil
}
