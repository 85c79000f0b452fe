// Package lambdahttp runs an http.Handler as an AWS Lambda function behind
// API Gateway (REST API, payload 1.0; HTTP API, payload 2.0), Lambda Function
// URLs and Application Load Balancers.
//
// An Adapter implements the aws-lambda-go lambda.Handler interface, so
//
//	lambda.Start(lambdahttp.New(handler, lambdahttp.Options{}))
//
// is all a main package needs. Each invocation goes through three steps that
// are also exported on their own: DecodeEvent recognises the front door from
// the raw event, Adapter.NewRequest turns it into an *http.Request, and
// EncodeResponse turns the buffered response back into the JSON that front
// door expects.
//
// The package knows nothing about the application it serves. What it does
// take care of is the set of details in which the front doors differ from a
// plain net/http server: the query string order, repeated headers and
// cookies, stage and base-path prefixes, the client address, the scheme,
// base64 bodies, and the response size limits (see Overflow).
package lambdahttp
