package lambdahttp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/grailblog/grail/internal/lambdahttp"
)

// A main package serves its handler to Lambda with one line.
func ExampleNew() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello\n")
	})
	lambda.Start(lambdahttp.New(mux, lambdahttp.Options{TrustForwardedHost: true}))
}

func ExampleAdapter_Invoke() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"})
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "%s %s?%s from %s\n", r.Method, r.URL.Path, r.URL.RawQuery, r.Host)
	})
	event := `{
		"version": "2.0", "routeKey": "$default",
		"rawPath": "/posts", "rawQueryString": "b=2&a=1&b=3",
		"headers": {"host": "abc123.execute-api.eu-west-1.amazonaws.com", "x-forwarded-host": "blog.example.org"},
		"requestContext": {"stage": "$default", "http": {"method": "GET", "sourceIp": "198.51.100.7"}},
		"isBase64Encoded": false
	}`
	a := lambdahttp.New(h, lambdahttp.Options{TrustForwardedHost: true})
	out, _ := a.Invoke(context.Background(), []byte(event))
	fmt.Println(string(out))
	// Output:
	// {"statusCode":200,"headers":{"Content-Type":"text/plain; charset=utf-8"},"cookies":["seen=1"],"body":"GET /posts?b=2&a=1&b=3 from blog.example.org\n","isBase64Encoded":false}
}
