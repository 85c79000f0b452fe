package svgsafe

import "strings"

// CSS in a drawing (style attributes, <style> sheets) is kept as far as it
// only paints: allowlisted properties whose values call no function but
// colours, transforms, arithmetic and url(#id). At-rules (@import,
// @font-face...) are dropped, and so is anything written with a CSS
// escape, which could spell any of those in a way a text check misses.

// sanitizeDeclarations keeps the allowed declarations of a style
// attribute (or of a rule's block).
func sanitizeDeclarations(css string) (string, []string) {
	var kept, removed []string
	for _, decl := range strings.Split(stripComments(css), ";") {
		prop, value, found := strings.Cut(decl, ":")
		prop = strings.ToLower(strings.TrimSpace(prop))
		value = strings.TrimSpace(value)
		switch {
		case !found && prop == "":
		case !found || !cssProperties[prop]:
			removed = append(removed, "the CSS property "+abbreviate(prop))
		case !valueOK(value) || strings.ContainsAny(value, "{}@"):
			removed = append(removed, "CSS "+prop+": "+abbreviate(value))
		default:
			kept = append(kept, prop+":"+value)
		}
	}
	return strings.Join(kept, ";"), removed
}

// sanitizeSheet keeps the plain rules of a style sheet (selector and
// declarations), each with its allowed declarations.
func sanitizeSheet(css string) (string, []string) {
	css = stripComments(css)
	if strings.Contains(css, `\`) {
		return "", []string{"a style sheet with CSS escapes"}
	}
	var rules, removed []string
	for rest := strings.TrimSpace(css); rest != ""; rest = strings.TrimSpace(rest) {
		if rest[0] == '@' {
			var name string
			name, rest = skipAtRule(rest)
			removed = append(removed, "the CSS "+name+" rule")
			continue
		}
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break // a selector without a block is not a rule
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 {
			closing = len(rest) - open
		}
		selector, block := strings.TrimSpace(rest[:open]), rest[open+1:open+closing]
		rest = rest[min(open+closing+1, len(rest)):]
		if selector == "" || strings.ContainsAny(selector, "<@{};") {
			removed = append(removed, "the CSS rule for "+abbreviate(selector))
			continue
		}
		decls, r := sanitizeDeclarations(block)
		removed = append(removed, r...)
		if decls != "" {
			rules = append(rules, selector+"{"+decls+"}")
		}
	}
	return strings.Join(rules, "\n"), removed
}

// skipAtRule skips an at-rule, with its block if it has one, and returns
// its name and what follows it.
func skipAtRule(css string) (name, rest string) {
	end := strings.IndexAny(css, ";{")
	if end < 0 {
		return atName(css), ""
	}
	name = atName(css[:end])
	if css[end] == ';' {
		return name, css[end+1:]
	}
	depth := 0
	for i := end; i < len(css); i++ {
		switch css[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return name, css[i+1:]
			}
		}
	}
	return name, ""
}

func atName(s string) string {
	if i := strings.IndexFunc(s[1:], func(r rune) bool { return !isIdent(r) }); i >= 0 {
		s = s[:i+1]
	}
	return abbreviate(strings.ToLower(s))
}

// stripComments removes /* comments */, so that none can hide or split
// what the checks look for.
func stripComments(css string) string {
	var b strings.Builder
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			b.WriteString(css)
			return b.String()
		}
		b.WriteString(css[:i])
		b.WriteByte(' ')
		j := strings.Index(css[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		css = css[i+2+j+2:]
	}
}

// valueOK tells whether an attribute or CSS value is inert: no script
// scheme (spaces and control characters ignored, as browsers do), no CSS
// escape or comment, and no function call but the allowed ones, url()
// only to an element of the same document.
func valueOK(v string) bool {
	lower := strings.ToLower(v)
	squeezed := strings.Map(dropSpace, lower)
	for _, bad := range []string{"javascript:", "vbscript:", "data:", `\`, "/*", "@import", "expression"} {
		if strings.Contains(squeezed, bad) {
			return false
		}
	}
	for i := strings.IndexByte(lower, '('); i >= 0; i = nextParen(lower, i) {
		start := i
		for start > 0 && isIdent(rune(lower[start-1])) {
			start--
		}
		fn := lower[start:i]
		if fn != "" && !cssFunctions[fn] {
			return false
		}
		if fn == "url" && !strings.HasPrefix(strings.TrimLeft(lower[i+1:], " \t\r\n\f'\""), "#") {
			return false
		}
	}
	return true
}

func nextParen(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '(')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func isIdent(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}
