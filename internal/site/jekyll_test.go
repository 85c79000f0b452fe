package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// TestJekyllLoader: the loader reads a Jekyll site's files with Jekyll's
// rules (dates from file names, defaults from _config.yml), and a change
// of the defaults reads them again.
func TestJekyllLoader(t *testing.T) {
	dir := t.TempDir()
	files := testsite.Files(testsite.JekyllBlog)
	testsite.WriteFiles(t, dir, files)
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := NewLoader(st, nil, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	s := l.Current()
	if len(s.Posts) != 5 || len(s.Problems) != 0 {
		t.Fatalf("%d posts, problems %v", len(s.Posts), s.Problems)
	}
	if d := s.ByPath("/handbook/guide/"); d == nil || d.Title != "Guide" {
		t.Errorf("the page whose permalink the defaults give: %v", d)
	}
	if d := s.ByPath("/2023/12/24/no-title.html"); d == nil || d.Date.Format(time.RFC3339) != "2023-12-24T00:00:00+01:00" {
		t.Errorf("the post dated by its file name: %v", d)
	}
	config := strings.Replace(files["_config.yml"], "/handbook/:basename/", "/manual/:basename/", 1)
	testsite.WriteFiles(t, dir, map[string]string{"_config.yml": config})
	if _, err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if d := l.Current().ByPath("/manual/guide/"); d == nil {
		t.Error("a change of the defaults left the page at its old address")
	}
}
