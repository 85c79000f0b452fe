package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/jobs"
	"github.com/grailblog/grail/internal/jobs/jobstest"
)

// The tests of starting and following jobs over HTTP use the sleep job of
// jobstest, as the server's own tests do.

func TestQuickJobAnswersAtOnce(t *testing.T) {
	m := jobs.New(jobs.OpenStore(t, "mem://"), jobs.Options{Kinds: jobstest.Kinds, StartWait: 5 * time.Second})
	base := jobs.Serve(t, m)
	start := time.Now()
	res := jobs.Do(t, "POST", base+"/jobs/sleep?seconds=0")
	if res.Status != 200 || res.Body != "slept 0 seconds\n" {
		t.Fatalf("POST /jobs/sleep?seconds=0 = %d %q, want 200 and the job's answer", res.Status, res.Body)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a job done at once took %v to answer", took)
	}
	if cookies := res.Header.Values("Set-Cookie"); len(cookies) != 2 {
		t.Errorf("Set-Cookie = %q, want the two test cookies", cookies)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestSlowJobIsFollowedThroughRedirects(t *testing.T) {
	m := jobs.New(jobs.OpenStore(t, "mem://"), jobs.Options{Kinds: jobstest.Kinds,
		StartWait: 300 * time.Millisecond, PollWait: 400 * time.Millisecond, MaxRetryAfter: 4 * time.Second})
	base := jobs.Serve(t, m)

	res := jobs.Do(t, "POST", base+"/jobs/sleep?seconds=2")
	if res.Status != 303 || res.Header.Get("Retry-After") != "1" {
		t.Fatalf("start: %d Retry-After %q, want 303 and 1", res.Status, res.Header.Get("Retry-After"))
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/jobs/") || !strings.HasSuffix(loc, "?wait=1") {
		t.Fatalf("start: Location %q, want /jobs/<id>?wait=1", loc)
	}
	var waits []string
	for range 20 {
		res = jobs.Do(t, "GET", base+loc)
		if res.Status != 303 {
			break
		}
		loc = res.Header.Get("Location")
		waits = append(waits, res.Header.Get("Retry-After"))
		if !strings.HasSuffix(loc, "?wait="+res.Header.Get("Retry-After")) {
			t.Errorf("Location %q does not carry Retry-After %s", loc, res.Header.Get("Retry-After"))
		}
		if !strings.Contains(res.Body, "running") && !strings.Contains(res.Body, "queued") {
			t.Errorf("303 body %q does not say how the job stands", res.Body)
		}
	}
	if res.Status != 200 || res.Body != "slept 2 seconds\n" {
		t.Fatalf("after %d redirects: %d %q, want 200 and the job's answer", len(waits), res.Status, res.Body)
	}
	if len(waits) < 2 || waits[0] != "2" || waits[1] != "3" {
		t.Errorf("Retry-After went %v, want 2, 3, … (half as long again each time)", waits)
	}
}

func TestNeverStartedJobFails(t *testing.T) {
	lost := func(context.Context, string) error { return nil } // the invocation never arrives
	// The queue timeout leaves the start request (StartWait) a wide margin
	// on a busy machine; the poll outlasts it.
	m := jobs.New(jobs.OpenStore(t, "mem://"), jobs.Options{Kinds: jobstest.Kinds, Dispatch: lost, QueueTimeout: time.Second,
		StartWait: 100 * time.Millisecond, PollWait: 3 * time.Second})
	base := jobs.Serve(t, m)
	res := jobs.Do(t, "POST", base+"/jobs/sleep?seconds=0")
	if res.Status != 303 {
		t.Fatalf("start = %d, want 303", res.Status)
	}
	res = jobs.Do(t, "GET", base+res.Header.Get("Location"))
	if res.Status != 500 || !strings.Contains(res.Body, "never started") {
		t.Errorf("a job nobody ran: %d %q, want 500 saying it never started", res.Status, res.Body)
	}
}

func TestDispatchFailureFailsTheJob(t *testing.T) {
	st := jobs.OpenStore(t, "mem://")
	m := jobs.New(st, jobs.Options{Kinds: jobstest.Kinds, Dispatch: func(context.Context, string) error { return errors.New("throttled") }})
	if _, err := m.Start(context.Background(), "sleep", nil); err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Errorf("Start = %v, want the dispatch error", err)
	}
}

func TestStopInterruptsJobs(t *testing.T) {
	m := jobs.New(jobs.OpenStore(t, "mem://"), jobs.Options{Kinds: jobstest.Kinds})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { m.Work(ctx, 1); close(stopped) }()
	j, err := m.Start(context.Background(), "sleep", map[string]int{"seconds": 30})
	if err != nil {
		t.Fatal(err)
	}
	jobs.WaitState(t, m, j.ID, jobs.Running)
	cancel()
	<-stopped
	got, err := m.Get(context.Background(), j.ID)
	if err != nil || got.State != jobs.Failed || !strings.Contains(got.Error, "interrupted") {
		t.Errorf("after the server stopped: %+v, %v; want failed as interrupted", got, err)
	}
}
