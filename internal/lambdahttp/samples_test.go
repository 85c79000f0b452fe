package lambdahttp_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/grailblog/grail/internal/lambdahttp"
)

// sample is what the handler must see for a sample event.
type sample struct {
	file       string
	kind       lambdahttp.Kind
	method     string
	path       string
	rawQuery   string
	query      map[string][]string
	host       string
	remoteAddr string
	https      bool
	headers    map[string][]string
	body       string
}

// TestSampleEvents runs every sample event of aws-lambda-go for the
// supported front doors through the adapter and checks the request the
// handler sees against what the sample says.
func TestSampleEvents(t *testing.T) {
	v2Cookies := "cookie1; cookie2"
	tests := []sample{
		{
			file: "apigw-request.json", kind: lambdahttp.KindAPIGatewayV1,
			method: "POST", path: "/hello/world", rawQuery: "name=me",
			query: map[string][]string{"name": {"me"}},
			host:  "gy415nuibc.execute-api.us-east-1.amazonaws.com", remoteAddr: "192.168.196.186:0", https: true,
			headers: map[string][]string{
				"Headername":      {"headerValue"},
				"Cache-Control":   {"no-cache"},
				"Content-Type":    {"application/json"},
				"X-Forwarded-For": {"54.240.196.186, 54.182.214.83"},
			},
			body: "{\r\n\t\"a\": 1\r\n}",
		},
		{
			file: "apigw-restapi-openapi-request.json", kind: lambdahttp.KindAPIGatewayV1,
			method: "POST", path: "/hello/world", rawQuery: "name=me",
			query: map[string][]string{"name": {"me"}},
			host:  "gy415nuibc.execute-api.us-east-1.amazonaws.com", remoteAddr: "192.168.196.186:0", https: true,
			headers: map[string][]string{"User-Agent": {"PostmanRuntime/2.4.5"}},
			body:    "{\r\n\t\"a\": 1\r\n}",
		},
	}
	for _, file := range []string{"apigw-v2-request-iam.json", "apigw-v2-request-jwt-authorizer.json", "apigw-v2-request-lambda-authorizer.json"} {
		tests = append(tests, sample{
			file: file, kind: lambdahttp.KindAPIGatewayV2,
			method: "GET", path: "/my/path", rawQuery: "parameter1=value1&parameter1=value2&parameter2=value",
			query: map[string][]string{"parameter1": {"value1", "value2"}, "parameter2": {"value"}},
			host:  "id.execute-api.us-east-1.amazonaws.com", remoteAddr: "IP:0", https: true,
			headers: map[string][]string{"Header1": {"value1"}, "Header2": {"value2"}, "Cookie": {v2Cookies}},
			body:    "{\r\n\t\"a\": 1\r\n}",
		})
	}
	tests = append(tests, []sample{
		{
			file: "apigw-v2-request-no-authorizer.json", kind: lambdahttp.KindAPIGatewayV2,
			method: "GET", path: "/", rawQuery: "", query: map[string][]string{},
			host: "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com", remoteAddr: "1.2.3.4:0", https: true,
			headers: map[string][]string{"User-Agent": {"curl/7.58.0"}, "X-Amzn-Trace-Id": {"Root=1-5e9f0c65-1de4d666d4dd26aced652b6c"}},
		},
		{
			file: "lambda-urls-request.json", kind: lambdahttp.KindFunctionURL,
			method: "POST", path: "/my/path", rawQuery: "parameter1=value1&parameter1=value2&parameter2=value",
			query: map[string][]string{"parameter1": {"value1", "value2"}, "parameter2": {"value"}},
			host:  "<url-id>.lambda-url.us-west-2.on.aws", remoteAddr: "123.123.123.123:0", https: true,
			// The front door already joined a repeated header; it stays one value.
			headers: map[string][]string{"Header1": {"value1"}, "Header2": {"value1,value2"}, "Cookie": {v2Cookies}},
			body:    "Hello from client!",
		},
		{
			file: "alb-lambda-target-request-headers-only.json", kind: lambdahttp.KindALB,
			method: "GET", path: "/", rawQuery: "key=hello", query: map[string][]string{"key": {"hello"}},
			host: "lambda-test-alb-1334523864.us-east-1.elb.amazonaws.com", remoteAddr: "25.12.198.67:0", https: false,
			headers: map[string][]string{"X-Myheader": {"123"}, "X-Imforwards": {"20"}, "Connection": {"keep-alive"}},
		},
		{
			file: "alb-lambda-target-request-multivalue-headers.json", kind: lambdahttp.KindALBMultiValue,
			method: "GET", path: "/", rawQuery: "key=hello", query: map[string][]string{"key": {"hello"}},
			host: "lambda-test-alb-1234567.us-east-1.elb.amazonaws.com", remoteAddr: "72.21.198.67:0", https: false,
			headers: map[string][]string{"X-Myheader": {"123"}, "Accept": {"*/*"}},
		},
	}...)

	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			payload := readTestdata(t, tt.file)
			ev, err := lambdahttp.DecodeEvent(payload)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != tt.kind {
				t.Errorf("kind = %v, want %v", ev.Kind, tt.kind)
			}
			r, body := serveRequest(t, lambdahttp.Options{}, string(payload))
			if r.Method != tt.method {
				t.Errorf("method = %q, want %q", r.Method, tt.method)
			}
			if r.URL.Path != tt.path {
				t.Errorf("path = %q, want %q", r.URL.Path, tt.path)
			}
			if r.URL.RawQuery != tt.rawQuery {
				t.Errorf("raw query = %q, want %q", r.URL.RawQuery, tt.rawQuery)
			}
			if r.RequestURI != r.URL.RequestURI() {
				t.Errorf("RequestURI = %q, want %q", r.RequestURI, r.URL.RequestURI())
			}
			q := r.URL.Query()
			if len(q) != len(tt.query) {
				t.Errorf("query = %v, want %v", q, tt.query)
			}
			for k, want := range tt.query {
				if got := q[k]; !slices.Equal(got, want) {
					t.Errorf("query[%q] = %q, want %q", k, got, want)
				}
			}
			if r.Host != tt.host {
				t.Errorf("host = %q, want %q", r.Host, tt.host)
			}
			if r.Header.Get("Host") != "" {
				t.Errorf("Host left in the header map: %q", r.Header.Get("Host"))
			}
			if r.RemoteAddr != tt.remoteAddr {
				t.Errorf("RemoteAddr = %q, want %q", r.RemoteAddr, tt.remoteAddr)
			}
			if (r.TLS != nil) != tt.https {
				t.Errorf("TLS set = %v, want %v", r.TLS != nil, tt.https)
			}
			for k, want := range tt.headers {
				if got := r.Header.Values(k); !slices.Equal(got, want) {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if string(body) != tt.body {
				t.Errorf("body = %q, want %q", body, tt.body)
			}
			if r.ContentLength != int64(len(tt.body)) {
				t.Errorf("ContentLength = %d, want %d", r.ContentLength, len(tt.body))
			}
			if r.ProtoMajor != 1 || r.ProtoMinor != 1 {
				t.Errorf("proto = %s", r.Proto)
			}
			got, ok := lambdahttp.EventFromContext(r.Context())
			if !ok || got.Kind != tt.kind || string(got.Payload) != string(payload) {
				t.Errorf("EventFromContext = %v, %v; want the invocation's event", got, ok)
			}
		})
	}
}

// TestSampleEventsDecode checks that the event in the request context
// decodes into aws-lambda-go's type for its front door.
func TestSampleEventsDecode(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, ev *lambdahttp.Event)
	}{
		{"apigw-request.json", func(t *testing.T, ev *lambdahttp.Event) {
			var e events.APIGatewayProxyRequest
			if err := ev.Decode(&e); err != nil || e.RequestContext.RequestID != "deef4878-7910-11e6-8f14-25afc3e9ae33" {
				t.Errorf("request ID = %q, %v", e.RequestContext.RequestID, err)
			}
		}},
		{"apigw-v2-request-jwt-authorizer.json", func(t *testing.T, ev *lambdahttp.Event) {
			var e events.APIGatewayV2HTTPRequest
			if err := ev.Decode(&e); err != nil || e.RequestContext.Authorizer.JWT.Claims["claim1"] != "value1" {
				t.Errorf("JWT claims = %v, %v", e.RequestContext.Authorizer, err)
			}
		}},
		{"lambda-urls-request.json", func(t *testing.T, ev *lambdahttp.Event) {
			var e events.LambdaFunctionURLRequest
			if err := ev.Decode(&e); err != nil || e.RequestContext.Authorizer.IAM.UserARN != "arn:aws:iam::111122223333:user/example-user" {
				t.Errorf("IAM = %v, %v", e.RequestContext.Authorizer, err)
			}
		}},
		{"alb-lambda-target-request-multivalue-headers.json", func(t *testing.T, ev *lambdahttp.Event) {
			var e events.ALBTargetGroupRequest
			if err := ev.Decode(&e); err != nil || e.RequestContext.ELB.TargetGroupArn == "" {
				t.Errorf("target group = %q, %v", e.RequestContext.ELB.TargetGroupArn, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, _ := serveRequest(t, lambdahttp.Options{}, string(readTestdata(t, tt.file)))
			ev, ok := lambdahttp.EventFromContext(r.Context())
			if !ok {
				t.Fatal("no event in the request context")
			}
			tt.check(t, ev)
		})
	}
}

// TestSampleEventsResponseShape answers every sample event with two cookies
// and checks that the response uses the fields its front door reads.
func TestSampleEventsResponseShape(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<p>hello</p>"))
	})
	tests := []struct {
		file    string
		shape   string // "multi", "single+cookies", "single"
		alb     bool
		cookies []string
	}{
		{"apigw-request.json", "multi", false, []string{"a=1", "b=2"}},
		{"apigw-restapi-openapi-request.json", "multi", false, []string{"a=1", "b=2"}},
		{"apigw-v2-request-iam.json", "single+cookies", false, []string{"a=1", "b=2"}},
		{"apigw-v2-request-jwt-authorizer.json", "single+cookies", false, []string{"a=1", "b=2"}},
		{"apigw-v2-request-lambda-authorizer.json", "single+cookies", false, []string{"a=1", "b=2"}},
		{"apigw-v2-request-no-authorizer.json", "single+cookies", false, []string{"a=1", "b=2"}},
		{"lambda-urls-request.json", "single+cookies", false, []string{"a=1", "b=2"}},
		{"alb-lambda-target-request-headers-only.json", "single", true, []string{"a=1"}},
		{"alb-lambda-target-request-multivalue-headers.json", "multi", true, []string{"a=1", "b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := invoke(t, h, lambdahttp.Options{Logger: discardLogger()}, string(readTestdata(t, tt.file)))
			if res.StatusCode != 200 || string(res.body(t)) != "<p>hello</p>" || res.IsBase64Encoded {
				t.Errorf("got %d %q (base64 %v), want 200 <p>hello</p> as text", res.StatusCode, res.Body, res.IsBase64Encoded)
			}
			var cookies []string
			switch tt.shape {
			case "multi":
				if res.has("headers") || res.has("cookies") {
					t.Errorf("multi-value response also has headers or cookies: %v", res.keys)
				}
				cookies = res.MultiValueHeaders["Set-Cookie"]
			case "single+cookies":
				if res.has("multiValueHeaders") {
					t.Error("payload 2.0 response has multiValueHeaders, which the front door ignores")
				}
				if _, ok := res.Headers["Set-Cookie"]; ok {
					t.Error("Set-Cookie in headers; it belongs in cookies")
				}
				cookies = res.Cookies
			case "single":
				if res.has("multiValueHeaders") || res.has("cookies") {
					t.Errorf("single-value ALB response has %v", res.keys)
				}
				cookies = res.header("Set-Cookie")
			}
			if !slices.Equal(cookies, tt.cookies) {
				t.Errorf("cookies = %q, want %q", cookies, tt.cookies)
			}
			if tt.alb != (res.StatusDescription == "200 OK") {
				t.Errorf("statusDescription = %q (ALB %v)", res.StatusDescription, tt.alb)
			}
			if ct := res.header("Content-Type"); !slices.Equal(ct, []string{"text/html; charset=utf-8"}) {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestInvokeNeverFailsOnSamples(t *testing.T) {
	a := lambdahttp.New(http.NotFoundHandler(), lambdahttp.Options{})
	for _, f := range []string{"apigw-request.json", "lambda-urls-request.json", "alb-lambda-target-request-headers-only.json"} {
		out, err := a.Invoke(context.Background(), readTestdata(t, f))
		if err != nil || decodeResult(t, out).StatusCode != 404 {
			t.Errorf("%s: %s, %v; want a 404 response", f, out, err)
		}
	}
}
