package shortcode

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// funcs are the template functions of Hugo that shortcodes commonly use.
// An unknown one fails the template's parse, which New reports.
func (s *Set) funcs() template.FuncMap {
	return template.FuncMap{
		"markdownify":  s.markdownify,
		"relURL":       s.relURL,
		"absURL":       s.absURL,
		"relLangURL":   s.relURL,
		"absLangURL":   s.absURL,
		"safeHTML":     func(v any) template.HTML { return template.HTML(toString(v)) },
		"safeURL":      func(v any) template.URL { return template.URL(toString(v)) },
		"safeHTMLAttr": func(v any) template.HTMLAttr { return template.HTMLAttr(toString(v)) },
		"safeCSS":      func(v any) template.CSS { return template.CSS(toString(v)) },
		"safeJS":       func(v any) template.JS { return template.JS(toString(v)) },
		"default":      defaultValue,
		"cond": func(c bool, a, b any) any {
			if c {
				return a
			}
			return b
		},
		"where":      where,
		"first":      first,
		"last":       last,
		"lower":      func(v any) string { return strings.ToLower(toString(v)) },
		"upper":      func(v any) string { return strings.ToUpper(toString(v)) },
		"title":      func(v any) string { return cases.Title(language.English).String(toString(v)) },
		"replace":    func(s, old, new any) string { return strings.ReplaceAll(toString(s), toString(old), toString(new)) },
		"replaceRE":  replaceRE,
		"findRE":     findRE,
		"split":      func(s, sep any) []string { return strings.Split(toString(s), toString(sep)) },
		"delimit":    delimit,
		"in":         in,
		"isset":      isset,
		"dict":       dict,
		"slice":      func(v ...any) []any { return v },
		"strings":    func() stringsNS { return stringsNS{} },
		"trim":       func(s, cut any) string { return strings.Trim(toString(s), toString(cut)) },
		"chomp":      func(s any) string { return strings.TrimRight(toString(s), "\r\n") },
		"hasPrefix":  func(s, p any) bool { return strings.HasPrefix(toString(s), toString(p)) },
		"string":     toString,
		"urlize":     urlize,
		"anchorize":  urlize,
		"humanize":   humanize,
		"plainify":   plainify,
		"htmlEscape": func(v any) string { return html.EscapeString(toString(v)) },
		"htmlUnescape": func(v any) string {
			return html.UnescapeString(toString(v))
		},
		"T":    func(key any, _ ...any) string { return toString(key) },
		"i18n": func(key any, _ ...any) string { return toString(key) },
		"errorf": func(format string, args ...any) (string, error) {
			return "", fmt.Errorf(format, args...)
		},
		// warnf is bound to the page for each use (see execute).
		"warnf": func(string, ...any) string { return "" },
	}
}

func (s *Set) markdownify(v any) (template.HTML, error) {
	src := toString(v)
	if src == "" {
		return "", nil
	}
	out, err := s.md.Render([]byte(src), contentInline)
	if err != nil {
		return "", err
	}
	// One paragraph is shown inline, as in Hugo.
	out = bytes.TrimSpace(out)
	if bytes.HasPrefix(out, []byte("<p>")) && bytes.HasSuffix(out, []byte("</p>")) && bytes.Count(out, []byte("<p>")) == 1 {
		out = out[3 : len(out)-4]
	}
	return template.HTML(out), nil
}

func (s *Set) relURL(v any) string {
	u := toString(v)
	if isAbsolute(u) || strings.HasPrefix(u, "/") {
		return u
	}
	return basePath(s.site.BaseURL) + u
}

func (s *Set) absURL(v any) string {
	u := toString(v)
	if isAbsolute(u) {
		return u
	}
	base := strings.TrimSuffix(s.site.BaseURL, "/")
	if strings.HasPrefix(u, "/") {
		if p, err := url.Parse(base); err == nil {
			return p.Scheme + "://" + p.Host + u
		}
	}
	return base + "/" + u
}

func isAbsolute(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme != "" || strings.HasPrefix(u, "//"))
}

// basePath is the path of the base URL, ending in "/".
func basePath(base string) string {
	p, err := url.Parse(base)
	if err != nil || p.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(p.Path, "/") + "/"
}

func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case template.HTML:
		return string(v)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func truth(v any) bool {
	if v == nil {
		return false
	}
	ok, _ := template.IsTrue(v)
	return ok
}

func defaultValue(def any, given ...any) any {
	if len(given) == 0 || !truth(given[0]) {
		return def
	}
	return given[0]
}

// where keeps the elements of a list whose key equals value (or compares
// with the operator given between them).
func where(list any, key string, args ...any) ([]any, error) {
	op, want := "==", any(nil)
	switch len(args) {
	case 1:
		want = args[0]
	case 2:
		op, want = toString(args[0]), args[1]
	default:
		return nil, errors.New("where: want a key and a value")
	}
	var out []any
	for _, e := range items(list) {
		got := field(e, key)
		eq := toString(got) == toString(want)
		switch op {
		case "==", "=", "eq":
			if eq {
				out = append(out, e)
			}
		case "!=", "<>", "ne":
			if !eq {
				out = append(out, e)
			}
		case "in":
			if in(want, got) {
				out = append(out, e)
			}
		default:
			return nil, fmt.Errorf("where: operator %q is not supported", op)
		}
	}
	return out, nil
}

// field is e.key, for maps and structs ("Params.x" goes down).
func field(e any, key string) any {
	for part := range strings.SplitSeq(strings.TrimPrefix(key, "."), ".") {
		v := reflect.Indirect(reflect.ValueOf(e))
		switch v.Kind() {
		case reflect.Map:
			r := v.MapIndex(reflect.ValueOf(part))
			if !r.IsValid() {
				r = v.MapIndex(reflect.ValueOf(strings.ToLower(part)))
			}
			if !r.IsValid() {
				return nil
			}
			e = r.Interface()
		case reflect.Struct:
			f := v.FieldByName(part)
			if !f.IsValid() {
				return nil
			}
			e = f.Interface()
		default:
			return nil
		}
	}
	return e
}

func items(list any) []any {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil
	}
	out := make([]any, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface()
	}
	return out
}

func first(n int, list any) any {
	if s, ok := list.(string); ok {
		return s[:min(max(n, 0), len(s))]
	}
	it := items(list)
	return it[:min(max(n, 0), len(it))]
}

func last(n int, list any) any {
	it := items(list)
	return it[len(it)-min(max(n, 0), len(it)):]
}

func delimit(list any, sep any, lastSep ...any) string {
	it := items(list)
	if m, ok := list.(map[string]any); ok {
		// By key, as in Hugo: a page must not change between renders.
		for _, k := range slices.Sorted(maps.Keys(m)) {
			it = append(it, m[k])
		}
	}
	var b strings.Builder
	for i, e := range it {
		if i > 0 {
			if i == len(it)-1 && len(lastSep) > 0 {
				b.WriteString(toString(lastSep[0]))
			} else {
				b.WriteString(toString(sep))
			}
		}
		b.WriteString(toString(e))
	}
	return b.String()
}

// in reports whether a list holds v, or a string contains it.
func in(set, v any) bool {
	if s, ok := set.(string); ok {
		return strings.Contains(s, toString(v))
	}
	for _, e := range items(set) {
		if toString(e) == toString(v) {
			return true
		}
	}
	return false
}

func isset(c, key any) bool {
	v := reflect.Indirect(reflect.ValueOf(c))
	switch v.Kind() {
	case reflect.Map:
		return v.MapIndex(reflect.ValueOf(toString(key))).IsValid()
	case reflect.Slice, reflect.Array:
		i, ok := key.(int)
		return ok && i >= 0 && i < v.Len()
	}
	return false
}

func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: want pairs of keys and values")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[toString(kv[i])] = kv[i+1]
	}
	return m, nil
}

func replaceRE(pattern, repl, s any) (string, error) {
	re, err := regexp.Compile(toString(pattern))
	if err != nil {
		return "", err
	}
	return re.ReplaceAllString(toString(s), toString(repl)), nil
}

func findRE(pattern, s any, limit ...int) ([]string, error) {
	re, err := regexp.Compile(toString(pattern))
	if err != nil {
		return nil, err
	}
	n := -1
	if len(limit) > 0 {
		n = limit[0]
	}
	return re.FindAllString(toString(s), n), nil
}

// urlize makes a URL path segment of text as Hugo does: lower case is
// kept as written, spaces become hyphens, and what URLs cannot hold is
// escaped.
func urlize(v any) string {
	s := strings.Join(strings.Fields(toString(v)), "-")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./#+~", r) {
			b.WriteRune(r)
		}
	}
	return strings.ToLower(b.String())
}

// humanize turns "my-first_post" into "My first post".
func humanize(v any) string {
	s := strings.NewReplacer("-", " ", "_", " ").Replace(toString(v))
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

func plainify(v any) string { return tagPattern.ReplaceAllString(toString(v), "") }

// stringsNS is Hugo's strings namespace: {{ strings.TrimSpace .Inner }}.
type stringsNS struct{}

func (stringsNS) TrimSpace(s any) string     { return strings.TrimSpace(toString(s)) }
func (stringsNS) Contains(s, sub any) bool   { return strings.Contains(toString(s), toString(sub)) }
func (stringsNS) HasPrefix(s, p any) bool    { return strings.HasPrefix(toString(s), toString(p)) }
func (stringsNS) HasSuffix(s, p any) bool    { return strings.HasSuffix(toString(s), toString(p)) }
func (stringsNS) TrimPrefix(p, s any) string { return strings.TrimPrefix(toString(s), toString(p)) }
func (stringsNS) TrimSuffix(p, s any) string { return strings.TrimSuffix(toString(s), toString(p)) }
func (stringsNS) Trim(s, cut any) string     { return strings.Trim(toString(s), toString(cut)) }
func (stringsNS) ToLower(s any) string       { return strings.ToLower(toString(s)) }
func (stringsNS) ToUpper(s any) string       { return strings.ToUpper(toString(s)) }
func (stringsNS) Split(s, sep any) []string  { return strings.Split(toString(s), toString(sep)) }
func (stringsNS) Repeat(n int, s any) string { return strings.Repeat(toString(s), max(n, 0)) }
func (stringsNS) Count(sub, s any) int       { return strings.Count(toString(s), toString(sub)) }
func (stringsNS) Replace(s, old, new any) string {
	return strings.ReplaceAll(toString(s), toString(old), toString(new))
}
func (stringsNS) Title(s any) string { return cases.Title(language.English).String(toString(s)) }
