package lambdahttp

// fastDecode decodes an event in the shape the front doors send without
// reflection or maps: encoding/json spends most of an invocation's time on
// a cached page building header maps that are thrown away.
//
// It reports false as soon as the payload strays from that shape: malformed
// JSON, a known key in another letter case or repeated, a value of an
// unexpected type, a null where the front doors never send one. The caller
// then falls back to encoding/json. Whenever it reports true, the result is
// what encoding/json would have decoded; the fuzz test holds it to that.
// The one exception is headers past the limits (limits.go): they are
// checked but not kept, and headersTooLarge says so.
func fastDecode(data []byte, ev *rawEvent) bool {
	*ev = rawEvent{}
	d := scanner{data: data}
	var budget headerBudget
	defer func() { ev.headersTooLarge = budget.spent() }()
	var seen uint32
	var headers []byte // the headers object, decoded only if needed
	ok := d.object(func(key []byte) bool {
		i := lookup(eventKeys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		if eventKeys[i] == "headers" {
			d.space()
			start := d.i
			ok := d.skip()
			headers = data[start:d.i]
			return ok
		}
		return d.eventField(i, ev, &budget)
	})
	d.space()
	if !ok || d.i != len(data) {
		return false
	}
	// Payload 1.0 repeats every header in multiValueHeaders, which is all
	// the adapter reads when it is there.
	if headers != nil && ev.MultiValueHeaders == nil {
		h := scanner{data: headers}
		return h.fields(&ev.Headers, false, headersHint, &budget) && h.i == len(headers)
	}
	return true
}

// Keys are matched exactly. encoding/json would also take them in another
// letter case; lookup reports those as foldedKey so that the decoder bails.
const (
	unknownKey = -1
	foldedKey  = -2
)

var eventKeys = []string{
	"version", "routeKey", "rawPath", "rawQueryString", "cookies",
	"httpMethod", "path", "headers", "multiValueHeaders",
	"queryStringParameters", "multiValueQueryStringParameters",
	"body", "isBase64Encoded", "requestContext",
}

func lookup(keys []string, key []byte) int {
	for i, k := range keys {
		if k == string(key) {
			return i
		}
	}
	for _, k := range keys {
		if equalFoldASCII(k, key) {
			return foldedKey
		}
	}
	return unknownKey
}

// equalFoldASCII is strings.EqualFold for the ASCII keys plainKey lets
// through, without converting key to a string.
func equalFoldASCII(k string, key []byte) bool {
	if len(k) != len(key) {
		return false
	}
	for i := range len(k) {
		a, b := k[i], key[i]
		if a == b {
			continue
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

func (d *scanner) eventField(i int, ev *rawEvent, budget *headerBudget) bool {
	switch eventKeys[i] {
	case "version":
		return d.stringOrNull(&ev.Version)
	case "routeKey":
		return d.stringOrNull(&ev.RouteKey)
	case "rawPath":
		return d.stringOrNull(&ev.RawPath)
	case "rawQueryString":
		return d.stringOrNull(&ev.RawQueryString)
	case "cookies":
		return d.stringArray(&ev.Cookies)
	case "httpMethod":
		return d.stringOrNull(&ev.HTTPMethod)
	case "path":
		return d.stringOrNull(&ev.Path)
	case "multiValueHeaders":
		return d.fields(&ev.MultiValueHeaders, true, headersHint, budget)
	case "queryStringParameters":
		return d.fields(&ev.QueryStringParameters, false, 0, nil)
	case "multiValueQueryStringParameters":
		return d.fields(&ev.MultiValueQueryStringParameters, true, 0, nil)
	case "body":
		return d.stringOrNull(&ev.Body)
	case "isBase64Encoded":
		return d.boolOrNull(&ev.IsBase64Encoded)
	case "requestContext":
		return d.requestContext(&ev.RequestContext)
	}
	return false
}

var (
	contextKeys  = []string{"stage", "domainName", "protocol", "identity", "http", "elb"}
	identityKeys = []string{"sourceIp"}
	httpKeys     = []string{"method", "path", "protocol", "sourceIp"}
	elbKeys      = []string{"targetGroupArn"}
)

func (d *scanner) requestContext(rc *rawContext) bool {
	if d.null() {
		return true
	}
	var seen uint32
	return d.object(func(key []byte) bool {
		i := lookup(contextKeys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		switch contextKeys[i] {
		case "stage":
			return d.stringOrNull(&rc.Stage)
		case "domainName":
			return d.stringOrNull(&rc.DomainName)
		case "protocol":
			return d.stringOrNull(&rc.Protocol)
		case "identity":
			return d.stringFields(identityKeys, &rc.Identity.SourceIP)
		case "http":
			h := &rc.HTTP
			return d.stringFields(httpKeys, &h.Method, &h.Path, &h.Protocol, &h.SourceIP)
		case "elb":
			if d.null() {
				return true
			}
			rc.ELB = new(elbContext)
			return d.stringFields(elbKeys, &rc.ELB.TargetGroupARN)
		}
		return false
	})
}

// stringFields decodes an object whose interesting members are all
// strings: keys[i] into dst[i]. A null object leaves them as they are.
func (d *scanner) stringFields(keys []string, dst ...*string) bool {
	if d.null() {
		return true
	}
	var seen uint32
	return d.object(func(key []byte) bool {
		i := lookup(keys, key)
		if i < 0 || seen&(1<<i) != 0 {
			return i == unknownKey && d.skip()
		}
		seen |= 1 << i
		return d.stringOrNull(dst[i])
	})
}
