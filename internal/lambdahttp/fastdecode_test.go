package lambdahttp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// comparable is a rawEvent with its header objects as maps, since
// encoding/json gives them in random order.
type comparableEvent struct {
	rawEvent
	headers, multiValueHeaders map[string][]string
	headersNil, multiNil       bool
}

func comparableOf(ev rawEvent) comparableEvent {
	toMap := func(fs fields) map[string][]string {
		m := map[string][]string{}
		for _, f := range fs {
			m[f.key] = f.values
		}
		return m
	}
	if ev.MultiValueHeaders != nil {
		ev.Headers = nil // not read, so the fast decoder leaves it out
	}
	c := comparableEvent{
		headers: toMap(ev.Headers), multiValueHeaders: toMap(ev.MultiValueHeaders),
		headersNil: ev.Headers == nil, multiNil: ev.MultiValueHeaders == nil,
	}
	ev.Headers, ev.MultiValueHeaders = nil, nil
	c.rawEvent = ev
	return c
}

func sampleEvents(t testing.TB) map[string][]byte {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// TestFastDecodeTakesSampleEvents checks that the fast decoder accepts what
// the front doors send, rather than leaving it all to the fallback, and
// agrees with encoding/json on it.
func TestFastDecodeTakesSampleEvents(t *testing.T) {
	extra := map[string]string{
		"escapes":        `{"version":"2.0","rawPath":"/a\"b\\c\/d\u00e9\ud83c\udf89","headers":{"if-none-match":"\"abc\"","x":"tab\there"},"requestContext":{"http":{"method":"GET"}},"body":"line\r\nline"}`,
		"lone surrogate": `{"httpMethod":"GET","path":"/\ud800x\udc00\ud800\u0041","body":"bad \ufffd"}`,
		"invalid UTF-8":  "{\"httpMethod\":\"GET\",\"path\":\"/caf\xe9\",\"body\":\"\xff\xfe\"}",
		"nulls":          `{"httpMethod":"GET","path":null,"headers":null,"multiValueHeaders":null,"queryStringParameters":null,"cookies":null,"body":null,"isBase64Encoded":null,"requestContext":{"elb":null,"identity":null}}`,
		"empty objects":  `{"httpMethod":"GET","headers":{},"multiValueHeaders":{},"multiValueQueryStringParameters":{"a":[]},"cookies":[],"requestContext":{"elb":{}}}`,
		"numbers":        `{"httpMethod":"GET","x":[0,-1,1.5,-0.25e+10,3E-2,12345678901234567890],"y":{"z":[true,false,null,{}]}}`,
	}
	events := sampleEvents(t)
	for name, ev := range extra {
		events[name] = []byte(ev)
	}
	for name, payload := range events {
		t.Run(name, func(t *testing.T) {
			var fast, slow rawEvent
			if !fastDecode(payload, &fast) {
				t.Fatal("fast decoder refused the event")
			}
			if err := jsonDecode(payload, &slow); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			if a, b := comparableOf(fast), comparableOf(slow); !reflect.DeepEqual(a, b) {
				t.Errorf("fast decoder disagrees with encoding/json:\nfast %+v\njson %+v", a, b)
			}
		})
	}
}

func TestFastDecodeBails(t *testing.T) {
	for name, payload := range map[string]string{
		"malformed":             `{"httpMethod":"GET"`,
		"trailing data":         `{"httpMethod":"GET"} x`,
		"key in other case":     `{"HTTPMethod":"GET"}`,
		"repeated key":          `{"path":"/a","path":"/b"}`,
		"repeated header":       `{"headers":{"a":"1","a":"2"}}`,
		"escaped key":           `{"p\u0061th":"/a"}`,
		"number for string":     `{"path":1}`,
		"null header value":     `{"headers":{"a":null}}`,
		"null multi value":      `{"multiValueHeaders":{"a":null}}`,
		"bad escape":            `{"path":"\x"}`,
		"control in string":     "{\"path\":\"a\nb\"}",
		"bad number":            `{"x":01}`,
		"string for bool":       `{"isBase64Encoded":"true"}`,
		"not an object":         `[]`,
		"deeply nested unknown": `{"x":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`,
	} {
		var ev rawEvent
		if fastDecode([]byte(payload), &ev) {
			t.Errorf("%s: fast decoder accepted %.60q", name, payload)
		}
	}
}

// FuzzDecodeEvent holds the fast decoder to encoding/json's results and the
// adapter to always answering with a well-formed response.
func FuzzDecodeEvent(f *testing.F) {
	for _, b := range sampleEvents(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"version":"2.0","rawPath":"/\u00e9","rawQueryString":"a=1&a=2","cookies":["a=1"],"headers":{"x":"\"y\""},"requestContext":{"http":{"method":"GET","sourceIp":"::1"}},"body":"AA==","isBase64Encoded":true}`))
	f.Add([]byte(`{"httpMethod":"HEAD","path":"/prod/x","requestContext":{"stage":"prod","elb":{"targetGroupArn":"a"}},"multiValueHeaders":{"x-forwarded-for":["1.1.1.1, 2.2.2.2"]},"multiValueQueryStringParameters":{"q":["%20","x"]}}`))
	a := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Path", r.URL.Path)
		w.Write([]byte(r.URL.RawQuery))
	}), Options{Logger: discard, StripBasePath: "/prod"})

	f.Fuzz(func(t *testing.T, payload []byte) {
		var fast, slow rawEvent
		okFast := fastDecode(payload, &fast)
		errSlow := jsonDecode(payload, &slow)
		if okFast && fast.headersTooLarge {
			// Headers past the limits are not kept; encoding/json must
			// have found them past the limits too.
			if errSlow == nil && slow.headersFit() {
				t.Fatalf("fast decoder found headers too large that fit: %q", payload)
			}
			okFast = false
		}
		if okFast {
			if errSlow != nil {
				t.Fatalf("fast decoder accepted what encoding/json refuses (%v): %q", errSlow, payload)
			}
			if a, b := comparableOf(fast), comparableOf(slow); !reflect.DeepEqual(a, b) {
				t.Fatalf("fast decoder disagrees with encoding/json on %q:\nfast %+v\njson %+v", payload, a, b)
			}
		}

		out, err := a.Invoke(context.Background(), payload)
		if err != nil {
			t.Fatalf("Invoke error: %v", err)
		}
		var res struct {
			StatusCode int `json:"statusCode"`
		}
		if err := json.Unmarshal(out, &res); err != nil || res.StatusCode < 200 || res.StatusCode > 599 {
			t.Fatalf("response %q: %v", out, err)
		}
	})
}

var discard = slog.New(slog.DiscardHandler)
