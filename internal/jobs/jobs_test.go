package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store"
)

func openStore(t *testing.T, location string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), location, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// serve runs m's handler and its worker on 127.0.0.1 until the test ends.
func serve(t *testing.T, m *Manager) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Work(ctx, 2); close(done) }()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
	})
	return srv.URL
}

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func do(t *testing.T, method, url string) response {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(body)}
}

func TestBackoff(t *testing.T) {
	m := New(nil, Options{MaxRetryAfter: 30 * time.Second})
	for in, want := range map[string]int{"": 2, "x": 2, "-4": 2, "1": 2, "2": 3, "3": 5, "5": 8, "8": 12, "20": 30, "30": 30, "9999": 30} {
		if got := m.backoff(in); got != want {
			t.Errorf("backoff(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestUnknownJobs(t *testing.T) {
	base := serve(t, New(openStore(t, "mem://"), Options{}))
	for _, path := range []string{"/jobs/0b6f3c1e-6a4e-4f0c-9a51-2d1f3c4b5a69", "/jobs/..%2fsecret", "/jobs/NOPE"} {
		if res := do(t, "GET", base+path); res.Status != 404 {
			t.Errorf("GET %s = %d, want 404", path, res.Status)
		}
	}
	// A kind nobody registered does not exist.
	if res := do(t, "POST", base+"/jobs/sleep?seconds=0"); res.Status != 405 && res.Status != 404 {
		t.Errorf("POST /jobs/sleep without a sleep job = %d, want it refused", res.Status)
	}
}

// A runner that stops writing (a crash, a frozen or timed-out Lambda) must
// not leave its job running: the first read past the deadline fails it,
// and the runner, should it wake, finds out and gives up.
func TestDeadRunnerIsFailedByReader(t *testing.T) {
	st := openStore(t, "mem://")
	var clock atomic.Int64 // the runner's clock stands still: it never renews its lease
	frozen := func() time.Time { return time.Unix(0, clock.Load()) }
	clock.Store(time.Now().UnixNano())
	stopped := make(chan error, 1)
	wait := func(ctx context.Context, t *Task) (*Result, error) {
		<-ctx.Done()
		stopped <- context.Cause(ctx)
		return &Result{Status: 200, Body: []byte("too late")}, nil
	}
	runner := New(st, Options{Lease: 3 * time.Second, Now: frozen, Kinds: []Kind{{Name: "wait", Run: wait}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go runner.Work(ctx, 1)
	j, err := runner.Start(ctx, "wait", nil)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, runner, j.ID, Running)

	reader := New(st, Options{Now: func() time.Time { return frozen().Add(time.Minute) }})
	got, err := reader.Get(ctx, j.ID)
	if err != nil || got.State != Failed || !strings.Contains(got.Error, "stopped") {
		t.Fatalf("read past the deadline: %+v, %v; want failed", got, err)
	}
	select {
	case cause := <-stopped:
		if !errors.Is(cause, errLost) {
			t.Errorf("runner's job stopped because %v, want errLost", cause)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the runner kept going after its job was failed")
	}
	time.Sleep(100 * time.Millisecond) // the runner's last word, if it had one
	if got, _ := reader.read(ctx, j.ID); got.State != Failed {
		t.Errorf("after the runner woke: %s, want failed to stay", got.State)
	}
}

func waitState(t *testing.T, m *Manager, id string, want State) {
	t.Helper()
	for range 100 {
		if j, err := m.read(context.Background(), id); err == nil && j.State == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s never became %s", id, want)
}

func TestProgressAndHeartbeat(t *testing.T) {
	step := make(chan struct{})
	steps := func(ctx context.Context, t *Task) (*Result, error) {
		t.Progress(1, 3, "first step")
		<-step
		return nil, nil
	}
	m := New(openStore(t, "mem://"), Options{Lease: 900 * time.Millisecond, Kinds: []Kind{{Name: "steps", Run: steps}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Work(ctx, 1)
	j, err := m.Start(ctx, "steps", nil)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, m, j.ID, Running)
	time.Sleep(2500 * time.Millisecond) // well past the first lease
	got, err := m.Get(ctx, j.ID)
	if err != nil || got.State != Running {
		t.Fatalf("a live job past its first lease: %+v, %v; want still running", got, err)
	}
	if p := got.Progress; p == nil || p.Done != 1 || p.Total != 3 || p.Note != "first step" {
		t.Errorf("progress = %+v, want 1 of 3, first step", got.Progress)
	}
	close(step)
	done, err := m.Wait(ctx, j.ID, 5*time.Second)
	if err != nil || done.State != Complete || done.Result.Status != 204 {
		t.Errorf("job without a result: %+v, %v; want complete with 204", done, err)
	}
}

func TestFailuresAreRecorded(t *testing.T) {
	boom := func(context.Context, *Task) (*Result, error) { panic("bad input") }
	refuse := func(context.Context, *Task) (*Result, error) {
		return nil, errors.New("the file is not a grail export")
	}
	m := New(openStore(t, "mem://"), Options{Kinds: []Kind{{Name: "boom", Run: boom}, {Name: "refuse", Run: refuse}}})
	base := serve(t, m)
	for kind, want := range map[string]string{"boom": "crashed: bad input", "refuse": "the file is not a grail export"} {
		j, err := m.Start(context.Background(), kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		res := do(t, "GET", base+"/jobs/"+j.ID)
		if res.Status != 500 || !strings.Contains(res.Body, want) {
			t.Errorf("%s: %d %q, want 500 with %q", kind, res.Status, res.Body, want)
		}
	}
	if _, err := m.Start(context.Background(), "nope", nil); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("Start of an unknown kind: %v", err)
	}
}

func TestRunOnlyOnce(t *testing.T) {
	var runs atomic.Int32
	count := func(context.Context, *Task) (*Result, error) {
		runs.Add(1)
		time.Sleep(50 * time.Millisecond)
		return &Result{Body: []byte("ok")}, nil
	}
	m := New(openStore(t, "mem://"), Options{Dispatch: func(context.Context, string) error { return nil }, Kinds: []Kind{{Name: "count", Run: count}}})
	j, err := m.Start(context.Background(), "count", nil)
	if err != nil {
		t.Fatal(err)
	}
	// An asynchronous invocation may be delivered more than once.
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- m.Run(context.Background(), j.ID) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("job ran %d times, want once", n)
	}
}

func TestLargeResultFromFolder(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), inlineLimit/8) // twice the limit
	export := func(context.Context, *Task) (*Result, error) {
		return &Result{Status: 200, ContentType: "application/zip", Body: big,
			Header: http.Header{"Content-Disposition": {`attachment; filename="blog.zip"`}}}, nil
	}
	m := New(openStore(t, t.TempDir()), Options{Kinds: []Kind{{Name: "export", Run: export}}})
	base := serve(t, m)
	j, _ := m.Start(context.Background(), "export", nil)
	res := do(t, "GET", base+"/jobs/"+j.ID)
	if res.Status != 200 || res.Body != string(big) || res.Header.Get("Content-Type") != "application/zip" ||
		res.Header.Get("Content-Disposition") != `attachment; filename="blog.zip"` {
		t.Errorf("stored result: %d, %d bytes, %q, %q", res.Status, len(res.Body), res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	rec, _ := m.read(context.Background(), j.ID)
	if !rec.Result.Stored || len(rec.Result.Body) != 0 {
		t.Errorf("record keeps %d bytes of body, want it stored apart", len(rec.Result.Body))
	}
}

func TestLargeResultFromS3(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	big := bytes.Repeat([]byte{0, 1, 2, 250, 255}, inlineLimit)
	export := func(context.Context, *Task) (*Result, error) {
		return &Result{Status: 200, ContentType: "application/octet-stream", Body: big}, nil
	}
	m := New(openStore(t, srv.BucketURL()), Options{Kinds: []Kind{{Name: "export", Run: export}}})
	base := serve(t, m)
	j, _ := m.Start(context.Background(), "export", nil)
	res := do(t, "GET", base+"/jobs/"+j.ID)
	if res.Status != 303 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stored result on S3: %d (%s), want 303 to a signed URL", res.Status, res.Header.Get("Cache-Control"))
	}
	got := do(t, "GET", res.Header.Get("Location"))
	if got.Status != 200 || got.Body != string(big) {
		t.Errorf("signed URL: %d, %d bytes; want the %d bytes", got.Status, len(got.Body), len(big))
	}
}

func TestJobPayload(t *testing.T) {
	id := "0b6f3c1e-6a4e-4f0c-9a51-2d1f3c4b5a69"
	for _, p := range []string{string(Payload(id)), "{\n  \"grailJob\": \"" + id + "\"\n}"} {
		if got, ok := JobPayload([]byte(p)); !ok || got != id {
			t.Errorf("JobPayload(%q) = %q, %v", p, got, ok)
		}
	}
	for _, p := range []string{`{"grailJob":"../x"}`, `{"grailJob":7}`, `{"grailJob":`, `{}`, `[]`, ``} {
		if _, ok := JobPayload([]byte(p)); ok {
			t.Errorf("JobPayload(%q) accepted", p)
		}
	}
	// No event of a front door is taken for a job.
	samples, _ := filepath.Glob("../lambdahttp/testdata/*.json")
	if len(samples) == 0 {
		t.Fatal("no sample events found")
	}
	for _, name := range samples {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := JobPayload(data); ok {
			t.Errorf("%s taken for a job", name)
		}
	}
}

func TestInvokeSelf(t *testing.T) {
	fake := &fakeInvoker{status: 202}
	dispatch := InvokeSelf(fake, "grail-prod")
	if err := dispatch(context.Background(), "abc-123"); err != nil {
		t.Fatal(err)
	}
	in := fake.last
	if *in.FunctionName != "grail-prod" || in.InvocationType != "Event" || string(in.Payload) != `{"grailJob":"abc-123"}` {
		t.Errorf("Invoke(%s, %s, %s), want grail-prod, Event and the job payload", *in.FunctionName, in.InvocationType, in.Payload)
	}
	fake.status = 200 // a synchronous answer means it did not queue
	if err := dispatch(context.Background(), "abc-123"); err == nil || !strings.Contains(err.Error(), strconv.Itoa(200)) {
		t.Errorf("status 200: %v, want an error", err)
	}
}

type fakeInvoker struct {
	status int32
	last   *lambda.InvokeInput
}

func (f *fakeInvoker) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.last = in
	return &lambda.InvokeOutput{StatusCode: f.status}, nil
}

// A write whose answer was lost (a timeout) may still have landed; the
// runner's next write must not take it for someone else's.
func TestWriteThatLandedUnseen(t *testing.T) {
	ctx := context.Background()
	x := func(context.Context, *Task) (*Result, error) { return nil, nil }
	m := New(openStore(t, "mem://"), Options{Dispatch: func(context.Context, string) error { return nil }, Kinds: []Kind{{Name: "x", Run: x}}})
	started, err := m.Start(ctx, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := m.read(ctx, started.ID)
	landed := *j
	landed.State, landed.Updated = Running, time.Now()
	data, _ := json.Marshal(&landed)
	if _, err := m.store.UpdateJob(ctx, j.ID, data, j.etag); err != nil {
		t.Fatal(err)
	}
	j.unsure = landed.Updated // what save records when a write's outcome is unknown
	if err := m.save(ctx, j, func(j *Job) { j.State = Running }); err != nil {
		t.Errorf("save after a write that landed unseen: %v", err)
	}
	// Someone else's write is still a conflict.
	other := *j
	other.State, other.Updated = Failed, time.Now()
	data, _ = json.Marshal(&other)
	if _, err := m.store.UpdateJob(ctx, j.ID, data, j.etag); err != nil {
		t.Fatal(err)
	}
	if err := m.save(ctx, j, func(j *Job) {}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("save over someone else's write: %v, want ErrConflict", err)
	}
}

// On Lambda the runner's context ends with the invocation: the record's
// deadline follows it, so a timed-out job is failed at once.
func TestLeaseEndsWithTheInvocation(t *testing.T) {
	long := func(ctx context.Context, _ *Task) (*Result, error) {
		<-ctx.Done() // as if the function were stopped at its timeout
		return nil, ctx.Err()
	}
	m := New(openStore(t, "mem://"), Options{Dispatch: func(context.Context, string) error { return nil }, Kinds: []Kind{{Name: "long", Run: long}}})
	j, err := m.Start(context.Background(), "long", nil)
	if err != nil {
		t.Fatal(err)
	}
	invocation, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	go m.Run(invocation, j.ID)
	waitState(t, m, j.ID, Running)
	got, _ := m.read(context.Background(), j.ID)
	dl, _ := invocation.Deadline()
	if got.Deadline.After(dl.Add(time.Second)) {
		t.Errorf("record's deadline %v is past the invocation's %v", got.Deadline, dl)
	}
}

func TestKindsMustBeDistinct(t *testing.T) {
	run := func(context.Context, *Task) (*Result, error) { return nil, nil }
	for name, kinds := range map[string][]Kind{
		"duplicate": {{Name: "x", Run: run}, {Name: "x", Run: run}},
		"unnamed":   {{Run: run}},
		"no work":   {{Name: "x"}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New with a %s kind did not panic", name)
				}
			}()
			New(nil, Options{Kinds: kinds})
		}()
	}
}
