package runtimeapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/lambdahttp/runtimeapi"
)

// runtime is a minimal custom runtime written from the Runtime API
// documentation, independent of the emulator's code.
type runtime struct {
	t    *testing.T
	base string
}

func newRuntime(t *testing.T, emu *runtimeapi.Emulator) runtime {
	return runtime{t, "http://" + emu.Addr() + "/2018-06-01/runtime/"}
}

type event struct {
	id       string
	deadline time.Time
	arn      string
	traceID  string
	payload  []byte
}

func (rt runtime) next(ctx context.Context) (event, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, rt.base+"invocation/next", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return event{}, err
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		return event{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return event{}, fmt.Errorf("next: %s", resp.Status)
	}
	ms, err := strconv.ParseInt(resp.Header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if err != nil {
		return event{}, fmt.Errorf("deadline header: %v", err)
	}
	return event{
		id:       resp.Header.Get("Lambda-Runtime-Aws-Request-Id"),
		deadline: time.UnixMilli(ms),
		arn:      resp.Header.Get("Lambda-Runtime-Invoked-Function-Arn"),
		traceID:  resp.Header.Get("Lambda-Runtime-Trace-Id"),
		payload:  payload,
	}, nil
}

// post posts body to path and returns the status code.
func (rt runtime) post(path string, body []byte, header ...string) int {
	rt.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, rt.base+path, bytes.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		rt.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// serve answers one invocation with f's result.
func (rt runtime) serve(f func(event) []byte) {
	go func() {
		ev, err := rt.next(context.Background())
		if err != nil {
			return
		}
		http.Post(rt.base+"invocation/"+ev.id+"/response", "application/json", bytes.NewReader(f(ev)))
	}()
}

func TestInvokeRoundTrip(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	got := make(chan event, 1)
	rt.serve(func(ev event) []byte {
		got <- ev
		return append([]byte("echo:"), ev.payload...)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := emu.Invoke(ctx, []byte(`{"hello":"world"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `echo:{"hello":"world"}` {
		t.Errorf("response = %q", out)
	}
	ev := <-got
	if len(ev.id) != 36 || strings.Count(ev.id, "-") != 4 {
		t.Errorf("request ID %q is not UUID-shaped", ev.id)
	}
	want, _ := ctx.Deadline()
	if d := ev.deadline.Sub(want); d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("deadline = %v, want the context's %v", ev.deadline, want)
	}
	if ev.arn != runtimeapi.FunctionARN {
		t.Errorf("function ARN = %q", ev.arn)
	}
	if !strings.HasPrefix(ev.traceID, "Root=1-") {
		t.Errorf("trace ID = %q", ev.traceID)
	}
}

func TestDefaultDeadline(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	got := make(chan time.Time, 1)
	rt.serve(func(ev event) []byte { got <- ev.deadline; return nil })
	start := time.Now()
	if _, err := emu.Invoke(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if d := (<-got).Sub(start); d < runtimeapi.DefaultTimeout-time.Second || d > runtimeapi.DefaultTimeout+time.Second {
		t.Errorf("deadline %v from now, want about %v", d, runtimeapi.DefaultTimeout)
	}
}

func TestInvocationError(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	codes := make(chan int, 1)
	go func() {
		ev, err := rt.next(context.Background())
		if err != nil {
			return
		}
		doc := `{"errorMessage":"something broke","errorType":"errorString","stackTrace":[]}`
		codes <- rt.post("invocation/"+ev.id+"/error", []byte(doc), "Lambda-Runtime-Function-Error-Type", "Runtime.Unknown")
	}()
	_, err := emu.Invoke(context.Background(), []byte(`{}`))
	var fe *runtimeapi.Error
	if !errors.As(err, &fe) || fe.Init || fe.Type != "Runtime.Unknown" || fe.Message != "something broke" {
		t.Fatalf("err = %#v, want the function's error", err)
	}
	if c := <-codes; c != http.StatusAccepted {
		t.Errorf("error post answered %d, want 202", c)
	}
}

func TestInitError(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	done := make(chan error, 1)
	go func() {
		_, err := emu.Invoke(context.Background(), []byte(`{}`))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let Invoke wait for a poller that never comes
	if c := rt.post("init/error", []byte(`{"errorMessage":"no config","errorType":"InitError"}`)); c != http.StatusAccepted {
		t.Errorf("init error post answered %d, want 202", c)
	}
	var fe *runtimeapi.Error
	if err := <-done; !errors.As(err, &fe) || !fe.Init || fe.Message != "no config" || fe.Type != "InitError" {
		t.Fatalf("waiting Invoke: err = %v, want the init error", err)
	}
	if _, err := emu.Invoke(context.Background(), []byte(`{}`)); !errors.As(err, &fe) || !fe.Init {
		t.Fatalf("later Invoke: err = %v, want the init error", err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	codes := make(chan int, 1)
	go func() {
		ev, err := rt.next(context.Background())
		if err != nil {
			return
		}
		codes <- rt.post("invocation/"+ev.id+"/response", make([]byte, runtimeapi.MaxResponseBytes+1))
	}()
	_, err := emu.Invoke(context.Background(), []byte(`{}`))
	var fe *runtimeapi.Error
	if !errors.As(err, &fe) || fe.Type != "Function.ResponseSizeTooLarge" {
		t.Fatalf("err = %v, want Function.ResponseSizeTooLarge", err)
	}
	if c := <-codes; c != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized response answered %d, want 413", c)
	}
}

func TestLargestResponseAccepted(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	rt.serve(func(event) []byte { return bytes.Repeat([]byte("a"), runtimeapi.MaxResponseBytes) })
	out, err := emu.Invoke(context.Background(), []byte(`{}`))
	if err != nil || len(out) != runtimeapi.MaxResponseBytes {
		t.Fatalf("got %d bytes, %v; want %d", len(out), err, runtimeapi.MaxResponseBytes)
	}
}

func TestUnknownRequestID(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	for _, path := range []string{"invocation/nope/response", "invocation/nope/error"} {
		if c := rt.post(path, []byte(`{}`)); c != http.StatusBadRequest {
			t.Errorf("%s answered %d, want 400", path, c)
		}
	}
}

func TestAnswerOnlyOnce(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	ids := make(chan string, 1)
	go func() {
		ev, err := rt.next(context.Background())
		if err != nil {
			return
		}
		rt.post("invocation/"+ev.id+"/response", []byte("first"))
		ids <- ev.id
	}()
	out, err := emu.Invoke(context.Background(), []byte(`{}`))
	if err != nil || string(out) != "first" {
		t.Fatalf("got %q, %v", out, err)
	}
	if c := rt.post("invocation/"+<-ids+"/response", []byte("second")); c != http.StatusBadRequest {
		t.Errorf("second answer accepted with %d, want 400", c)
	}
}

func TestConcurrentInvocations(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	const n = 8
	for range n {
		rt.serve(func(ev event) []byte { return ev.payload })
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := fmt.Sprintf(`{"n":%d}`, i)
			out, err := emu.Invoke(context.Background(), []byte(in))
			if err != nil || string(out) != in {
				errs <- fmt.Errorf("invocation %d: got %q, %v", i, out, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestInvokeContextEnds(t *testing.T) {
	emu := runtimeapi.Start(t)
	// Nobody polls: the event is never taken.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := emu.Invoke(ctx, []byte(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
	// Taken but never answered.
	rt := newRuntime(t, emu)
	go rt.next(context.Background())
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err := emu.Invoke(ctx2, []byte(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want DeadlineExceeded", err)
	}
}

func TestCloseEndsLongPoll(t *testing.T) {
	emu := runtimeapi.Start(t)
	rt := newRuntime(t, emu)
	polled := make(chan error, 1)
	go func() {
		_, err := rt.next(context.Background())
		polled <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the poll reach the server
	emu.Close()
	select {
	case err := <-polled:
		if err == nil {
			t.Error("long poll returned an event after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long poll still open after Close")
	}
}

func TestCloseEndsInvoke(t *testing.T) {
	emu := runtimeapi.Start(t)
	invoked := make(chan error, 1)
	go func() {
		// Nobody polls, so only Close can end this.
		_, err := emu.Invoke(context.Background(), []byte(`{}`))
		invoked <- err
	}()
	time.Sleep(20 * time.Millisecond)
	emu.Close()
	select {
	case err := <-invoked:
		if !errors.Is(err, runtimeapi.ErrClosed) {
			t.Errorf("Invoke: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Invoke still waiting after Close")
	}
	if _, err := emu.Invoke(context.Background(), []byte(`{}`)); !errors.Is(err, runtimeapi.ErrClosed) {
		t.Errorf("Invoke after Close: %v, want ErrClosed", err)
	}
}
