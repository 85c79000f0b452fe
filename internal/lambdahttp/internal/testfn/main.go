// Command testfn is a Lambda function for the adapter's end-to-end tests:
// the real aws-lambda-go runtime loop serving a small handler through
// lambdahttp. Build it with -tags lambda.norpc and run it with
// AWS_LAMBDA_RUNTIME_API pointing at a runtime API emulator. When
// TESTFN_OVERFLOW is set, oversized responses are spilled to the
// memoverflow store at that URL.
//
// Routes:
//
//	/query    echoes the raw query and the values of "foo" as JSON
//	/cookies  sets two cookies
//	/binary   serves Pattern(1024) as application/octet-stream
//	/big      serves Pattern(10 MiB) as application/octet-stream
//	/panic    panics
package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/grailblog/grail/internal/lambdahttp"
	"github.com/grailblog/grail/internal/lambdahttp/internal/memoverflow"
)

func main() {
	opts := lambdahttp.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	if url := os.Getenv("TESTFN_OVERFLOW"); url != "" {
		opts.Overflow = memoverflow.Client{Endpoint: url}
	}
	lambda.Start(lambdahttp.New(handler(), opts))
}

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/query", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{ //nolint:errcheck
			"raw": r.URL.RawQuery,
			"foo": r.URL.Query()["foo"],
		})
	})
	mux.HandleFunc("/cookies", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2", Path: "/", HttpOnly: true})
		w.Write([]byte("two cookies\n")) //nolint:errcheck
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(memoverflow.Pattern(1024)) //nolint:errcheck
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(memoverflow.Pattern(10 << 20)) //nolint:errcheck
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		panic("testfn: asked to panic")
	})
	return mux
}
