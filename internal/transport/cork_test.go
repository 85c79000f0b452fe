package transport

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// corkedServer serves ts through a corking listener, as grail serve does.
func corkedServer(t *testing.T, ts *testSite) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: ts.srv, ConnContext: ConnContext}
	go srv.Serve(CorkListener(ln))
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestCorkedResponsesAreExact: pages sent through the corked connection
// (one write, or sendfile for large ones) arrive byte for byte as the
// handler made them, under concurrent keep-alive requests.
func TestCorkedResponsesAreExact(t *testing.T) {
	ts := newTestSite(t)
	base := corkedServer(t, ts)
	want := map[string]string{}
	for _, p := range []string{"/blog/long", "/blog/first", "/"} {
		_, body := ts.get(t, p)
		want[p] = body
	}
	if len(want["/blog/long"]) < 2*zeroCopyMin {
		t.Fatalf("the long page is %d bytes; the test needs it above %d", len(want["/blog/long"]), zeroCopyMin)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 50, DisableCompression: true}}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 20 {
		wg.Go(func() {
			for i := range 30 {
				p := []string{"/blog/long", "/blog/first", "/"}[(g+i)%3]
				resp, err := client.Get(base + p)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(body) != want[p] || resp.Header.Get("Content-Length") != strconv.Itoa(len(want[p])) {
					errs <- fmt.Errorf("%s: %d bytes, %v; want %d", p, len(body), err, len(want[p]))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCorkedPipelined: two requests sent at once on one connection get
// two complete responses, in order.
func TestCorkedPipelined(t *testing.T) {
	ts := newTestSite(t)
	_, long := ts.get(t, "/blog/long")
	_, first := ts.get(t, "/blog/first")
	base := corkedServer(t, ts)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /blog/long HTTP/1.1\r\nHost: x\r\n\r\nHEAD /blog/long HTTP/1.1\r\nHost: x\r\n\r\nGET /blog/first HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	for i, want := range []string{long, "", first} {
		method := "GET"
		if i == 1 {
			method = "HEAD"
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != want {
			t.Errorf("response %d: %d bytes, want %d", i, len(body), len(want))
		}
	}
}
