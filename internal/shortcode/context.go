package shortcode

import (
	"html/template"
	"strconv"
	"strings"
)

// Context is the "." of a shortcode template: the part of Hugo's
// shortcode API that shortcodes commonly use.
type Context struct {
	Name  string
	Inner template.HTML
	// Ordinal is the shortcode's index among its siblings, from 0.
	Ordinal int
	// Parent is the shortcode this one is nested in, or nil.
	Parent *Context
	// Position is "file:line:col" of the shortcode, for error messages.
	Position string
	Page     *Page
	Site     *Site

	params params
	call   *call
}

// Get returns a parameter by name, or by position when given a number;
// "" when it is not there.
func (c *Context) Get(key any) string {
	switch k := key.(type) {
	case int:
		if k >= 0 && k < len(c.params.positional) {
			return c.params.positional[k]
		}
	case string:
		if c.params.named != nil {
			return c.params.named[k]
		}
		if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(c.params.positional) {
			return c.params.positional[i]
		}
	}
	return ""
}

// Params are the named parameters as a map, or the positional ones as a
// list.
func (c *Context) Params() any {
	if c.params.named != nil {
		m := make(map[string]any, len(c.params.named))
		for k, v := range c.params.named {
			m[k] = v
		}
		return m
	}
	out := make([]any, len(c.params.positional))
	for i, v := range c.params.positional {
		out[i] = v
	}
	return out
}

// IsNamedParams reports whether the parameters have names.
func (c *Context) IsNamedParams() bool { return c.params.named != nil }

// InnerDeindent is Inner with the indentation its lines share removed,
// so that a shortcode nested in a list item renders its inner Markdown
// at the left margin.
func (c *Context) InnerDeindent() template.HTML {
	return template.HTML(deindent(string(c.Inner)))
}

func deindent(s string) string {
	lines := strings.Split(s, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	if indent <= 0 {
		return s
	}
	for i, l := range lines {
		if len(l) >= indent {
			lines[i] = l[indent:]
		} else {
			lines[i] = strings.TrimLeft(l, " \t")
		}
	}
	return strings.Join(lines, "\n")
}
