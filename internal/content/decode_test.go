package content

import (
	"testing"
	"time"
)

// Lines are counted by LF, as the writer's editor, git and grep count
// them, even where the YAML parser also breaks lines at a lone CR.
func TestFrontMatterErrorLinesCountLFs(t *testing.T) {
	for src, want := range map[string]int{
		"---\na: 1\nb: [\n---\n":                           3,
		"---\r\na: 1\r\nb: [\r\n---\r\n":                   3,
		"---\na: 1\rb: [\n---\n":                           2,
		"---\na: 1\u2028b: [\n---\n":                       2,
		"--- \n' \n\n-- :: \r0\rF000\n0 \n---":             6,
		"---\ntitle: x\rtags: [a]\rdate: 2024\n- x\n---\n": 2,
	} {
		_, problems := Parse("posts/x.md", KindPost, []byte(src), time.UTC)
		if len(problems) == 0 || problems[0].Line != want {
			t.Errorf("%q: problems %v, want the first on line %d", src, problems, want)
		}
	}
}
