// Package config reads grail.toml, the site's optional settings file.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

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
func Parse(data []byte) (Config, error) {
	c := Default()
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return c, fmt.Errorf("%s:%d: %s", FileName, perr.Position.Line, perr.Message)
		}
		return c, fmt.Errorf("%s: %w", FileName, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("%s: unknown setting %s", FileName, strings.Join(keys, ", "))
	}
	return c, c.normalize()
}

func (c *Config) normalize() error {
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("%s: timeZone %q is not an IANA time zone name (like \"Europe/Berlin\")", FileName, c.TimeZone)
	}
	c.Location = loc
	if c.HomePosts < 1 {
		return fmt.Errorf("%s: homePosts must be at least 1, not %d", FileName, c.HomePosts)
	}
	if c.PerPage < 1 {
		return fmt.Errorf("%s: perPage must be at least 1, not %d", FileName, c.PerPage)
	}
	if !strings.HasPrefix(c.Permalink, "/") || !strings.Contains(c.Permalink, ":slug") {
		return fmt.Errorf("%s: permalink %q must start with / and contain :slug", FileName, c.Permalink)
	}
	if c.CacheMaxAge < 0 {
		return fmt.Errorf("%s: cacheMaxAge must not be negative", FileName)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s: baseURL %q must be an absolute http(s) URL", FileName, c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	c.Canonical = strings.ToLower(c.Canonical)
	for i, h := range c.Redirects {
		c.Redirects[i] = strings.ToLower(h)
	}
	if len(c.Redirects) > 0 && c.Canonical == "" {
		return fmt.Errorf("%s: redirectHosts needs canonicalHost, the host to redirect to", FileName)
	}
	return nil
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

// hugoSettings are the settings of a Hugo site's hugo.toml that mean the
// same thing to grail. Everything else in that file is Hugo's business.
type hugoSettings struct {
	Title        string `toml:"title"`
	BaseURL      string `toml:"baseURL"`
	LanguageCode string `toml:"languageCode"`
	TimeZone     string `toml:"timeZone"`
	Params       struct {
		Description string `toml:"description"`
		Author      any    `toml:"author"`
	} `toml:"params"`
	Pagination struct {
		PagerSize int `toml:"pagerSize"`
	} `toml:"pagination"`
}

// ParseHugo reads the settings grail shares with a Hugo site's config file.
func ParseHugo(name string, data []byte) (Config, error) {
	c := Default()
	var h hugoSettings
	if _, err := toml.Decode(string(data), &h); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return c, fmt.Errorf("%s:%d: %s", name, perr.Position.Line, perr.Message)
		}
		return c, fmt.Errorf("%s: %w", name, err)
	}
	if h.Title != "" {
		c.Title = h.Title
	}
	c.BaseURL = h.BaseURL
	if h.LanguageCode != "" {
		c.Language = h.LanguageCode
	}
	if h.TimeZone != "" {
		c.TimeZone = h.TimeZone
	}
	if h.Pagination.PagerSize > 0 {
		c.PerPage = h.Pagination.PagerSize
	}
	c.Description = h.Params.Description
	if a, ok := h.Params.Author.(string); ok {
		c.Author = a
	}
	return c, c.normalize()
}
