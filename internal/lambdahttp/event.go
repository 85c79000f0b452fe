package lambdahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Kind is the front door an event came through. It decides how the request
// is read and which response shape the front door accepts.
type Kind uint8

const (
	// KindUnknown is not an HTTP event this package understands.
	KindUnknown Kind = iota
	// KindAPIGatewayV1 is API Gateway payload format 1.0: a REST API, or an
	// HTTP API configured for the 1.0 format.
	KindAPIGatewayV1
	// KindAPIGatewayV2 is an API Gateway HTTP API with payload format 2.0.
	KindAPIGatewayV2
	// KindFunctionURL is a Lambda Function URL (payload format 2.0).
	KindFunctionURL
	// KindALB is an Application Load Balancer target group without
	// multi-value headers.
	KindALB
	// KindALBMultiValue is an Application Load Balancer target group with
	// multi-value headers enabled; it must be answered with multiValueHeaders.
	KindALBMultiValue
)

var kindNames = [...]string{
	KindUnknown:       "unknown",
	KindAPIGatewayV1:  "apigateway-v1",
	KindAPIGatewayV2:  "apigateway-v2",
	KindFunctionURL:   "function-url",
	KindALB:           "alb",
	KindALBMultiValue: "alb-multivalue",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ErrUnknownEvent is returned by DecodeEvent for well-formed JSON that is
// not an HTTP event from one of the supported front doors.
var ErrUnknownEvent = errors.New("lambdahttp: not an HTTP event from a known front door")

// Event is a decoded front-door event.
type Event struct {
	// Kind is the front door the event came through.
	Kind Kind
	// Payload is the event JSON exactly as received. It is not copied, so it
	// is only valid while the invocation runs; copy it to keep it longer.
	Payload []byte

	raw rawEvent
}

// Decode unmarshals the event into v, typically one of aws-lambda-go's
// events.APIGatewayProxyRequest (KindAPIGatewayV1),
// events.APIGatewayV2HTTPRequest (KindAPIGatewayV2),
// events.LambdaFunctionURLRequest (KindFunctionURL) or
// events.ALBTargetGroupRequest (KindALB, KindALBMultiValue). The adapter
// itself only decodes the fields it needs, so this costs nothing unless the
// application asks for it.
func (e *Event) Decode(v any) error {
	return json.Unmarshal(e.Payload, v)
}

// DecodeEvent decodes an invocation payload and recognises its front door.
// It returns ErrUnknownEvent for JSON that no supported front door sends,
// a wrapped json error for a payload that is not JSON, and the Event with
// ErrHeadersTooLarge for headers that no front door passes on.
func DecodeEvent(payload []byte) (*Event, error) {
	ev := &Event{Payload: payload}
	if !fastDecode(payload, &ev.raw) {
		// Anything the fast decoder does not vouch for, malformed JSON
		// included, gets encoding/json's verdict.
		if err := jsonDecode(payload, &ev.raw); err != nil {
			return nil, fmt.Errorf("lambdahttp: decoding event: %w", err)
		}
	}
	ev.Kind = ev.raw.kind()
	if ev.Kind == KindUnknown {
		return nil, ErrUnknownEvent
	}
	if !ev.raw.headersFit() {
		return ev, ErrHeadersTooLarge
	}
	return ev, nil
}

// rawEvent is the union of the fields the adapter reads from every front
// door. Decoding into one struct lets a single pass both recognise the
// shape and fill in the request.
type rawEvent struct {
	// Payload format 2.0 (HTTP API and Function URLs).
	Version        string
	RouteKey       string
	RawPath        string
	RawQueryString string
	Cookies        []string

	// Payload format 1.0 and ALB.
	HTTPMethod string
	Path       string

	// Header and query objects, in the event's order. MultiValueHeaders
	// is nil when the event has none, and empty but not nil for "{}".
	// Headers is only read, and only decoded, when MultiValueHeaders is nil.
	Headers                         fields
	MultiValueHeaders               fields
	QueryStringParameters           fields
	MultiValueQueryStringParameters fields

	Body            string
	IsBase64Encoded bool
	RequestContext  rawContext

	// headersTooLarge: the fast decoder found the headers past the limits
	// (limits.go) and did not keep them.
	headersTooLarge bool
}

type rawContext struct {
	Stage      string `json:"stage"`
	DomainName string `json:"domainName"`
	Protocol   string `json:"protocol"` // 1.0
	Identity   struct {
		SourceIP string `json:"sourceIp"`
	} `json:"identity"` // 1.0
	HTTP struct {
		Method   string `json:"method"`
		Path     string `json:"path"`
		Protocol string `json:"protocol"`
		SourceIP string `json:"sourceIp"`
	} `json:"http"` // 2.0
	ELB *elbContext `json:"elb"` // ALB only
}

type elbContext struct {
	TargetGroupARN string `json:"targetGroupArn"`
}

// jsonEvent is rawEvent as encoding/json decodes it; the reference for
// the fast decoder.
type jsonEvent struct {
	Version                         string              `json:"version"`
	RouteKey                        string              `json:"routeKey"`
	RawPath                         string              `json:"rawPath"`
	RawQueryString                  string              `json:"rawQueryString"`
	Cookies                         []string            `json:"cookies"`
	HTTPMethod                      string              `json:"httpMethod"`
	Path                            string              `json:"path"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           fields              `json:"queryStringParameters"`
	MultiValueQueryStringParameters fields              `json:"multiValueQueryStringParameters"`
	Body                            string              `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
	RequestContext                  rawContext          `json:"requestContext"`
}

func jsonDecode(payload []byte, raw *rawEvent) error {
	var j jsonEvent
	if err := json.Unmarshal(payload, &j); err != nil {
		return err
	}
	*raw = rawEvent{
		Version: j.Version, RouteKey: j.RouteKey, RawPath: j.RawPath, RawQueryString: j.RawQueryString,
		Cookies: j.Cookies, HTTPMethod: j.HTTPMethod, Path: j.Path,
		QueryStringParameters: j.QueryStringParameters, MultiValueQueryStringParameters: j.MultiValueQueryStringParameters,
		Body: j.Body, IsBase64Encoded: j.IsBase64Encoded, RequestContext: j.RequestContext,
	}
	if j.Headers != nil {
		raw.Headers = make(fields, 0, len(j.Headers))
		for k, v := range j.Headers {
			raw.Headers = append(raw.Headers, field{k, []string{v}})
		}
	}
	if j.MultiValueHeaders != nil {
		raw.MultiValueHeaders = make(fields, 0, len(j.MultiValueHeaders))
		for k, vs := range j.MultiValueHeaders {
			raw.MultiValueHeaders = append(raw.MultiValueHeaders, field{k, vs})
		}
	}
	return nil
}

// kind recognises the front door from the fields only it sends.
func (r *rawEvent) kind() Kind {
	switch {
	case r.RequestContext.ELB != nil:
		if r.HTTPMethod == "" {
			return KindUnknown
		}
		// With multi-value headers enabled the ALB sends only
		// multiValueHeaders, and will read only multiValueHeaders back.
		if r.MultiValueHeaders != nil {
			return KindALBMultiValue
		}
		return KindALB
	case r.Version == "2.0":
		if r.RequestContext.HTTP.Method == "" {
			return KindUnknown
		}
		// Function URLs have neither routes nor stages.
		if r.RouteKey != "" || r.RequestContext.Stage != "" {
			return KindAPIGatewayV2
		}
		return KindFunctionURL
	case r.HTTPMethod != "":
		return KindAPIGatewayV1
	}
	return KindUnknown
}

// field is one header or query parameter with all its values in the order
// sent.
type field struct {
	key    string
	values []string
}

// fields keeps a JSON object of headers or query parameters in the order of
// the event. A Go map would lose that order, and with it the order of the
// query string the client sent. Its UnmarshalJSON, used when encoding/json
// decodes an event, accepts both {"k":"v"} and {"k":["v1","v2"]}.
type fields []field

func (p *fields) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // null
		*p = nil
		return nil
	}
	if tok != json.Delim('{') {
		return errors.New("query parameters are not a JSON object")
	}
	out := fields{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // object keys are always strings
		values, err := fieldValues(dec)
		if err != nil {
			return err
		}
		out = append(out, field{key: key, values: values})
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return err
	}
	*p = out
	return nil
}

// fieldValues reads one value: a string, an array of strings, or null.
func fieldValues(dec *json.Decoder) ([]string, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case json.Delim:
		if v != '[' {
			break
		}
		values := []string{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			s, ok := tok.(string)
			if !ok {
				return nil, errors.New("query parameter value is not a string")
			}
			values = append(values, s)
		}
		_, err := dec.Token() // closing bracket
		return values, err
	}
	return nil, errors.New("query parameter value is not a string or an array")
}
