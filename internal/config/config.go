// Package config reads grail.toml, the site's optional settings file.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // time zones must resolve on hosts without zoneinfo files (Lambda, scratch images)

	"github.com/BurntSushi/toml"
)

// FileName is the settings file at the root of a site.
const FileName = "grail.toml"

// Config holds a site's settings. The zero value is not usable; start from Default.
type Config struct {
	Title       string   `toml:"title"`
	Description string   `toml:"description"`
	Author      string   `toml:"author"`
	BaseURL     string   `toml:"baseURL"`
	Language    string   `toml:"language"`
	TimeZone    string   `toml:"timeZone"`
	HomePosts   int      `toml:"homePosts"`
	PerPage     int      `toml:"perPage"`
	Permalink   string   `toml:"permalink"`
	Canonical   string   `toml:"canonicalHost"`
	Redirects   []string `toml:"redirectHosts"`
	CacheMaxAge Duration `toml:"cacheMaxAge"`
	// Refresh is how often a server checks a shared bucket for changes made
	// by other servers.
	Refresh Duration `toml:"refreshInterval"`
	// TrustedProxies are the addresses or networks of the proxies in front
	// of grail serve whose X-Forwarded-Proto, -Host and -For are believed.
	TrustedProxies []string `toml:"trustedProxies"`

	// Proxies is TrustedProxies parsed.
	Proxies []netip.Prefix `toml:"-"`

	// URLStyle is the shape of the site's addresses: "hugo" (the default
	// for a Hugo site) or "grail".
	URLStyle string `toml:"urlStyle"`

	// Markup is how Markdown is rendered; a Hugo site sets it in its
	// markup.goldmark settings.
	Markup Markup `toml:"-"`
	// Hugo holds what a Hugo site's configuration says beyond grail's own
	// settings; nil for a grail site.
	Hugo *Hugo `toml:"-"`
	// Jekyll holds what a Jekyll site's _config.yml says beyond grail's
	// own settings; nil for other sites.
	Jekyll *Jekyll `toml:"-"`
	// Problems are what grail could not use in a Hugo site's
	// configuration: the site is served without it (see HugoFile).
	Problems []error `toml:"-"`

	// Location is TimeZone resolved; every date is shown and read in it.
	Location *time.Location `toml:"-"`
}

// Default returns the settings used for anything grail.toml leaves out.
func Default() Config {
	return Config{
		Title:       "A grail blog",
		Language:    "en",
		TimeZone:    "UTC",
		HomePosts:   5,
		PerPage:     10,
		Permalink:   "/blog/:slug",
		CacheMaxAge: Duration(5 * time.Minute),
		Refresh:     Duration(10 * time.Second),
		Location:    time.UTC,
	}
}

// Parse reads grail.toml over the defaults. Errors name the line and the key.
func Parse(data []byte) (Config, error) { return ParseOver(Default(), data) }

// ParseOver reads grail.toml over base: a Hugo site's settings, which
// grail.toml adds to and overrides key by key.
func ParseOver(base Config, data []byte) (Config, error) {
	c := base
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return c, decodeError(FileName, err)
	}
	if und := topKeys(md.Undecoded()); len(und) > 0 {
		first, _, _ := strings.Cut(und[0], ".")
		return c, fmt.Errorf("%s: unknown setting %s", at(FileName, keyLine(data, first)), strings.Join(und, ", "))
	}
	return c, located(FileName, data, c.normalize())
}

// typeErrorRE matches the decoder's errors for a value of the wrong type,
// which are not ParseErrors.
var typeErrorRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeError words a TOML error as file:line: message.
func decodeError(name string, err error) error {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		return fmt.Errorf("%s:%d: %s", name, perr.Position.Line, perr.Message)
	}
	if m := typeErrorRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: %s", name, m[1], m[2], m[3])
	}
	return fmt.Errorf("%s: %w", name, err)
}

// topKeys lists unknown keys without those inside an unknown table: the
// table is what the author should look at.
func topKeys(keys []toml.Key) []string {
	var out []string
	for _, k := range keys {
		inside := false
		for _, o := range out {
			inside = inside || strings.HasPrefix(k.String(), o+".")
		}
		if !inside {
			out = append(out, k.String())
		}
	}
	return out
}

// at is "file:line", or "file" when the line is not known.
func at(name string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", name, line)
	}
	return name
}

// settingError is a setting whose value grail cannot use.
type settingError struct {
	key string // as in the struct tag, e.g. "timeZone"
	msg string
}

func (e *settingError) Error() string { return e.msg }

func badSetting(key, format string, args ...any) error {
	return &settingError{key: key, msg: fmt.Sprintf(format, args...)}
}

// located prefixes err with the file and, for a bad setting, its line.
func located(name string, data []byte, err error) error {
	if err == nil {
		return nil
	}
	var se *settingError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %s", at(name, keyLine(data, se.key)), se.msg)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// keyLine finds the line of a top-level key or table in a TOML file: the
// decoder does not say where keys are. Keys match in any case, as they do
// when decoding. It returns 0 when the key is not in the file.
func keyLine(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		var name string
		if t, ok := strings.CutPrefix(l, "["); ok { // [table] or [[array]]
			name, _, _ = strings.Cut(strings.TrimLeft(t, "["), "]")
		} else if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			name = k
		}
		name, _, _ = strings.Cut(strings.TrimSpace(name), ".") // dotted keys
		if strings.EqualFold(strings.Trim(name, `"'`), key) {
			return i + 1
		}
	}
	return 0
}

// permalinkRE finds the placeholders of a permalink pattern.
var permalinkRE = regexp.MustCompile(`:[A-Za-z_]+`)

func (c *Config) normalize() error {
	if err := c.normalizeZone(); err != nil {
		return err
	}
	if c.HomePosts < 1 {
		return badSetting("homePosts", "homePosts must be at least 1, not %d", c.HomePosts)
	}
	if c.PerPage < 1 {
		return badSetting("perPage", "perPage must be at least 1, not %d", c.PerPage)
	}
	if err := checkPermalink(c.Permalink); err != nil {
		return err
	}
	if err := checkURLStyle(c.URLStyle); err != nil {
		return err
	}
	if c.CacheMaxAge < 0 {
		return badSetting("cacheMaxAge", "cacheMaxAge must not be negative")
	}
	if c.Refresh <= 0 {
		return badSetting("refreshInterval", "refreshInterval must be more than zero")
	}
	if c.BaseURL != "" {
		if !absoluteHTTP(c.BaseURL) {
			return badSetting("baseURL", "baseURL %q must be an absolute http(s) URL", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	c.Canonical = strings.ToLower(c.Canonical)
	for i, h := range c.Redirects {
		c.Redirects[i] = strings.ToLower(h)
	}
	if len(c.Redirects) > 0 && c.Canonical == "" {
		return badSetting("redirectHosts", "redirectHosts needs canonicalHost, the host to redirect to")
	}
	proxies, err := ParseProxies(c.TrustedProxies)
	if err != nil {
		return badSetting("trustedProxies", "trustedProxies: %v", err)
	}
	c.Proxies = proxies
	return nil
}

// normalizeZone resolves TimeZone. "Local" is refused: it would be
// whatever zone each server happens to run in.
func (c *Config) normalizeZone() error {
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "Local" {
		return badSetting("timeZone", "timeZone %q is not an IANA time zone name (like \"Europe/Berlin\")", c.TimeZone)
	}
	c.Location = loc
	return nil
}

// checkPermalink: a pattern is a path with :slug and no placeholder that
// grail would leave in the address as it is.
func checkPermalink(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.Contains(p, ":slug") {
		return badSetting("permalink", "permalink %q must start with / and contain :slug", p)
	}
	if strings.ContainsAny(p, "?# \t") {
		return badSetting("permalink", "permalink %q must be a path, without ? # or spaces", p)
	}
	for _, ph := range permalinkRE.FindAllString(p, -1) {
		switch ph {
		case ":year", ":month", ":day", ":slug":
		default:
			return badSetting("permalink", "permalink %q: %s is not one of :year, :month, :day, :slug", p, ph)
		}
	}
	return nil
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Duration is a time.Duration written in TOML as "5m" or as whole seconds.
type Duration time.Duration

// UnmarshalTOML accepts "90s", "5m" or an integer number of seconds.
func (d *Duration) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		*d = Duration(time.Duration(v) * time.Second)
	case string:
		p, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration like \"5m\" or \"90s\"", v)
		}
		*d = Duration(p)
	default:
		return fmt.Errorf("want a duration like \"5m\" or a number of seconds, not %T", v)
	}
	return nil
}

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
