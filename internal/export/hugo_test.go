package export

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/store"
	"github.com/grailblog/grail/internal/testsite"
)

// hugoArchive is siteArchive with a permalink using dates, so the
// placeholders must mean the same to Hugo, in the site's zone.
var hugoArchive = strings.Replace(siteArchive, `timeZone = "Europe/Paris"`,
	"timeZone = \"Europe/Paris\"\npermalink = \"/:year/:month/:slug\"", 1)

func TestHugoBuildsAtTheSameAddresses(t *testing.T) {
	if _, err := exec.LookPath("hugo"); err != nil {
		t.Skip("hugo is not on PATH: the Hugo export is not built")
	}
	for name, archive := range map[string]string{"default permalink": siteArchive, "dated permalink": hugoArchive} {
		t.Run(name, func(t *testing.T) {
			dir := testsite.Folder(t, archive)
			src := t.TempDir()
			unzip(t, hugoZip(t, dir), src)
			post, err := os.ReadFile(filepath.Join(src, "content/posts/first.md"))
			if err != nil || !bytes.Contains(post, []byte("\nmood: calm\n")) || !bytes.Contains(post, []byte("\nslug: first\n")) {
				t.Errorf("converted front matter lost a key or lacks the slug: %v\n%s", err, post)
			}
			out := testsite.HugoBuild(t, src)
			listed := sitemapPaths(t, filepath.Join(out, "sitemap.xml"))
			s := load(t, dir)
			for _, d := range s.Docs {
				p := strings.TrimSuffix(s.URLs.Doc(d), "/") + "/"
				if !listed[p] {
					t.Errorf("%s: grail serves it at %s; Hugo's sitemap lists %v", d.Key, p, listed)
				}
			}
			for _, f := range []string{"media/2024/photo.txt", "blog/second/diagram.svg"} {
				if name == "dated permalink" && strings.HasPrefix(f, "blog/") {
					f = "2024/02/second/diagram.svg"
				}
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("Hugo did not publish %s", f)
				}
			}
		})
	}
}

func hugoZip(t *testing.T, dir string) []byte {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf bytes.Buffer
	if _, err := Hugo(ctx, st, &buf, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sitemapPaths are the paths a sitemap lists.
func sitemapPaths(t *testing.T, file string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &sm); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, u := range sm.URLs {
		if p, err := url.Parse(u.Loc); err == nil {
			paths[p.Path] = true
		}
	}
	return paths
}
