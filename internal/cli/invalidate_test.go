package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/grailblog/grail/internal/site"
	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// TestPublishInvalidatesCloudFront: a change made through the loader
// sends CloudFront one invalidation naming the post, its neighbours and
// the lists and feeds, to a stand-in for the CloudFront API.
func TestPublishInvalidatesCloudFront(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	cf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+r.URL.Path+"\n"+string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `<Invalidation><Id>I1</Id><Status>InProgress</Status></Invalidation>`)
	}))
	defer cf.Close()

	dir := t.TempDir()
	testsite.WriteFiles(t, dir, map[string]string{
		"posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nA.\n",
		"posts/b.md": "---\ntitle: B\ndate: 2024-02-01\n---\nB.\n",
	})
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	loader := site.NewLoader(st, nil, nil)
	if _, err := loader.Start(ctx); err != nil {
		t.Fatal(err)
	}
	inv := newCDNInvalidator("E123", slog.New(slog.DiscardHandler))
	inv.newClient = func(context.Context) (*cloudfront.Client, error) {
		return cloudfront.New(cloudfront.Options{Region: "us-east-1", BaseEndpoint: aws.String(cf.URL),
			Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}), nil
	}
	loader.OnChanged = inv.invalidate

	if _, err := st.Create(ctx, "posts/c.md", []byte("---\ntitle: C\ndate: 2024-03-01\n---\nC.\n")); err != nil {
		t.Fatal(err)
	}
	if err := loader.Changed(ctx, "posts/c.md"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("%d requests to CloudFront, want 1", len(bodies))
	}
	got := bodies[0]
	if !strings.Contains(got, "/distribution/E123/invalidation") {
		t.Errorf("not an invalidation of E123: %s", got)
	}
	for _, path := range []string{"/blog/c", "/blog/b", "/", "/feed.atom", "/rss.xml", "/feed.json", "/tag*", "/categor*"} {
		if !strings.Contains(got, "<Path>"+path+"</Path>") {
			t.Errorf("invalidation lacks %s:\n%s", path, got)
		}
	}
	if strings.Contains(got, "<Path>/blog/a</Path>") {
		t.Errorf("invalidation names /blog/a, which did not change:\n%s", got)
	}
}
