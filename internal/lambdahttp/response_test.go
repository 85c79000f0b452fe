package lambdahttp_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/lambdahttp"
)

func TestBodyEncoding(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		io.WriteString(zw, s)
		zw.Close()
		return b.Bytes()
	}
	tests := []struct {
		name            string
		contentType     string
		contentEncoding string
		body            []byte
		wantBase64      bool
	}{
		{"html", "text/html; charset=utf-8", "", []byte("<h1>Grüße</h1>"), false},
		{"css", "text/css", "", []byte("a{color:red}"), false},
		{"json", "application/json", "", []byte(`{"a":"\n"}`), false},
		{"problem+json", "application/problem+json", "", []byte(`{}`), false},
		{"xml", "application/xml", "", []byte("<a/>"), false},
		{"atom", "application/atom+xml; charset=utf-8", "", []byte("<feed/>"), false},
		{"rss", "application/rss+xml", "", []byte("<rss/>"), false},
		{"svg", "image/svg+xml", "", []byte("<svg/>"), false},
		{"javascript", "application/javascript", "", []byte("let a=1"), false},
		{"text/javascript", "text/javascript", "", []byte("let a=1"), false},
		{"upper-case type", "TEXT/HTML", "", []byte("x"), false},
		{"identity encoding is no encoding", "text/plain", "identity", []byte("x"), false},
		{"gzip text", "text/html", "gzip", gz("<h1>hi</h1>"), true},
		{"brotli css", "text/css", "br", []byte("\x1b\x03\x00"), true},
		{"png", "image/png", "", []byte("\x89PNG\r\n\x1a\n\x00"), true},
		{"octet-stream even if ASCII", "application/octet-stream", "", []byte("plain ascii"), true},
		{"woff2", "font/woff2", "", []byte("wOF2"), true},
		{"text that is not UTF-8", "text/plain; charset=iso-8859-1", "", []byte("caf\xe9"), true},
		{"empty body", "image/png", "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				if tt.contentEncoding != "" {
					w.Header().Set("Content-Encoding", tt.contentEncoding)
				}
				w.Write(tt.body)
			})
			for _, tmpl := range []string{v1Tmpl, v2Tmpl, urlTmpl, albTmpl, albMVTmpl} {
				res := invoke(t, h, lambdahttp.Options{}, ev(tmpl))
				if res.IsBase64Encoded != tt.wantBase64 {
					t.Errorf("%.30s…: isBase64Encoded = %v, want %v", tmpl, res.IsBase64Encoded, tt.wantBase64)
				}
				if got := res.body(t); !bytes.Equal(got, tt.body) {
					t.Errorf("%.30s…: body = %q, want %q", tmpl, got, tt.body)
				}
			}
		})
	}
}

func TestSetCookiesSurvive(t *testing.T) {
	cookies := []string{
		"session=abc; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly",
		"theme=dark; Path=/",
		"lang=en",
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, c := range cookies {
			w.Header().Add("Set-Cookie", c)
		}
	})
	tests := []struct {
		name  string
		event string
		get   func(result) []string
	}{
		{"1.0 multiValueHeaders", ev(v1Tmpl), func(r result) []string { return r.MultiValueHeaders["Set-Cookie"] }},
		{"2.0 cookies", ev(v2Tmpl), func(r result) []string { return r.Cookies }},
		{"function URL cookies", ev(urlTmpl), func(r result) []string { return r.Cookies }},
		{"ALB multi-value", ev(albMVTmpl), func(r result) []string { return r.MultiValueHeaders["Set-Cookie"] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, h, lambdahttp.Options{}, tt.event)
			if got := tt.get(res); !slices.Equal(got, cookies) {
				t.Errorf("cookies = %q, want %q", got, cookies)
			}
		})
	}
}

func TestALBSingleValueCookies(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
	})
	logger, logs := newLogger()
	res := invoke(t, h, lambdahttp.Options{Logger: logger}, ev(albTmpl))
	if got := res.Headers["Set-Cookie"]; got != "a=1" {
		t.Errorf("Set-Cookie = %q, want only the first cookie", got)
	}
	if !strings.Contains(logs.String(), "only the first Set-Cookie") {
		t.Errorf("dropped cookie not logged; log: %s", logs)
	}
}

func TestResponseHeaderShapes(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.Header().Add("Vary", "Cookie")
		w.Header().Set("Cache-Control", "public, max-age=60")
		w.Header().Set("Transfer-Encoding", "chunked") // hop-by-hop: the front door's business
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusNotFound)
	})
	tests := []struct {
		name     string
		event    string
		wantVary []string
		wantDesc string
	}{
		{"1.0", ev(v1Tmpl), []string{"Accept-Encoding", "Cookie"}, ""},
		{"2.0 joins repeated headers", ev(v2Tmpl), []string{"Accept-Encoding, Cookie"}, ""},
		{"function URL joins repeated headers", ev(urlTmpl), []string{"Accept-Encoding, Cookie"}, ""},
		{"ALB joins repeated headers", ev(albTmpl), []string{"Accept-Encoding, Cookie"}, "404 Not Found"},
		{"ALB multi-value", ev(albMVTmpl), []string{"Accept-Encoding", "Cookie"}, "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, h, lambdahttp.Options{}, tt.event)
			if res.StatusCode != 404 {
				t.Errorf("status = %d, want 404", res.StatusCode)
			}
			if res.StatusDescription != tt.wantDesc {
				t.Errorf("statusDescription = %q, want %q", res.StatusDescription, tt.wantDesc)
			}
			if got := res.header("Vary"); !slices.Equal(got, tt.wantVary) {
				t.Errorf("Vary = %q, want %q", got, tt.wantVary)
			}
			if got := res.header("Cache-Control"); !slices.Equal(got, []string{"public, max-age=60"}) {
				t.Errorf("Cache-Control = %q", got)
			}
			if res.header("Transfer-Encoding") != nil || res.header("Connection") != nil {
				t.Errorf("hop-by-hop headers passed on: %v %v", res.Headers, res.MultiValueHeaders)
			}
		})
	}
}

func TestALBStatusDescription(t *testing.T) {
	for _, code := range []int{200, 201, 301, 304, 404, 500, 503, 299} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
		res := invoke(t, h, lambdahttp.Options{}, ev(albMVTmpl))
		want := strconv.Itoa(code) + " " + http.StatusText(code)
		if http.StatusText(code) == "" {
			want = strconv.Itoa(code)
		}
		if res.StatusCode != code || res.StatusDescription != want {
			t.Errorf("%d: got %d %q, want %q", code, res.StatusCode, res.StatusDescription, want)
		}
	}
}

func TestHeadHasNoBody(t *testing.T) {
	page := strings.Repeat("<p>cached page</p>", 100)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	for _, tmpl := range []string{v1Tmpl, v2Tmpl, urlTmpl, albTmpl, albMVTmpl} {
		head := strings.Replace(strings.Replace(ev(tmpl), `"httpMethod":"GET"`, `"httpMethod":"HEAD"`, 1), `"method":"GET"`, `"method":"HEAD"`, 1)
		res := invoke(t, h, lambdahttp.Options{}, head)
		if res.StatusCode != 200 || res.Body != "" {
			t.Errorf("%.30s…: HEAD got %d with %d body bytes, want 200 and none", tmpl, res.StatusCode, len(res.Body))
		}
		if got := res.header("Content-Length"); !slices.Equal(got, []string{strconv.Itoa(len(page))}) {
			t.Errorf("%.30s…: HEAD Content-Length = %q, want %d", tmpl, got, len(page))
		}
	}
}

func TestWriterFollowsNetHTTP(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		wantCode int
		wantBody string
		wantHdr  map[string][]string
	}{
		{
			name:     "no write is 200 and empty",
			handler:  func(w http.ResponseWriter, r *http.Request) {},
			wantCode: 200,
		},
		{
			name: "header changes after WriteHeader are not sent",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Before", "1")
				w.WriteHeader(http.StatusAccepted)
				w.Header().Set("X-After", "1")
				w.WriteHeader(http.StatusTeapot) // superfluous
			},
			wantCode: 202,
			wantHdr:  map[string][]string{"X-Before": {"1"}, "X-After": nil},
		},
		{
			name: "informational status is not final",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusCreated)
			},
			wantCode: 201,
		},
		{
			name: "untyped body is sniffed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "<!DOCTYPE html><title>x</title>")
			},
			wantCode: 200, wantBody: "<!DOCTYPE html><title>x</title>",
			wantHdr: map[string][]string{"Content-Type": {"text/html; charset=utf-8"}},
		},
		{
			name: "no sniffing when encoded",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "identity")
				io.WriteString(w, "<html>")
			},
			wantCode: 200, wantBody: "<html>",
			wantHdr: map[string][]string{"Content-Type": nil},
		},
		{
			name: "204 refuses a body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
				if _, err := io.WriteString(w, "x"); err != http.ErrBodyNotAllowed {
					panic("write to 204 allowed")
				}
			},
			wantCode: 204,
		},
		{
			name: "io.Copy goes through ReadFrom",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				io.Copy(w, strings.NewReader(strings.Repeat("abc", 1000)))
			},
			wantCode: 200, wantBody: strings.Repeat("abc", 1000),
		},
		{
			name: "Flush through ResponseController",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				io.WriteString(w, "a")
				if err := http.NewResponseController(w).Flush(); err != nil {
					panic(err)
				}
				io.WriteString(w, "b")
			},
			wantCode: 200, wantBody: "ab",
		},
		{
			name: "http.ServeContent",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.ServeContent(w, r, "a.txt", zeroTime, strings.NewReader("hello"))
			},
			wantCode: 200, wantBody: "hello",
			wantHdr: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Length": {"5"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := invoke(t, tt.handler, lambdahttp.Options{}, ev(v1Tmpl))
			if res.StatusCode != tt.wantCode || string(res.body(t)) != tt.wantBody {
				t.Errorf("got %d %q, want %d %q", res.StatusCode, res.body(t), tt.wantCode, tt.wantBody)
			}
			for k, want := range tt.wantHdr {
				if got := res.MultiValueHeaders[k]; !slices.Equal(got, want) {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestEncodeResponseStrings checks that any header or body string survives
// the JSON encoding as encoding/json would carry it.
func TestEncodeResponseStrings(t *testing.T) {
	for _, s := range []string{
		"plain", `quote " backslash \ slash /`, "ctl \x00\x01\x1f\x7f\n\r\t", "<script>&amp;</script>",
		"é ü 日本 🎉", "line\u2028para\u2029", "bad \xff\xfe utf8", "\xed\xa0\x80 surrogate",
	} {
		resp := &lambdahttp.Response{StatusCode: 200, Header: http.Header{"X-Test": {s}, "Content-Type": {"text/plain"}}, Body: []byte(s)}
		out := lambdahttp.EncodeResponse(nil, lambdahttp.KindAPIGatewayV1, resp)
		var got struct {
			MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
			Body              string              `json:"body"`
			IsBase64Encoded   bool                `json:"isBase64Encoded"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q: invalid JSON %v: %s", s, err, out)
		}
		want, _ := json.Marshal(s)
		var wantStr string
		json.Unmarshal(want, &wantStr)
		if got.MultiValueHeaders["X-Test"][0] != wantStr {
			t.Errorf("header %q came back as %q, want %q", s, got.MultiValueHeaders["X-Test"][0], wantStr)
		}
		if got.IsBase64Encoded {
			continue // invalid UTF-8 body: base64, checked elsewhere
		}
		if got.Body != s {
			t.Errorf("body %q came back as %q", s, got.Body)
		}
	}
}
