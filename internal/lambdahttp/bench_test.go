package lambdahttp_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/grailblog/grail/internal/lambdahttp"
)

// A browser's GET of a blog page as each front door delivers it behind
// CloudFront: the headers a real request carries, a query string, cookies.
const (
	benchV1  = `{"resource":"/{proxy+}","path":"/2024/05/hello-world/","httpMethod":"GET","headers":{"Accept":"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8","Accept-Encoding":"gzip, deflate, br","Accept-Language":"en-GB,en;q=0.9","CloudFront-Forwarded-Proto":"https","CloudFront-Is-Desktop-Viewer":"true","CloudFront-Viewer-Country":"GB","Cookie":"theme=dark; seen=1","Host":"abc123.execute-api.eu-west-1.amazonaws.com","User-Agent":"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0","Via":"2.0 0f1e2d.cloudfront.net (CloudFront)","X-Amz-Cf-Id":"pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A==","X-Amzn-Trace-Id":"Root=1-66500000-0123456789abcdef01234567","X-Forwarded-For":"198.51.100.10, 130.176.0.1","X-Forwarded-Host":"blog.example.org","X-Forwarded-Port":"443","X-Forwarded-Proto":"https"},"multiValueHeaders":{"Accept":["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],"Accept-Encoding":["gzip, deflate, br"],"Accept-Language":["en-GB,en;q=0.9"],"CloudFront-Forwarded-Proto":["https"],"CloudFront-Is-Desktop-Viewer":["true"],"CloudFront-Viewer-Country":["GB"],"Cookie":["theme=dark; seen=1"],"Host":["abc123.execute-api.eu-west-1.amazonaws.com"],"User-Agent":["Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"],"Via":["2.0 0f1e2d.cloudfront.net (CloudFront)"],"X-Amz-Cf-Id":["pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A=="],"X-Amzn-Trace-Id":["Root=1-66500000-0123456789abcdef01234567"],"X-Forwarded-For":["198.51.100.10, 130.176.0.1"],"X-Forwarded-Host":["blog.example.org"],"X-Forwarded-Port":["443"],"X-Forwarded-Proto":["https"]},"queryStringParameters":{"ref":"feed"},"multiValueQueryStringParameters":{"ref":["feed"]},"pathParameters":{"proxy":"2024/05/hello-world/"},"stageVariables":null,"requestContext":{"accountId":"123456789012","resourceId":"abcdef","stage":"prod","domainName":"abc123.execute-api.eu-west-1.amazonaws.com","requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","protocol":"HTTP/1.1","identity":{"sourceIp":"130.176.0.1","userAgent":"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"},"resourcePath":"/{proxy+}","httpMethod":"GET","requestTime":"09/Apr/2015:12:34:56 +0000","requestTimeEpoch":1428582896000,"apiId":"abc123"},"body":null,"isBase64Encoded":false}`
	benchV2  = `{"version":"2.0","routeKey":"$default","rawPath":"/2024/05/hello-world/","rawQueryString":"ref=feed","cookies":["theme=dark","seen=1"],"headers":{"accept":"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8","accept-encoding":"gzip, deflate, br","accept-language":"en-GB,en;q=0.9","cloudfront-forwarded-proto":"https","cloudfront-is-desktop-viewer":"true","cloudfront-viewer-country":"GB","host":"abc123.execute-api.eu-west-1.amazonaws.com","user-agent":"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0","via":"2.0 0f1e2d.cloudfront.net (CloudFront)","x-amz-cf-id":"pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A==","x-amzn-trace-id":"Root=1-66500000-0123456789abcdef01234567","x-forwarded-for":"198.51.100.10, 130.176.0.1","x-forwarded-host":"blog.example.org","x-forwarded-port":"443","x-forwarded-proto":"https"},"queryStringParameters":{"ref":"feed"},"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com","domainPrefix":"abc123","http":{"method":"GET","path":"/2024/05/hello-world/","protocol":"HTTP/1.1","sourceIp":"130.176.0.1","userAgent":"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"},"requestId":"LV7fzho-PHcEJPw=","routeKey":"$default","stage":"$default","time":"21/Apr/2024:15:08:21 +0000","timeEpoch":1713712101067},"isBase64Encoded":false}`
	benchALB = `{"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/grail/abcdef"}},"httpMethod":"GET","path":"/2024/05/hello-world/","multiValueQueryStringParameters":{"ref":["feed"]},"multiValueHeaders":{"accept":["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],"accept-encoding":["gzip, deflate, br"],"accept-language":["en-GB,en;q=0.9"],"cookie":["theme=dark; seen=1"],"host":["blog.example.org"],"user-agent":["Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"],"via":["2.0 0f1e2d.cloudfront.net (CloudFront)"],"x-amz-cf-id":["pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A=="],"x-amzn-trace-id":["Root=1-66500000-0123456789abcdef01234567"],"x-forwarded-for":["198.51.100.10, 130.176.0.1"],"x-forwarded-port":["443"],"x-forwarded-proto":["https"]},"body":"","isBase64Encoded":false}`
)

// benchPage is a pre-rendered ~20 KB article page, the kind of body a
// cached page is.
var benchPage = func() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Hello, world — grail</title>\n<link rel=\"stylesheet\" href=\"/css/site.css\"></head>\n<body>\n<article class=\"post\">\n")
	for b.Len() < 20<<10 {
		b.WriteString("<p>Lorem ipsum dolor sit amet, \"consectetur\" adipiscing elit. Café, naïve, résumé — <a href=\"/tags/go/\">Go</a> &amp; <code>net/http</code>.</p>\n")
	}
	b.WriteString("</article>\n</body>\n</html>\n")
	return []byte(b.String())
}()

// cachedPage serves benchPage with the headers a cached page carries.
var cachedPage = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300, stale-while-revalidate=60")
	h.Set("Etag", `"5f1e2d3c4b5a"`)
	h.Set("Last-Modified", "Tue, 14 May 2024 09:00:00 GMT")
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(benchPage)
})

func benchmarkInvoke(b *testing.B, payload string, opts lambdahttp.Options) {
	a := lambdahttp.New(cachedPage, opts)
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"})
	in := []byte(payload)
	out, err := a.Invoke(ctx, in)
	if res := decodeResult(b, out); err != nil || res.StatusCode != 200 || len(res.Body) != len(benchPage) {
		b.Fatalf("not the cached page: %v %d %d", err, res.StatusCode, len(res.Body))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Invoke(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInvokeV1CachedPage(b *testing.B) {
	benchmarkInvoke(b, benchV1, lambdahttp.Options{TrustForwardedHost: true})
}

func BenchmarkInvokeV2CachedPage(b *testing.B) {
	benchmarkInvoke(b, benchV2, lambdahttp.Options{TrustForwardedHost: true})
}

func BenchmarkInvokeALBCachedPage(b *testing.B) {
	benchmarkInvoke(b, benchALB, lambdahttp.Options{})
}

// The steps of an invocation on their own, for the 2.0 page.

func BenchmarkDecodeEventV2(b *testing.B) {
	in := []byte(benchV2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lambdahttp.DecodeEvent(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewRequestV2(b *testing.B) {
	ev, err := lambdahttp.DecodeEvent([]byte(benchV2))
	if err != nil {
		b.Fatal(err)
	}
	a := lambdahttp.New(cachedPage, lambdahttp.Options{TrustForwardedHost: true})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.NewRequest(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponseV2(b *testing.B) {
	resp := &lambdahttp.Response{StatusCode: 200, Header: http.Header{
		"Content-Type":           {"text/html; charset=utf-8"},
		"Cache-Control":          {"public, max-age=300, stale-while-revalidate=60"},
		"Etag":                   {`"5f1e2d3c4b5a"`},
		"Last-Modified":          {"Tue, 14 May 2024 09:00:00 GMT"},
		"Vary":                   {"Accept-Encoding"},
		"X-Content-Type-Options": {"nosniff"},
	}, Body: benchPage}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = lambdahttp.EncodeResponse(buf[:0], lambdahttp.KindAPIGatewayV2, resp)
	}
}
