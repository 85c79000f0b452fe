package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// v2Headers is a payload 2.0 event with n headers x-h0 … x-h<n-1>, in an
// object named key ("headers", or another case to make the fast decoder
// give way to encoding/json).
func v2Headers(n int, key string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"version":"2.0","rawPath":"/","rawQueryString":"","%s":{`, key)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"x-h%d":"v"`, i)
	}
	b.WriteString(`},"requestContext":{"http":{"method":"GET","path":"/"}}}`)
	return []byte(b.String())
}

// v1MultiHeaders is a payload 1.0 event with n multi-value headers.
func v1MultiHeaders(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"httpMethod":"GET","path":"/","multiValueHeaders":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"x-h%d":["v"]`, i)
	}
	b.WriteString(`},"requestContext":{"stage":"prod"}}`)
	return []byte(b.String())
}

// A hundred thousand headers once took half a minute to decode (each key
// was compared with all before it). Such an event is refused 431, in the
// front door's shape, before its handler runs, whichever decoder reads it;
// the fast decoder, which reads what the front doors send, refuses it
// within a second.
func TestHugeHeaderEventsAreRefused(t *testing.T) {
	called := false
	a := New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }), Options{Logger: discard})
	for name, tc := range map[string]struct {
		payload []byte
		kind    Kind
	}{
		"2.0":                            {v2Headers(100_000, "headers"), KindAPIGatewayV2},
		"2.0 through encoding/json":      {v2Headers(100_000, "Headers"), KindAPIGatewayV2},
		"1.0 multi-value":                {v1MultiHeaders(100_000), KindAPIGatewayV1},
		"one header past the bytes":      {[]byte(`{"version":"2.0","headers":{"x":"` + strings.Repeat("a", MaxHeaderBytes) + `"},"requestContext":{"http":{"method":"GET"}}}`), KindFunctionURL},
		"cookies past the bytes":         {[]byte(`{"version":"2.0","cookies":["a=` + strings.Repeat("a", MaxHeaderBytes) + `"],"requestContext":{"http":{"method":"GET"}}}`), KindFunctionURL},
		"one more than MaxHeaders":       {v2Headers(MaxHeaders+1, "headers"), KindAPIGatewayV2},
		"one more through encoding/json": {v2Headers(MaxHeaders+1, "Headers"), KindAPIGatewayV2},
	} {
		if strings.Contains(string(tc.payload), `"2.0","rawPath"`) {
			tc.payload = []byte(strings.Replace(string(tc.payload), `"rawPath":"/"`, `"routeKey":"$default","rawPath":"/"`, 1))
		}
		start := time.Now()
		ev, err := DecodeEvent(tc.payload)
		took := time.Since(start)
		if !errors.Is(err, ErrHeadersTooLarge) || ev == nil || ev.Kind != tc.kind {
			t.Errorf("%s: DecodeEvent = %v, %v; want %s and ErrHeadersTooLarge", name, ev, err, tc.kind)
			continue
		}
		// encoding/json, which reads events the fast decoder gives way on,
		// is linear but slow: only the fast decoder is held to a time.
		if took > time.Second && !strings.Contains(name, "encoding/json") {
			t.Errorf("%s: refused after %v, want well under a second", name, took)
		}
		out, err := a.Invoke(context.Background(), tc.payload)
		var res struct {
			StatusCode int `json:"statusCode"`
		}
		if err != nil || json.Unmarshal(out, &res) != nil || res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%s: Invoke = %.200s, %v; want statusCode 431", name, out, err)
		}
	}
	if called {
		t.Error("the handler ran for an event refused as too large")
	}
	// The fast decoder keeps nothing of headers past the limits.
	var raw rawEvent
	if !fastDecode(v2Headers(100_000, "headers"), &raw) || !raw.headersTooLarge || raw.Headers != nil {
		t.Errorf("fast decoder kept %d headers of 100,000 (too large: %v)", len(raw.Headers), raw.headersTooLarge)
	}
}

func TestHeadersAtTheLimitsAreServed(t *testing.T) {
	for name, payload := range map[string][]byte{
		"MaxHeaders":              v2Headers(MaxHeaders, "headers"),
		"MaxHeaders, multi-value": v1MultiHeaders(MaxHeaders),
	} {
		ev, err := DecodeEvent(payload)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		req, err := New(http.NotFoundHandler(), Options{}).NewRequest(context.Background(), ev)
		if err != nil || req.Header.Get("X-H0") != "v" || req.Header.Get(fmt.Sprintf("X-H%d", MaxHeaders-1)) != "v" {
			t.Errorf("%s: request %v, %v; want the first and the last header", name, req.Header.Get("X-H0"), err)
		}
	}
}

// A key repeated after many others is still found (it is where the key
// set turns into a map), and many distinct query parameters decode in
// linear time.
func TestManyKeys(t *testing.T) {
	dup := strings.Replace(string(v2Headers(3*keySetScan, "headers")), `"x-h1":"v"`, `"x-h95":"v"`, 1)
	var raw rawEvent
	if fastDecode([]byte(dup), &raw) {
		t.Errorf("fast decoder took a header repeated after %d others", 3*keySetScan)
	}
	if ev, err := DecodeEvent([]byte(dup)); err != nil || len(ev.raw.Headers) != 3*keySetScan-1 {
		t.Errorf("DecodeEvent of a repeated header: %v; want encoding/json's verdict", err)
	}

	var b strings.Builder
	b.WriteString(`{"httpMethod":"GET","path":"/","queryStringParameters":{`)
	for i := range 50_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"q%d":"v"`, i)
	}
	b.WriteString(`},"requestContext":{"stage":"prod"}}`)
	start := time.Now()
	ev, err := DecodeEvent([]byte(b.String()))
	// Quadratic, this took about 30 s; linear, well under a second.
	if took := time.Since(start); err != nil || len(ev.raw.QueryStringParameters) != 50_000 || took > 5*time.Second {
		t.Errorf("50,000 query parameters: %v after %v; want them all, in linear time", err, took)
	}
}
