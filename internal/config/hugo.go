package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// Hugo is what a Hugo site's configuration says beyond grail's own
// settings: how Hugo shapes the site's addresses and lists.
type Hugo struct {
	// Permalinks maps a section to its page pattern, e.g. "posts" to
	// "/:year/:month/:slug/". Sections without one are /:sections/:slug/.
	Permalinks map[string]string
	// Taxonomies maps each taxonomy's singular to its plural, the folder
	// of its terms ("tag": "tags"); Hugo's default is tags and categories.
	Taxonomies map[string]string
	// UglyURLs serves pages at /posts/x.html rather than /posts/x/.
	UglyURLs bool
	// SummaryLength is the words of an automatic summary.
	SummaryLength int
	// MainSections are the sections whose pages are the site's posts
	// (params.mainSections); empty means the section with most pages.
	MainSections []string
	// Params are the site's params, keys in lower case as Hugo reads them.
	Params map[string]any
	// Theme is the theme whose layouts the site uses beside its own (the
	// first one when the setting lists several).
	Theme string
	// InlineShortcodes allows shortcodes defined in a page's body
	// (enableInlineShortcodes).
	InlineShortcodes bool
}

// DefaultHugo is what Hugo assumes when its configuration says nothing.
func DefaultHugo() *Hugo {
	return &Hugo{
		Permalinks:    map[string]string{},
		Taxonomies:    map[string]string{"tag": "tags", "category": "categories"},
		SummaryLength: 70,
		Params:        map[string]any{},
	}
}

// HugoConfigNames are the names a Hugo site's configuration file may
// have at its root, in the order Hugo looks for them: the first one
// found is read.
var HugoConfigNames = []string{
	"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
	"config.toml", "config.yaml", "config.yml", "config.json",
}

// HugoConfigDir holds a Hugo site's configuration split into files:
// hugo.toml (or config.toml) holds top-level settings, any other file
// the setting it is named after (params.toml is [params]).
const HugoConfigDir = "config/_default/"

// HugoFile is one configuration file of a Hugo site: its key in the
// site (for messages and to tell where it goes) and its bytes.
type HugoFile struct {
	Name string
	Data []byte
}

// ParseHugoFiles reads a Hugo site's configuration files, merged as Hugo
// merges them: the files of config/_default/ first, then the root file
// over them. A file grail cannot read, or a setting it cannot use, is a
// problem in the result's Problems (file:line: what is wrong) and is left
// out: the site is served with the rest.
func ParseHugoFiles(files []HugoFile) Config {
	c := Default()
	h := DefaultHugo()
	c.Hugo = h
	c.Markup = Markup{Typographer: true} // Hugo's goldmark default
	merged := map[string]any{}
	where := map[string]HugoFile{} // top-level key → file that set it, for lines
	for _, f := range files {
		m, err := decodeAny(f.Name, f.Data)
		if err != nil {
			c.Problems = append(c.Problems, err)
			continue
		}
		if key := splitConfigKey(f.Name); key != "" {
			m = map[string]any{key: m}
		}
		for k := range m {
			where[k] = f
		}
		mergeInto(merged, m)
	}
	c.applyHugo(merged, where)
	return c
}

// ParseHugo reads one Hugo configuration file; name is that file's, for
// errors. The error is the first problem found.
func ParseHugo(name string, data []byte) (Config, error) {
	c := ParseHugoFiles([]HugoFile{{Name: name, Data: data}})
	if len(c.Problems) > 0 {
		return c, c.Problems[0]
	}
	return c, nil
}

// splitConfigKey is the setting a file of config/_default/ holds: ""
// for hugo.toml and config.toml, "params" for params.toml or
// params.en.toml (a language's own settings are read as the site's).
func splitConfigKey(name string) string {
	dir, file := path.Split(name)
	if dir != HugoConfigDir {
		return ""
	}
	key, _, _ := strings.Cut(file, ".")
	if key == "hugo" || key == "config" {
		return ""
	}
	return strings.ToLower(key)
}

// decodeAny reads a TOML, YAML or JSON file into a map, keys in lower
// case (Hugo's configuration keys are not case-sensitive).
func decodeAny(name string, data []byte) (map[string]any, error) {
	m := map[string]any{}
	var err error
	switch path.Ext(name) {
	case ".toml":
		if _, err = toml.Decode(string(data), &m); err != nil {
			return nil, decodeError(name, err)
		}
	case ".yaml", ".yml":
		if err = yaml.Unmarshal(data, &m); err != nil {
			return nil, yamlError(name, err)
		}
	case ".json":
		if err = json.Unmarshal(data, &m); err != nil {
			return nil, jsonError(name, data, err)
		}
	default:
		return nil, fmt.Errorf("%s: not a TOML, YAML or JSON file", name)
	}
	return lowerKeys(m), nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(name string, err error) error {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], m[2])
	}
	return fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
}

func jsonError(name string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + strings.Count(string(data[:min(int(se.Offset), len(data))]), "\n")
		return fmt.Errorf("%s:%d: %v", name, line, err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// lowerKeys lower-cases the keys of m and of every map in it.
func lowerKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = lowerValue(v)
	}
	return out
}

func lowerValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return lowerKeys(v)
	case []map[string]any: // TOML arrays of tables
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = lowerKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = lowerValue(e)
		}
		return out
	}
	return v
}

// mergeInto sets every key of src in dst; tables are merged key by key.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeInto(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// applyHugo takes the settings grail uses out of a merged configuration.
func (c *Config) applyHugo(m map[string]any, where map[string]HugoFile) {
	h := c.Hugo
	problem := func(key, needle, format string, args ...any) {
		f := where[key]
		c.Problems = append(c.Problems, fmt.Errorf("%s: %s", at(f.Name, lineOf(f.Data, needle)), fmt.Sprintf(format, args...)))
	}
	if s := str(m["title"]); s != "" {
		c.Title = s
	}
	// Hugo sites often say "/" or a localhost URL for development: only
	// a real address is worth keeping, and anything else must not stop
	// the site from loading.
	if s := str(m["baseurl"]); absoluteHTTP(s) {
		c.BaseURL = strings.TrimRight(s, "/")
	}
	if s := str(m["languagecode"]); s != "" {
		c.Language = s
	}
	if s := str(m["timezone"]); s != "" {
		c.TimeZone = s
		if err := c.normalizeZone(); err != nil {
			problem("timezone", "timezone", "%v", err)
			c.TimeZone, c.Location = "UTC", Default().Location
		}
	}
	if n := integer(m["paginate"]); n > 0 { // before Hugo 0.128
		c.PerPage = n
	}
	if n := integer(table(m, "pagination")["pagersize"]); n > 0 {
		c.PerPage = n
	}
	// Hugo's home page is paginated like every list.
	c.HomePosts = c.PerPage
	if n := integer(m["summarylength"]); n > 0 {
		h.SummaryLength = n
	}
	h.UglyURLs, _ = m["uglyurls"].(bool)
	h.InlineShortcodes, _ = m["enableinlineshortcodes"].(bool)
	if themes := strings_(m["theme"]); len(themes) > 0 {
		h.Theme = themes[0]
	}
	if p := table(m, "params"); len(p) > 0 {
		h.Params = p
		c.Description = str(p["description"])
		c.Author = hugoAuthor(p["author"])
		h.MainSections = strings_(p["mainsections"])
	}
	if t, ok := m["taxonomies"].(map[string]any); ok {
		h.Taxonomies = map[string]string{}
		for singular, plural := range t {
			if s := str(plural); s != "" {
				h.Taxonomies[singular] = s
			}
		}
	}
	for section, pattern := range hugoPermalinks(table(m, "permalinks")) {
		if err := CheckHugoPermalink(pattern); err != nil {
			problem("permalinks", pattern, "permalinks.%s: %v", section, err)
			continue
		}
		h.Permalinks[section] = pattern
	}
	gm := table(table(m, "markup"), "goldmark")
	if v, ok := table(gm, "renderer")["unsafe"].(bool); ok {
		c.Markup.Unsafe = v
	}
	if v, ok := table(gm, "extensions")["typographer"].(bool); ok {
		c.Markup.Typographer = v
	} else if v, ok := table(table(gm, "extensions"), "typographer")["disable"].(bool); ok {
		c.Markup.Typographer = !v // Hugo 0.112 and later
	}
	if v, ok := table(table(gm, "parser"), "attribute")["block"].(bool); ok {
		c.Markup.Attributes = v
	}
}

// hugoPermalinks reads the page patterns of permalinks, written either
// flat (posts = "…") or, since Hugo 0.112, under permalinks.page.
func hugoPermalinks(t map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range t {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	for k, v := range table(t, "page") {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// HugoPermalinkTokens are the placeholders of Hugo's permalink patterns.
var HugoPermalinkTokens = []string{
	":year", ":month", ":monthname", ":day", ":weekday", ":weekdayname", ":yearday",
	":section", ":sections", ":title", ":slug", ":slugorfilename", ":filename",
	":contentbasename", ":slugorcontentbasename",
}

// hugoTokenRE finds a pattern's tokens, with an optional index or slice
// such as :sections[1:] or :sections[last].
var hugoTokenRE = regexp.MustCompile(`:[a-z]+(\[[^\]]*\])?`)

// CheckHugoPermalink reports a token Hugo does not know.
func CheckHugoPermalink(pattern string) error {
	for _, tok := range hugoTokenRE.FindAllString(pattern, -1) {
		name, _, _ := strings.Cut(tok, "[")
		if !slices.Contains(HugoPermalinkTokens, name) {
			return fmt.Errorf("%s is not a permalink token (%s)", tok, strings.Join(HugoPermalinkTokens, " "))
		}
	}
	return nil
}

// lineOf is the first line of data that contains needle (any case), or 0.
func lineOf(data []byte, needle string) int {
	needle = strings.ToLower(needle)
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(strings.ToLower(l), needle) {
			return i + 1
		}
	}
	return 0
}

func table(m map[string]any, key string) map[string]any {
	t, _ := m[key].(map[string]any)
	return t
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// integer reads a number as TOML (int64), YAML (int) or JSON (float64)
// decode it.
func integer(v any) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case int:
		return n
	case float64:
		return int(n)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}

// strings_ reads a list of strings, or one string as a list of one.
func strings_(v any) []string {
	switch l := v.(type) {
	case string:
		return []string{l}
	case []any:
		var out []string
		for _, e := range l {
			if s := str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hugoAuthor(v any) string {
	switch a := v.(type) {
	case string:
		return a
	case map[string]any:
		if n, ok := a["name"].(string); ok {
			return n
		}
	}
	return ""
}
