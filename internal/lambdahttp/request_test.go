package lambdahttp_test

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/grailblog/grail/internal/lambdahttp"
)

// Minimal events of each front door. %s marks where a test puts its fields.
const (
	v1Tmpl    = `{"resource":"/{proxy+}","httpMethod":"GET","path":"/","headers":{"Host":"abc.execute-api.eu-west-1.amazonaws.com"},"requestContext":{"stage":"prod","domainName":"abc.execute-api.eu-west-1.amazonaws.com","identity":{"sourceIp":"203.0.113.7"}},"body":null,"isBase64Encoded":false%s}`
	v2Tmpl    = `{"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"","headers":{"host":"abc.execute-api.eu-west-1.amazonaws.com"},"requestContext":{"stage":"$default","domainName":"abc.execute-api.eu-west-1.amazonaws.com","http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"203.0.113.7"}},"isBase64Encoded":false%s}`
	urlTmpl   = `{"version":"2.0","rawPath":"/","rawQueryString":"","headers":{"host":"xyz.lambda-url.eu-west-1.on.aws"},"requestContext":{"domainName":"xyz.lambda-url.eu-west-1.on.aws","http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"203.0.113.7"}},"isBase64Encoded":false%s}`
	albTmpl   = `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grail/1"}},"httpMethod":"GET","path":"/","headers":{"host":"grail.example.org","x-forwarded-for":"198.51.100.1","x-forwarded-proto":"https"},"body":"","isBase64Encoded":false%s}`
	albMVTmpl = `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grail/1"}},"httpMethod":"GET","path":"/","multiValueHeaders":{"host":["grail.example.org"],"x-forwarded-for":["198.51.100.1"],"x-forwarded-proto":["https"]},"multiValueQueryStringParameters":{},"body":"","isBase64Encoded":false%s}`
)

// ev appends fields to a template. For a key the template already has,
// encoding/json lets the later value replace a string or the query
// parameters, and merge into an object such as headers or requestContext.
func ev(tmpl string, fields ...string) string {
	extra := ""
	for _, f := range fields {
		extra += "," + f
	}
	return fmt.Sprintf(tmpl, extra)
}

func TestQueryKeepsOrderAndRepeats(t *testing.T) {
	tests := []struct {
		name      string
		event     string
		wantRaw   string
		wantFoo   []string
		wantOther map[string]string
	}{
		{
			name:    "2.0 raw query as is",
			event:   ev(v2Tmpl, `"rawQueryString":"foo=1&bar=x&foo=2"`),
			wantRaw: "foo=1&bar=x&foo=2", wantFoo: []string{"1", "2"},
		},
		{
			name:    "function URL raw query keeps its escapes",
			event:   ev(urlTmpl, `"rawQueryString":"foo=a%20b&foo=%2B&q=caf%C3%A9"`),
			wantRaw: "foo=a%20b&foo=%2B&q=caf%C3%A9", wantFoo: []string{"a b", "+"},
			wantOther: map[string]string{"q": "café"},
		},
		{
			name:    "1.0 rebuilt from multi-value parameters in event order",
			event:   ev(v1Tmpl, `"queryStringParameters":{"zeta":"z","foo":"2"},"multiValueQueryStringParameters":{"zeta":["z"],"foo":["1","2"],"alpha":["a"]}`),
			wantRaw: "zeta=z&foo=1&foo=2&alpha=a", wantFoo: []string{"1", "2"},
		},
		{
			name:    "1.0 decoded values are encoded once",
			event:   ev(v1Tmpl, `"multiValueQueryStringParameters":{"foo":["a b","x&y=z"],"q":["café"]}`),
			wantRaw: "foo=a+b&foo=x%26y%3Dz&q=caf%C3%A9", wantFoo: []string{"a b", "x&y=z"},
			wantOther: map[string]string{"q": "café"},
		},
		{
			name:    "1.0 single-value parameters only",
			event:   ev(v1Tmpl, `"queryStringParameters":{"foo":"1","bar":"2"}`),
			wantRaw: "foo=1&bar=2", wantFoo: []string{"1"},
		},
		{
			name:    "ALB values arrive encoded and are not encoded again",
			event:   ev(albMVTmpl, `"multiValueQueryStringParameters":{"foo":["a%20b","%2B"],"q":["caf%C3%A9"]}`),
			wantRaw: "foo=a%20b&foo=%2B&q=caf%C3%A9", wantFoo: []string{"a b", "+"},
			wantOther: map[string]string{"q": "café"},
		},
		{
			name:    "ALB single-value parameters",
			event:   ev(albTmpl, `"queryStringParameters":{"foo":"x%2Fy","n":"1"}`),
			wantRaw: "foo=x%2Fy&n=1", wantFoo: []string{"x/y"},
		},
		{
			name:    "no query",
			event:   ev(v1Tmpl, `"queryStringParameters":null,"multiValueQueryStringParameters":null`),
			wantRaw: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := serveRequest(t, lambdahttp.Options{}, tt.event)
			if r.URL.RawQuery != tt.wantRaw {
				t.Errorf("RawQuery = %q, want %q", r.URL.RawQuery, tt.wantRaw)
			}
			if got := r.URL.Query()["foo"]; !slices.Equal(got, tt.wantFoo) {
				t.Errorf("foo = %q, want %q", got, tt.wantFoo)
			}
			for k, want := range tt.wantOther {
				if got := r.URL.Query().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if !strings.HasSuffix(r.RequestURI, "?"+tt.wantRaw) && tt.wantRaw != "" {
				t.Errorf("RequestURI = %q, want it to end in the query", r.RequestURI)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  map[string][]string
	}{
		{
			name:  "1.0 repeated headers from multiValueHeaders",
			event: ev(v1Tmpl, `"headers":{"Accept":"b","X-Trace":"2"},"multiValueHeaders":{"Accept":["a","b"],"x-trace":["1","2"]}`),
			want:  map[string][]string{"Accept": {"a", "b"}, "X-Trace": {"1", "2"}},
		},
		{
			name:  "1.0 without multiValueHeaders",
			event: ev(v1Tmpl, `"headers":{"accept":"text/html","host":"h.example"}`),
			want:  map[string][]string{"Accept": {"text/html"}},
		},
		{
			name:  "ALB multi-value repeated headers",
			event: ev(albMVTmpl, `"multiValueHeaders":{"host":["grail.example.org"],"accept":["a","b"],"x-forwarded-for":["198.51.100.1"]}`),
			want:  map[string][]string{"Accept": {"a", "b"}},
		},
		{
			name:  "2.0 joined header stays one value",
			event: ev(v2Tmpl, `"headers":{"accept":"a, b","user-agent":"Mozilla/5.0 (X11, Linux)"}`),
			want:  map[string][]string{"Accept": {"a, b"}, "User-Agent": {"Mozilla/5.0 (X11, Linux)"}},
		},
		{
			name:  "2.0 cookies array becomes one Cookie header",
			event: ev(v2Tmpl, `"cookies":["session=abc","theme=dark"]`),
			want:  map[string][]string{"Cookie": {"session=abc; theme=dark"}},
		},
		{
			name:  "function URL cookies",
			event: ev(urlTmpl, `"cookies":["a=1","b=2","c=3"]`),
			want:  map[string][]string{"Cookie": {"a=1; b=2; c=3"}},
		},
		{
			name:  "2.0 without cookies has no Cookie header",
			event: ev(v2Tmpl),
			want:  map[string][]string{"Cookie": nil},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := serveRequest(t, lambdahttp.Options{}, tt.event)
			for k, want := range tt.want {
				if got := r.Header.Values(k); !slices.Equal(got, want) {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestCookiesReachHandler(t *testing.T) {
	r, _ := serveRequest(t, lambdahttp.Options{}, ev(v2Tmpl, `"cookies":["session=abc","theme=dark"]`))
	got := map[string]string{}
	for _, c := range r.Cookies() {
		got[c.Name] = c.Value
	}
	if got["session"] != "abc" || got["theme"] != "dark" || len(got) != 2 {
		t.Errorf("r.Cookies() = %v", got)
	}
}

func TestPath(t *testing.T) {
	tests := []struct {
		name    string
		opts    lambdahttp.Options
		event   string
		want    string
		wantRaw string // EscapedPath, when it differs from want
		wantURI string
	}{
		{name: "1.0 stage in path is stripped", event: ev(v1Tmpl, `"path":"/prod/posts/hello"`), want: "/posts/hello"},
		{name: "1.0 stage alone becomes root", event: ev(v1Tmpl, `"path":"/prod"`), want: "/"},
		{name: "1.0 stage must be a whole segment", event: ev(v1Tmpl, `"path":"/production/x"`), want: "/production/x"},
		{name: "1.0 path without stage unchanged", event: ev(v1Tmpl, `"path":"/posts/hello"`), want: "/posts/hello"},
		{name: "1.0 KeepStage", opts: lambdahttp.Options{KeepStage: true}, event: ev(v1Tmpl, `"path":"/prod/posts"`), want: "/prod/posts"},
		{
			name:  "2.0 named stage stripped from rawPath",
			event: ev(v2Tmpl, `"rawPath":"/prod/feed.xml","requestContext":{"stage":"prod","http":{"method":"GET","path":"/prod/feed.xml"}}`),
			want:  "/feed.xml",
		},
		{name: "2.0 $default stage never stripped", event: ev(v2Tmpl, `"rawPath":"/$default/x"`), want: "/$default/x"},
		{name: "function URL path", event: ev(urlTmpl, `"rawPath":"/prod/x"`), want: "/prod/x"},
		{
			name: "base path stripped", opts: lambdahttp.Options{StripBasePath: "/blog"},
			event: ev(v2Tmpl, `"rawPath":"/blog/2024/post"`), want: "/2024/post",
		},
		{
			name: "base path normalised", opts: lambdahttp.Options{StripBasePath: " blog/ "},
			event: ev(albTmpl, `"path":"/blog"`), want: "/",
		},
		{
			name: "base path must be a whole segment", opts: lambdahttp.Options{StripBasePath: "/blog"},
			event: ev(v2Tmpl, `"rawPath":"/blogroll"`), want: "/blogroll",
		},
		{
			name: "stage then base path", opts: lambdahttp.Options{StripBasePath: "/blog"},
			event: ev(v1Tmpl, `"path":"/prod/blog/x"`), want: "/x",
		},
		{
			name: "nested base path", opts: lambdahttp.Options{StripBasePath: "/sites/blog"},
			event: ev(albTmpl, `"path":"/sites/blog/tags/go"`), want: "/tags/go",
		},
		{
			name: "escaped slash kept distinguishable", event: ev(albTmpl, `"path":"/tags/a%2Fb"`),
			want: "/tags/a/b", wantRaw: "/tags/a%2Fb", wantURI: "/tags/a%2Fb",
		},
		{
			name: "escaped space", event: ev(urlTmpl, `"rawPath":"/posts/hello%20world"`),
			want: "/posts/hello world", wantURI: "/posts/hello%20world",
		},
		{
			name: "invalid escape taken literally", event: ev(v1Tmpl, `"path":"/100%"`),
			want: "/100%", wantURI: "/100%25",
		},
		{name: "missing leading slash added", event: ev(albTmpl, `"path":"x"`), want: "/x"},
		{name: "2.0 empty rawPath falls back to http.path", event: ev(v2Tmpl, `"rawPath":"","requestContext":{"http":{"method":"GET","path":"/from/context"}}`), want: "/from/context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := serveRequest(t, tt.opts, tt.event)
			if r.URL.Path != tt.want {
				t.Errorf("Path = %q, want %q", r.URL.Path, tt.want)
			}
			if tt.wantRaw != "" && r.URL.EscapedPath() != tt.wantRaw {
				t.Errorf("EscapedPath = %q, want %q", r.URL.EscapedPath(), tt.wantRaw)
			}
			if tt.wantURI != "" && r.RequestURI != tt.wantURI {
				t.Errorf("RequestURI = %q, want %q", r.RequestURI, tt.wantURI)
			}
		})
	}
}

func TestHost(t *testing.T) {
	trust := lambdahttp.Options{TrustForwardedHost: true}
	tests := []struct {
		name  string
		opts  lambdahttp.Options
		event string
		want  string
	}{
		{name: "Host header", event: ev(urlTmpl), want: "xyz.lambda-url.eu-west-1.on.aws"},
		{
			name:  "forwarded host ignored unless trusted",
			event: ev(urlTmpl, `"headers":{"host":"xyz.lambda-url.eu-west-1.on.aws","x-forwarded-host":"blog.example.org"}`),
			want:  "xyz.lambda-url.eu-west-1.on.aws",
		},
		{
			name: "trusted forwarded host", opts: trust,
			event: ev(urlTmpl, `"headers":{"host":"xyz.lambda-url.eu-west-1.on.aws","x-forwarded-host":"blog.example.org"}`),
			want:  "blog.example.org",
		},
		{
			name: "trusted forwarded host, first of a list", opts: trust,
			event: ev(v1Tmpl, `"multiValueHeaders":{"Host":["abc"],"X-Forwarded-Host":["blog.example.org:8443, other.example"]}`),
			want:  "blog.example.org:8443",
		},
		{
			name: "trusted but malformed forwarded host falls back", opts: trust,
			event: ev(v2Tmpl, `"headers":{"host":"abc.execute-api.eu-west-1.amazonaws.com","x-forwarded-host":"evil.example/path"}`),
			want:  "abc.execute-api.eu-west-1.amazonaws.com",
		},
		{
			name: "trusted but absent forwarded host", opts: trust,
			event: ev(albTmpl), want: "grail.example.org",
		},
		{
			name:  "no Host header: domain name",
			event: `{"version":"2.0","routeKey":"$default","rawPath":"/","headers":{},"requestContext":{"domainName":"abc.execute-api.eu-west-1.amazonaws.com","http":{"method":"GET"}}}`,
			want:  "abc.execute-api.eu-west-1.amazonaws.com",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := serveRequest(t, tt.opts, tt.event)
			if r.Host != tt.want {
				t.Errorf("Host = %q, want %q", r.Host, tt.want)
			}
		})
	}
}

func TestRemoteAddrAndScheme(t *testing.T) {
	tests := []struct {
		name      string
		event     string
		wantIP    string
		wantHTTPS bool
	}{
		{name: "1.0 identity.sourceIp", event: ev(v1Tmpl), wantIP: "203.0.113.7", wantHTTPS: true},
		{name: "2.0 http.sourceIp", event: ev(v2Tmpl), wantIP: "203.0.113.7", wantHTTPS: true},
		{name: "function URL http.sourceIp", event: ev(urlTmpl), wantIP: "203.0.113.7", wantHTTPS: true},
		{
			name:   "IPv6 source",
			event:  ev(urlTmpl, `"requestContext":{"http":{"method":"GET","sourceIp":"2001:db8::1"}}`),
			wantIP: "2001:db8::1", wantHTTPS: true,
		},
		{
			name:   "ALB last hop of X-Forwarded-For",
			event:  ev(albTmpl, `"headers":{"host":"h","x-forwarded-for":"10.9.9.9, 192.0.2.1, 198.51.100.23","x-forwarded-proto":"https"}`),
			wantIP: "198.51.100.23", wantHTTPS: true,
		},
		{
			name:   "ALB multi-value last hop of the last value",
			event:  ev(albMVTmpl, `"multiValueHeaders":{"host":["h"],"x-forwarded-for":["10.9.9.9","192.0.2.1, 198.51.100.24"],"x-forwarded-proto":["http"]}`),
			wantIP: "198.51.100.24", wantHTTPS: false,
		},
		{
			name:  "ALB without X-Forwarded headers",
			event: `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET","path":"/","headers":{"host":"h"}}`,
		},
		{
			name:   "2.0 X-Forwarded-Proto http is believed",
			event:  ev(v2Tmpl, `"headers":{"host":"h","x-forwarded-proto":"http"}`),
			wantIP: "203.0.113.7", wantHTTPS: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := serveRequest(t, lambdahttp.Options{}, tt.event)
			if tt.wantIP == "" {
				if r.RemoteAddr != "" {
					t.Errorf("RemoteAddr = %q, want empty", r.RemoteAddr)
				}
			} else {
				host, _, err := net.SplitHostPort(r.RemoteAddr)
				if err != nil || host != tt.wantIP {
					t.Errorf("RemoteAddr = %q: host %q, %v; want %q", r.RemoteAddr, host, err, tt.wantIP)
				}
			}
			if (r.TLS != nil) != tt.wantHTTPS {
				t.Errorf("r.TLS != nil is %v, want %v", r.TLS != nil, tt.wantHTTPS)
			}
		})
	}
}

func TestMethodAndBody(t *testing.T) {
	tests := []struct {
		name       string
		event      string
		wantMethod string
		wantBody   string
	}{
		{"2.0 method from requestContext.http", ev(v2Tmpl, `"requestContext":{"http":{"method":"DELETE","sourceIp":"1.2.3.4"}}`), "DELETE", ""},
		{"1.0 text body", ev(v1Tmpl, `"httpMethod":"POST","body":"a=1&b=2"`), "POST", "a=1&b=2"},
		{"1.0 base64 body", ev(v1Tmpl, `"httpMethod":"PUT","body":"AAEC/w==","isBase64Encoded":true`), "PUT", "\x00\x01\x02\xff"},
		{"2.0 base64 body", ev(v2Tmpl, `"body":"aGVsbG8=","isBase64Encoded":true`), "GET", "hello"},
		{"ALB base64 body", ev(albTmpl, `"httpMethod":"POST","body":"4pyTIMOgIGxhIG1vZGU=","isBase64Encoded":true`), "POST", "✓ à la mode"},
		{"function URL text body", ev(urlTmpl, `"body":"{\"a\":1}"`), "GET", `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, body := serveRequest(t, lambdahttp.Options{}, tt.event)
			if r.Method != tt.wantMethod {
				t.Errorf("method = %q, want %q", r.Method, tt.wantMethod)
			}
			if string(body) != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
			if r.ContentLength != int64(len(tt.wantBody)) {
				t.Errorf("ContentLength = %d, want %d", r.ContentLength, len(tt.wantBody))
			}
		})
	}
}

func TestProto(t *testing.T) {
	r, _ := serveRequest(t, lambdahttp.Options{}, ev(urlTmpl, `"requestContext":{"http":{"method":"GET","protocol":"HTTP/2.0"}}`))
	if r.Proto != "HTTP/2.0" || r.ProtoMajor != 2 {
		t.Errorf("proto = %q %d.%d, want HTTP/2.0", r.Proto, r.ProtoMajor, r.ProtoMinor)
	}
}

func TestLambdaContextReachesHandler(t *testing.T) {
	r, _ := serveRequest(t, lambdahttp.Options{}, ev(v2Tmpl))
	if _, ok := lambdahttp.LambdaContextFromContext(r.Context()); ok {
		t.Error("Lambda context present though Invoke's context had none")
	}
	if _, ok := lambdahttp.EventFromContext(httpRequestWithoutAdapter().Context()); ok {
		t.Error("EventFromContext reports an event for a plain request")
	}
}

func httpRequestWithoutAdapter() *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	return r
}
