package lambdahttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
)

// Options configure an Adapter. The zero value suits a function answering
// on its own API Gateway, Function URL or ALB address.
type Options struct {
	// StripBasePath is removed from the start of every request path, as a
	// whole path segment ("/blog" turns "/blog/post" into "/post" but
	// leaves "/blogroll"). Set it to the base path of an API Gateway
	// custom-domain mapping, or to the path an ALB rule forwards.
	StripBasePath string

	// KeepStage turns off removing the API Gateway stage ("/prod") from the
	// start of the path. Invoked through its execute-api URL, a named stage
	// is part of the path; the application's routes do not know about it.
	KeepStage bool

	// TrustForwardedHost takes r.Host from X-Forwarded-Host when present.
	// Set it only when a proxy that overwrites that header, such as a
	// CloudFront function, stands in front of every way into the function;
	// otherwise any client can choose the host the application sees.
	TrustForwardedHost bool

	// Overflow receives response bodies too large for the front door; the
	// client is redirected to the URL it returns. Without it such
	// responses are answered with 502 Bad Gateway.
	Overflow Overflow

	// MaxResponseBytes is the largest response JSON for API Gateway and
	// Function URLs; zero means DefaultMaxResponseBytes.
	MaxResponseBytes int

	// MaxALBResponseBytes is the largest response JSON for an ALB; zero
	// means DefaultMaxALBResponseBytes.
	MaxALBResponseBytes int

	// Logger receives the adapter's own problems: rejected events, handler
	// panics, failed overflows. Nil means slog.Default().
	Logger *slog.Logger
}

// Adapter serves an http.Handler to Lambda invocations. It implements
// aws-lambda-go's lambda.Handler, so lambda.Start(adapter) runs it. It is
// safe for concurrent use.
type Adapter struct {
	h        http.Handler
	opts     Options
	basePath string // normalised StripBasePath: "/blog" or ""
	log      *slog.Logger
}

// New returns an Adapter serving h.
func New(h http.Handler, opts Options) *Adapter {
	a := &Adapter{h: h, opts: opts, basePath: normaliseBasePath(opts.StripBasePath), log: opts.Logger}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.opts.MaxResponseBytes <= 0 {
		a.opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if a.opts.MaxALBResponseBytes <= 0 {
		a.opts.MaxALBResponseBytes = DefaultMaxALBResponseBytes
	}
	return a
}

func normaliseBasePath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), "/")
	if p == "" {
		return ""
	}
	return "/" + p
}

// Invoke handles one Lambda invocation: it decodes the event, serves the
// request and returns the response JSON for the event's front door.
//
// It never returns an error: an event it cannot serve is answered with a
// 400 response, a handler panic with 500, and an oversized response it
// cannot spill with 502, each with a log line. Returning an error instead
// would make the front door answer an opaque 502 of its own.
func (a *Adapter) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	ev, err := DecodeEvent(payload)
	if errors.Is(err, ErrHeadersTooLarge) {
		a.logAttrs(ctx, slog.LevelWarn, "lambdahttp: rejected event", slog.String("kind", ev.Kind.String()), slog.String("error", err.Error()))
		return EncodeResponse(nil, ev.Kind, plainResponse(http.StatusRequestHeaderFieldsTooLarge, "Request Header Fields Too Large")), nil
	}
	if err != nil {
		a.logAttrs(ctx, slog.LevelWarn, "lambdahttp: rejected event", slog.String("error", err.Error()))
		return EncodeResponse(nil, KindUnknown, plainResponse(http.StatusBadRequest, "Bad Request: not an HTTP event")), nil
	}
	req, err := a.NewRequest(ctx, ev)
	if err != nil {
		a.logAttrs(ctx, slog.LevelWarn, "lambdahttp: rejected request",
			slog.String("kind", ev.Kind.String()), slog.String("error", err.Error()))
		return EncodeResponse(nil, ev.Kind, plainResponse(http.StatusBadRequest, "Bad Request")), nil
	}
	w := getWriter(req.Method == http.MethodHead)
	resp := a.serve(w, req)
	out, spilled := a.encode(ctx, ev.Kind, req, resp)
	if !spilled { // a spilled body may be large; let it go
		putWriter(w)
	}
	return out, nil
}

// serve runs the handler, turning a panic into a 500 response.
func (a *Adapter) serve(w *responseWriter, req *http.Request) (resp *Response) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		attrs := []slog.Attr{slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Any("panic", v)}
		// http.ErrAbortHandler is net/http's quiet way to abort; it has no
		// stack worth logging.
		if err, ok := v.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			attrs = append(attrs, slog.String("stack", string(debug.Stack())))
		}
		a.logAttrs(req.Context(), slog.LevelError, "lambdahttp: handler panicked", attrs...)
		resp = plainResponse(http.StatusInternalServerError, "Internal Server Error")
	}()
	a.h.ServeHTTP(w, req)
	return w.response()
}

// encode returns the response JSON, spilling bodies too large for the front
// door to the Overflow.
func (a *Adapter) encode(ctx context.Context, kind Kind, req *http.Request, resp *Response) (out []byte, spilled bool) {
	if kind == KindALB && len(resp.Header.Values("Set-Cookie")) > 1 {
		a.logAttrs(ctx, slog.LevelWarn, "lambdahttp: ALB without multi-value headers can send only the first Set-Cookie",
			slog.String("path", req.URL.Path), slog.Int("cookies", len(resp.Header.Values("Set-Cookie"))))
	}
	limit := a.opts.MaxResponseBytes
	if kind == KindALB || kind == KindALBMultiValue {
		limit = a.opts.MaxALBResponseBytes
	}
	// Encoding never shrinks a body, so a body over the limit need not be
	// encoded to know it will not fit.
	if len(resp.Body) <= limit {
		out = EncodeResponse(make([]byte, 0, encodedSizeHint(resp)), kind, resp)
		if len(out) <= limit {
			return out, false
		}
	}
	return a.spill(ctx, kind, req, resp, limit), true
}

// spill hands an oversized body to the Overflow and redirects the client to
// it with 303 See Other, which makes every client fetch it with GET.
func (a *Adapter) spill(ctx context.Context, kind Kind, req *http.Request, resp *Response, limit int) []byte {
	attrs := []slog.Attr{
		slog.String("path", req.URL.Path), slog.Int("status", resp.StatusCode),
		slog.Int("bytes", len(resp.Body)), slog.Int("limit", limit),
	}
	if a.opts.Overflow == nil {
		a.logAttrs(ctx, slog.LevelError, "lambdahttp: response too large and no overflow configured", attrs...)
		return EncodeResponse(nil, kind, plainResponse(http.StatusBadGateway, "Bad Gateway: response too large"))
	}
	url, err := a.opts.Overflow.Spill(ctx, resp.Body, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
	if err != nil {
		a.logAttrs(ctx, slog.LevelError, "lambdahttp: storing oversized response failed", append(attrs, slog.String("error", err.Error()))...)
		return EncodeResponse(nil, kind, plainResponse(http.StatusBadGateway, "Bad Gateway: response too large and could not be stored"))
	}
	a.logAttrs(ctx, slog.LevelInfo, "lambdahttp: oversized response redirected to overflow", attrs...)
	h := http.Header{
		"Location": {url},
		// The URL expires soon: no cache, CloudFront included, may keep
		// the redirect.
		"Cache-Control": {"no-store"},
	}
	if cookies := resp.Header.Values("Set-Cookie"); len(cookies) > 0 {
		h["Set-Cookie"] = cookies // a login must not be lost to the redirect
	}
	return EncodeResponse(nil, kind, &Response{StatusCode: http.StatusSeeOther, Header: h})
}

// logAttrs logs with the Lambda request ID, which ties the line to the
// invocation in CloudWatch.
func (a *Adapter) logAttrs(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if lc, ok := LambdaContextFromContext(ctx); ok {
		attrs = append(attrs, slog.String("aws_request_id", lc.AwsRequestID))
	}
	a.log.LogAttrs(ctx, level, msg, attrs...)
}
