package lambdahttp

import "errors"

// MaxHeaders and MaxHeaderBytes bound the request headers of an event,
// counted as a request on the wire carries them ("name: value\r\n" for
// each value, with the cookies of payload 2.0 as one Cookie header). No
// front door passes on more: API Gateway and Function URLs take about
// 10 KB of headers, an ALB 64 KB. An event past them did not come through
// one; it is answered 431 Request Header Fields Too Large, and the fast
// decoder stops keeping its headers as soon as it is over (a payload may
// be 6 MB).
const (
	MaxHeaders     = 2048
	MaxHeaderBytes = 64 << 10
)

// ErrHeadersTooLarge is returned by DecodeEvent, with the Event, for an
// event whose headers are past MaxHeaders or MaxHeaderBytes: the caller
// answers it 431 in the shape of its front door.
var ErrHeadersTooLarge = errors.New("lambdahttp: request headers too large")

// headerBudget counts headers against MaxHeaders and MaxHeaderBytes. A nil
// budget counts nothing and is never spent.
type headerBudget struct {
	count, bytes int
}

func (b *headerBudget) spent() bool {
	return b != nil && (b.count > MaxHeaders || b.bytes > MaxHeaderBytes)
}

func (b *headerBudget) charge(name string, values []string) {
	if b == nil {
		return
	}
	for _, v := range values {
		b.count++
		b.bytes += len(name) + len(": ") + len(v) + len("\r\n")
	}
}

// headersFit tells whether the headers the request gets (those of
// fillHeader) are within the limits.
func (r *rawEvent) headersFit() bool {
	if r.headersTooLarge {
		return false
	}
	var b headerBudget
	kept := r.Headers
	if r.MultiValueHeaders != nil {
		kept = r.MultiValueHeaders
	}
	for _, f := range kept {
		if b.charge(f.key, f.values); b.spent() {
			return false
		}
	}
	if len(r.Cookies) > 0 {
		b.count++
		b.bytes += len("Cookie: \r\n")
		for _, c := range r.Cookies {
			b.bytes += len(c) + len("; ")
		}
	}
	return !b.spent()
}
