// Package transporttest holds what tests of the transport and of the sites
// it serves share: raw exchanges on a connection, and the comparison of an
// answer from net/http with the fast path's. Only tests import it.
package transporttest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// T is the part of *testing.T these helpers use.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Exchange sends raw on a new connection to addr and reads a response per
// method (the method tells whether a body follows), bodies read in full.
func Exchange(t T, addr, raw string, methods ...string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, raw)
	br := bufio.NewReader(c)
	var out []*http.Response
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

// SameResponse reports how a (from net/http) and b (from the fast path)
// differ, but for their Date.
func SameResponse(t T, what string, a, b *http.Response) {
	t.Helper()
	if a.StatusCode != b.StatusCode {
		t.Errorf("%s: status %d (net/http) vs %d (fast path)", what, a.StatusCode, b.StatusCode)
	}
	for _, h := range []http.Header{a.Header, b.Header} {
		h.Del("Date")
	}
	if ka, kb := headerLines(a.Header), headerLines(b.Header); !slices.Equal(ka, kb) {
		t.Errorf("%s: headers differ:\nnet/http  %q\nfast path %q", what, ka, kb)
	}
	ba, _ := io.ReadAll(a.Body)
	bb, _ := io.ReadAll(b.Body)
	if !bytes.Equal(ba, bb) {
		t.Errorf("%s: bodies differ (%d vs %d bytes)", what, len(ba), len(bb))
	}
}

func headerLines(h http.Header) []string {
	var lines []string
	for name, v := range h {
		lines = append(lines, name+": "+strings.Join(v, ","))
	}
	slices.Sort(lines)
	return lines
}
