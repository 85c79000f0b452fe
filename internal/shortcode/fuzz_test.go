package shortcode

import (
	"bytes"
	"regexp"
	"testing"
)

// FuzzExpand checks that no input makes Expand panic, that when the
// input's shortcodes are balanced (every tag closed) no delimiter is left
// in the Markdown that is rendered, and that every placeholder is
// replaced.
func FuzzExpand(f *testing.F) {
	for _, seed := range []string{
		`{{< figure src="a.jpg" caption="x" >}}`,
		"{{< note >}}a {{< note />}} b{{< /note >}}",
		"{{% mdbox title=`raw \"q\"` %}}\n- x\n{{% /mdbox %}}",
		`{{</* comment */>}} {{< youtube abc >}}`,
		`{{< highlight go "linenos=table" >}}x{{< /highlight >}}`,
		"{{{{<<",
		`{{< a b="c" d >}}`,
		`{{< words 1 2 >}}a b{{< /words >}}`,
	} {
		f.Add([]byte(seed))
	}
	s, _ := testSet(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		md, rep, _ := s.Expand(src, testPage("f.md"))
		if balanced(src) && (bytes.Contains(md, []byte("{{<")) || bytes.Contains(md, []byte("{{%"))) {
			t.Errorf("a delimiter is left:\nin:  %q\nout: %q", src, md)
		}
		if rep != nil && bytes.Contains(rep.Replace(md), rep.prefix) {
			t.Errorf("a placeholder is left:\nin:  %q", src)
		}
	})
}

var (
	anyTag  = regexp.MustCompile(`\{\{[<%]`)
	goodTag = regexp.MustCompile(`\{\{[<%]\s*/?\s*[\w.-]+(\s+\w+="[^"{}]*")*\s*/?\s*[>%]\}\}`)
)

// balanced reports whether every shortcode tag in src is well formed:
// the fuzz test's property holds for such inputs. Comments print their
// delimiters on purpose and are left out.
func balanced(src []byte) bool {
	return len(anyTag.FindAll(src, -1)) == len(goodTag.FindAll(src, -1)) && !bytes.Contains(src, []byte("/*"))
}
