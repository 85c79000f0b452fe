package config

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// comparable drops Location, which is compared by name.
func comparable(c Config) (Config, string) {
	loc := "<nil>"
	if c.Location != nil {
		loc = c.Location.String()
	}
	c.Location = nil
	return c, loc
}

func TestDefault(t *testing.T) {
	d := Default()
	want := Config{
		Title: "A grail blog", Language: "en", TimeZone: "UTC", HomePosts: 5, PerPage: 10,
		Permalink: "/blog/:slug", CacheMaxAge: Duration(5 * time.Minute), Refresh: Duration(10 * time.Second),
	}
	got, loc := comparable(d)
	if !reflect.DeepEqual(got, want) || loc != "UTC" {
		t.Errorf("Default() = %+v in %s, want %+v in UTC", got, loc, want)
	}
	if err := d.normalize(); err != nil {
		t.Errorf("the defaults do not pass their own checks: %v", err)
	}
}

// TestParseEmpty: a grail.toml with nothing in it, or only comments, means
// the defaults.
func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "\n\n"} {
		c, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		got, loc := comparable(c)
		want, wantLoc := comparable(Default())
		if !reflect.DeepEqual(got, want) || loc != wantLoc {
			t.Errorf("%q: got %+v, want the defaults", src, got)
		}
	}
}

func TestParseEveryKey(t *testing.T) {
	c, err := Parse(readFixture(t, "grail.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Title:       "Keyboards and Go",
		Description: "Notes on firmware and servers",
		Author:      "Ada",
		BaseURL:     "https://blog.example.org",
		Language:    "de",
		TimeZone:    "Europe/Berlin",
		HomePosts:   3,
		PerPage:     20,
		Permalink:   "/:year/:month/:slug",
		Canonical:   "blog.example.org",
		Redirects:   []string{"www.example.org", "old.example.org"},
		CacheMaxAge: Duration(90 * time.Minute),
		Refresh:     Duration(30 * time.Second),

		TrustedProxies: []string{"127.0.0.1/32", "10.0.0.0/8, ::1"},
		Proxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
			netip.MustParsePrefix("::1/128")},
	}
	got, loc := comparable(c)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if loc != "Europe/Berlin" {
		t.Errorf("Location = %s", loc)
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		src  string
		want time.Duration
		err  string
	}{
		{`cacheMaxAge = "90s"`, 90 * time.Second, ""},
		{`cacheMaxAge = "1h30m"`, 90 * time.Minute, ""},
		{`cacheMaxAge = 300`, 5 * time.Minute, ""},
		{`cacheMaxAge = 0`, 0, ""},
		{`cacheMaxAge = "soon"`, 0, `grail.toml:1: "soon" is not a duration`},
		{`cacheMaxAge = 1.5`, 0, "grail.toml:1: want a duration"},
		{`cacheMaxAge = -5`, 0, "grail.toml:1: cacheMaxAge must not be negative"},
		{`cacheMaxAge = "-1m"`, 0, "grail.toml:1: cacheMaxAge must not be negative"},
	}
	for _, tt := range tests {
		c, err := Parse([]byte(tt.src))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil || c.CacheMaxAge.Std() != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.src, c.CacheMaxAge.Std(), err, tt.want)
		}
	}
}

// TestParseErrors: every error names grail.toml, the line and the setting,
// so that the author can go straight to it.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"bad time zone", "title = \"x\"\ntimeZone = \"Mars/Olympus\"\n",
			`grail.toml:2: timeZone "Mars/Olympus" is not an IANA time zone name`},
		{"server's own zone", "\ntimeZone = \"Local\"\n", `grail.toml:2: timeZone "Local" is not an IANA time zone name`},
		{"zone as an offset", "timeZone = \"+02:00\"\n", `grail.toml:1: timeZone "+02:00"`},
		{"unknown key", "title = \"x\"\n\ntitel = \"y\"\n", "grail.toml:3: unknown setting titel"},
		{"unknown table", "title = \"x\"\n[params]\nx = 1\ny = 2\n", "grail.toml:2: unknown setting params"},
		{"unknown nested table", "title = \"x\"\n\n[a.b]\nc = 1\n", "grail.toml:3: unknown setting a.b"},
		{"syntax", "title = \"x\"\nauthor = \"Ada\ndescription = \"d\"\n", "grail.toml:2:"},
		{"duplicate key", "title = \"x\"\ntitle = \"y\"\n", "grail.toml:2:"},
		{"wrong type", "title = \"x\"\nhomePosts = \"five\"\n", "grail.toml:2:"},
		{"homePosts zero", "\n\nhomePosts = 0\n", "grail.toml:3: homePosts must be at least 1, not 0"},
		{"perPage negative", "perPage = -1\n", "grail.toml:1: perPage must be at least 1, not -1"},
		{"permalink not rooted", "permalink = \"blog/:slug\"\n", `grail.toml:1: permalink "blog/:slug" must start with /`},
		{"permalink without slug", "permalink = \"/:year/:month\"\n", "must start with / and contain :slug"},
		{"permalink with unknown part", "title = \"t\"\npermalink = \"/:section/:slug\"\n", `grail.toml:2: permalink "/:section/:slug": :section is not one of :year, :month, :day, :slug`},
		{"permalink with a query", "permalink = \"/blog/:slug?x=1\"\n", `grail.toml:1: permalink "/blog/:slug?x=1"`},
		{"baseURL without scheme", "baseURL = \"example.org\"\n", `grail.toml:1: baseURL "example.org" must be an absolute http(s) URL`},
		{"baseURL ftp", "\nbaseURL = \"ftp://example.org\"\n", "grail.toml:2: baseURL"},
		{"redirects without canonical", "redirectHosts = [\"www.example.org\"]\n", "grail.toml:1: redirectHosts needs canonicalHost"},
		{"refresh zero", "refreshInterval = 0\n", "grail.toml:1: refreshInterval must be more than zero"},
		{"trusted proxy not an address", "title = \"t\"\ntrustedProxies = [\"127.0.0.1/32\", \"proxy.lan\"]\n", `grail.toml:2: trustedProxies: trusted proxy "proxy.lan" is neither`},
		{"key written in another case", "TimeZone = \"Nowhere\"\n", "grail.toml:1: timeZone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseHugo(t *testing.T) {
	c, err := ParseHugo("hugo.toml", readFixture(t, "hugo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Title = "A Hugo site"
	want.BaseURL = "https://hugo.example.org"
	want.Language = "en-gb"
	want.TimeZone = "America/New_York"
	want.PerPage = 7
	want.HomePosts = 7
	want.Description = "Moved from Hugo"
	want.Author = "Grace"
	want.Markup = Markup{Unsafe: true, Typographer: true}
	if c.Hugo == nil || !reflect.DeepEqual(c.Hugo.MainSections, []string{"posts"}) || c.Hugo.Taxonomies["tag"] != "tags" {
		t.Fatalf("Hugo settings %+v, want mainSections [posts] and the default taxonomies", c.Hugo)
	}
	want.Hugo = c.Hugo
	got, loc := comparable(c)
	wantC, _ := comparable(want)
	if !reflect.DeepEqual(got, wantC) || loc != "America/New_York" {
		t.Errorf("got  %+v in %s\nwant %+v", got, loc, wantC)
	}
}

func TestParseHugoVariants(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(Config) bool
	}{
		{"empty", "", func(c Config) bool { return c.Title == "A grail blog" && c.PerPage == 10 }},
		{"baseURL / for local development", "baseURL = \"/\"\n", func(c Config) bool { return c.BaseURL == "" }},
		{"no baseURL", "title = \"T\"\n", func(c Config) bool { return c.BaseURL == "" && c.Title == "T" }},
		{"older paginate setting", "paginate = 4\n", func(c Config) bool { return c.PerPage == 4 }},
		{"author as a table", "[params.author]\nname = \"Grace\"\nemail = \"g@example.org\"\n",
			func(c Config) bool { return c.Author == "Grace" }},
		{"keys in lower case", "baseurl = \"https://x.example.org\"\ntimezone = \"Asia/Tokyo\"\n",
			func(c Config) bool {
				return c.BaseURL == "https://x.example.org" && c.Location.String() == "Asia/Tokyo"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseHugo("hugo.toml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestParseHugoErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"title = \"x\"\ntimeZone = \"Nowhere/Else\"\n", `config.toml:2: timeZone "Nowhere/Else"`},
		{"title = \"x\n", "config.toml:1:"},
	}
	for _, tt := range tests {
		_, err := ParseHugo("config.toml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.src, err, tt.want)
		}
	}
}
