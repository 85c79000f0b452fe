// Package runtimeapi is an emulator of the AWS Lambda Runtime API for tests.
//
// It implements the interface a custom runtime such as aws-lambda-go's
// lambda.Start talks to (version 2018-06-01):
//
//	GET  /2018-06-01/runtime/invocation/next            long poll for the next event
//	POST /2018-06-01/runtime/invocation/{id}/response   the function's result
//	POST /2018-06-01/runtime/invocation/{id}/error      the function's error
//	POST /2018-06-01/runtime/init/error                 a failure before the first poll
//
// A test starts the emulator, starts the function with AWS_LAMBDA_RUNTIME_API
// set to Addr, and calls Invoke, which plays the part of the Lambda service:
// it queues the event and waits for the function's answer.
package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	// MaxResponseBytes is Lambda's limit on a synchronous response; the
	// emulator refuses larger ones as the service does.
	MaxResponseBytes = 6 << 20

	// DefaultTimeout is the invocation deadline sent to the function when
	// Invoke's context has none.
	DefaultTimeout = 30 * time.Second

	// FunctionARN is the function ARN sent with every invocation.
	FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:emulated"

	prefix = "/2018-06-01/runtime/"
)

// ErrClosed is returned by Invoke once the emulator is closed.
var ErrClosed = errors.New("runtimeapi: emulator closed")

// Error is an error the function reported through the Runtime API.
type Error struct {
	Init    bool   // reported through /init/error rather than for an invocation
	Type    string // errorType, e.g. "Runtime.ExitError", or "Function.ResponseSizeTooLarge"
	Message string // errorMessage
	Body    []byte // the error document as posted
}

func (e *Error) Error() string {
	phase := "invocation"
	if e.Init {
		phase = "init"
	}
	return fmt.Sprintf("runtimeapi: function %s error %s: %s", phase, e.Type, e.Message)
}

// Emulator is a Runtime API server on 127.0.0.1.
type Emulator struct {
	ln  net.Listener
	srv *http.Server

	queue  chan *invocation // unbuffered: an event waits for a poller
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	pending  map[string]*invocation // handed out, awaiting an answer
	initErr  *Error
	initDone chan struct{} // closed when an init error arrives
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	result   chan result // buffered: the answer never blocks the server
}

type result struct {
	body []byte
	err  error
}

// TB is the part of a test (testing.TB) that Start needs. The package
// does not import testing, so that only test binaries link testing.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start starts an emulator on a free port of 127.0.0.1 and closes it when
// the test ends.
func Start(t TB) *Emulator {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("runtimeapi: %v", err)
	}
	e := &Emulator{
		ln:       ln,
		queue:    make(chan *invocation),
		closed:   make(chan struct{}),
		pending:  make(map[string]*invocation),
		initDone: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"invocation/next", e.next)
	mux.HandleFunc("POST "+prefix+"invocation/{id}/response", e.postResponse)
	mux.HandleFunc("POST "+prefix+"invocation/{id}/error", e.postError)
	mux.HandleFunc("POST "+prefix+"init/error", e.postInitError)
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go e.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	t.Cleanup(e.Close)
	return e
}

// Addr is the host:port to put in AWS_LAMBDA_RUNTIME_API.
func (e *Emulator) Addr() string { return e.ln.Addr().String() }

// Close stops the server. Pending Invoke calls return ErrClosed, and a
// function polling for the next event gets an error, on which aws-lambda-go
// exits.
func (e *Emulator) Close() {
	e.once.Do(func() {
		close(e.closed)
		e.srv.Close()
	})
}

// Invoke sends payload to the function and waits for its response. It
// returns an *Error if the function reports one (or failed to initialise),
// and ctx's error if ctx ends first. The invocation's deadline is ctx's, or
// DefaultTimeout from now.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inv := &invocation{id: newID(), payload: payload, result: make(chan result, 1)}
	inv.deadline = time.Now().Add(DefaultTimeout)
	if d, ok := ctx.Deadline(); ok {
		inv.deadline = d
	}
	select {
	case e.queue <- inv:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-e.initDone:
		return nil, e.initFailure()
	case <-e.closed:
		return nil, ErrClosed
	}
	defer e.forget(inv.id)
	select {
	case r := <-inv.result:
		return r.body, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-e.initDone:
		return nil, e.initFailure()
	case <-e.closed:
		return nil, ErrClosed
	}
}

// initFailure is the init error; call it only once initDone is closed.
func (e *Emulator) initFailure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.initErr
}

func (e *Emulator) forget(id string) {
	e.mu.Lock()
	delete(e.pending, id)
	e.mu.Unlock()
}

// take removes and returns the pending invocation id, or nil.
func (e *Emulator) take(id string) *invocation {
	e.mu.Lock()
	defer e.mu.Unlock()
	inv := e.pending[id]
	delete(e.pending, id)
	return inv
}

func (e *Emulator) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-e.queue:
		e.mu.Lock()
		e.pending[inv.id] = inv
		e.mu.Unlock()
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", FunctionARN)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+randomHex(4)+"-"+randomHex(12)+";Sampled=0")
		w.Write(inv.payload) //nolint:errcheck // the poller went away; nothing to do
	case <-r.Context().Done():
	case <-e.closed:
		writeStatus(w, http.StatusGone, "Runtime.Shutdown", "emulator closed")
	}
}

func (e *Emulator) postResponse(w http.ResponseWriter, r *http.Request) {
	inv := e.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "unknown or answered request id")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseBytes+1))
	if err != nil {
		inv.result <- result{err: fmt.Errorf("runtimeapi: reading response: %w", err)}
		writeStatus(w, http.StatusBadRequest, "InvalidPayload", err.Error())
		return
	}
	if len(body) > MaxResponseBytes {
		msg := fmt.Sprintf("response payload size exceeded maximum allowed payload size (%d bytes)", MaxResponseBytes)
		inv.result <- result{err: &Error{Type: "Function.ResponseSizeTooLarge", Message: msg}}
		writeStatus(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", msg)
		return
	}
	io.Copy(io.Discard, r.Body) //nolint:errcheck // only to reach the trailers
	// A runtime that fails while streaming its response reports the error
	// in trailers; aws-lambda-go does.
	if typ := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); typ != "" {
		doc, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		inv.result <- result{err: errorFromDoc(doc, typ, false)}
	} else {
		inv.result <- result{body: body}
	}
	writeStatus(w, http.StatusAccepted, "", "")
}

func (e *Emulator) postError(w http.ResponseWriter, r *http.Request) {
	inv := e.take(r.PathValue("id"))
	if inv == nil {
		writeStatus(w, http.StatusBadRequest, "InvalidRequestID", "unknown or answered request id")
		return
	}
	doc, _ := io.ReadAll(r.Body)
	inv.result <- result{err: errorFromDoc(doc, r.Header.Get("Lambda-Runtime-Function-Error-Type"), false)}
	writeStatus(w, http.StatusAccepted, "", "")
}

func (e *Emulator) postInitError(w http.ResponseWriter, r *http.Request) {
	doc, _ := io.ReadAll(r.Body)
	err := errorFromDoc(doc, r.Header.Get("Lambda-Runtime-Function-Error-Type"), true)
	e.mu.Lock()
	if e.initErr == nil {
		e.initErr = err
		close(e.initDone)
	}
	e.mu.Unlock()
	writeStatus(w, http.StatusAccepted, "", "")
}

// errorFromDoc reads the documented error body
// {"errorMessage": ..., "errorType": ..., "stackTrace": [...]}.
func errorFromDoc(doc []byte, typ string, init bool) *Error {
	var d struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		d.Message = string(doc)
	}
	if typ == "" {
		typ = d.Type
	}
	return &Error{Init: init, Type: typ, Message: d.Message, Body: doc}
}

// writeStatus answers as the Runtime API does: {"status":"OK"} for
// accepted posts, an error document otherwise.
func writeStatus(w http.ResponseWriter, code int, errType, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code == http.StatusAccepted {
		io.WriteString(w, `{"status":"OK"}`) //nolint:errcheck
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"errorType": errType, "errorMessage": msg}) //nolint:errcheck
}

// newID returns a random UUID-shaped request ID.
func newID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // never fails
	return hex.EncodeToString(b)
}
