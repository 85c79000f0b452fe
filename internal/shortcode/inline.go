package shortcode

import (
	"errors"
	"fmt"
	"html/template"
	"strings"
)

// isInline tells Hugo's inline shortcodes ({{< time.inline >}}…), whose
// template is written in the page itself.
func isInline(name string) bool { return strings.HasSuffix(name, ".inline") }

// inline runs an inline shortcode. A paired use defines the template and
// runs it; a self-closing one runs the template defined earlier in the
// page under that name. As in Hugo, the site must allow them
// (enableInlineShortcodes): they give a page's author the power of a
// template.
func (ex *expansion) inline(c *call, ctx *Context) ([]byte, error) {
	if !ex.set.inlineAllowed {
		return nil, errors.New("inline shortcodes are off (enableInlineShortcodes = true in the site's configuration turns them on)")
	}
	name := fmt.Sprintf("%s (%s)", ex.page.File, c.name)
	if c.paired {
		t, err := template.New(name).Funcs(ex.set.funcs()).Parse(string(c.rawInner))
		if err != nil {
			return nil, cleanExecError(err)
		}
		if ex.inlines == nil {
			ex.inlines = map[string]*template.Template{}
		}
		ex.inlines[c.name] = t
	}
	t := ex.inlines[c.name]
	if t == nil {
		return nil, errors.New("used before the page defines it")
	}
	return ex.execute(&siteTemplate{file: name, tmpl: t, warns: strings.Contains(string(c.rawInner), "warnf")}, ctx)
}
