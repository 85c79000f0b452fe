package admin

import (
	"net/http"
	"strings"
	"testing"
)

func TestSanitizedDrawingMessageNamesTheFirstRemovals(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"`)
	for _, h := range []string{"onclick", "onload", "onmouseover", "onfocus", "onblur", "onkeydown", "onkeyup", "onerror"} {
		b.WriteString(" " + h + `="alert(1)"`)
	}
	b.WriteString(`/></svg>`)
	clean, status, msg := sanitizeSVG("many.svg", []byte(b.String()))
	want := "many.svg was stored sanitised; removed: event handlers (onclick), event handlers (onload), event handlers (onmouseover), " +
		"event handlers (onfocus), event handlers (onblur), event handlers (onkeydown) and 2 more."
	if status != http.StatusOK || msg != want || strings.Contains(string(clean), "alert") {
		t.Errorf("status %d, message %q, stored %s", status, msg, clean)
	}
}
