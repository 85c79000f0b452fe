package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/store"
)

// Task is a running job as its Func sees it.
type Task struct {
	ID     string
	params json.RawMessage

	mu       sync.Mutex
	progress Progress
	changed  bool
}

// Params decodes the job's parameters into v.
func (t *Task) Params(v any) error {
	if len(t.params) == 0 {
		return nil
	}
	return json.Unmarshal(t.params, v)
}

// Progress reports how far the job has come. It is cheap: the record is
// written at most once a second, by the runner.
func (t *Task) Progress(done, total int64, note string) {
	t.mu.Lock()
	t.progress, t.changed = Progress{Done: done, Total: total, Note: note}, true
	t.mu.Unlock()
}

// takeProgress returns the latest progress and whether it is news.
func (t *Task) takeProgress() (Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, changed := t.progress, t.changed
	t.changed = false
	return p, changed
}

// errLost: the record changed under the runner; someone else decided the
// job's fate (most often a reader that found it past its deadline).
var errLost = errors.New("the job was taken over")

// progressEvery is how often a runner looks at its job's progress.
const progressEvery = time.Second

// Run does job id's work, unless it is already running or over (an
// asynchronous invocation can be delivered twice). The outcome is
// recorded in the job; the error is only for the store failures that
// kept Run from taking the job.
func (m *Manager) Run(ctx context.Context, id string) error {
	j, err := m.Get(ctx, id)
	if err != nil {
		return err
	}
	if j.State != Queued {
		m.log.Info("job not run: already "+string(j.State), "job", id)
		return nil
	}
	fn, ok := m.kind(j.Kind)
	if !ok { // started by a newer version of grail, say
		m.end(ctx, j, nil, fmt.Errorf("this server cannot run jobs of kind %q", j.Kind))
		return nil
	}
	err = m.save(ctx, j, func(j *Job) { j.State, j.Deadline = Running, m.leaseEnd(ctx) })
	if errors.Is(err, store.ErrConflict) {
		return nil // another runner took it first
	}
	if err != nil {
		return err
	}
	defer m.notifyEnded()
	start := time.Now()
	res, err := m.execute(ctx, j, fn)
	m.end(ctx, j, res, err)
	m.log.Info("job ended", "job", id, "kind", j.Kind, "state", j.State, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// execute runs fn while a heartbeat keeps the job's deadline ahead and
// writes its progress. When the heartbeat finds the job taken over, fn's
// context is cancelled.
func (m *Manager) execute(ctx context.Context, j *Job, fn Func) (*Result, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	t := &Task{ID: j.ID, params: j.Params}
	var wg sync.WaitGroup
	wg.Go(func() { m.heartbeat(ctx, cancel, j, t) })
	res, err := call(ctx, fn, t)
	cancel(nil)
	wg.Wait() // j is the heartbeat's until it returns
	if errors.Is(context.Cause(ctx), errLost) {
		return nil, errLost
	}
	return res, err
}

// call runs fn, turning a panic into the job's error.
func call(ctx context.Context, fn Func, t *Task) (res *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("crashed: %v", v)
		}
	}()
	return fn(ctx, t)
}

func (m *Manager) heartbeat(ctx context.Context, cancel context.CancelCauseFunc, j *Job, t *Task) {
	tick := time.NewTicker(min(progressEvery, m.o.Lease/3))
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p, changed := t.takeProgress()
		if !changed && time.Since(last) < m.o.Lease/3 {
			continue
		}
		// Not cancelled with the job: a write cut short may land unseen,
		// and the runner's next write would take it for someone else's.
		wctx, cancelWrite := context.WithTimeout(context.WithoutCancel(ctx), m.o.Lease/3)
		err := m.save(wctx, j, func(j *Job) { j.Progress, j.Deadline = &p, m.leaseEnd(ctx) })
		cancelWrite()
		switch {
		case errors.Is(err, store.ErrConflict):
			cancel(errLost)
			return
		case err != nil && ctx.Err() == nil:
			// Tried again next tick; if the store stays away past the
			// lease, a reader fails the job and the next write finds out.
			m.log.Warn("job heartbeat", "job", j.ID, "err", err)
		case err == nil:
			last = time.Now()
		}
	}
}

// leaseEnd is the deadline a runner writes: a lease from now, but no
// later than just after ctx's own deadline, which on Lambda is the
// invocation's timeout, when the runner is certainly gone.
func (m *Manager) leaseEnd(ctx context.Context) time.Time {
	end := m.o.Now().Add(m.o.Lease)
	if dl, ok := ctx.Deadline(); ok && dl.Add(time.Second).Before(end) {
		end = dl.Add(time.Second)
	}
	return end
}

// end records the job's outcome. It runs even when ctx has ended (the
// server stopping is an outcome too), with a little time of its own.
func (m *Manager) end(ctx context.Context, j *Job, res *Result, err error) {
	if errors.Is(err, errLost) {
		m.log.Warn("job was taken over while running; its outcome is dropped", "job", j.ID)
		return
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted before it finished (%w)", err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err == nil {
		res, err = m.keepResult(ctx, j.ID, res)
	}
	outcome := func(j *Job) { j.State, j.Result = Complete, res }
	if err != nil {
		msg := err.Error()
		outcome = func(j *Job) { j.State, j.Error = Failed, msg }
	}
	if err := m.save(ctx, j, outcome); err != nil {
		// The deadline will fail the job for readers.
		m.log.Error("record the end of a job", "job", j.ID, "err", err)
	}
}

// keepResult moves a large body out of the record.
func (m *Manager) keepResult(ctx context.Context, id string, res *Result) (*Result, error) {
	if res == nil {
		return &Result{Status: 204}, nil
	}
	if res.Status == 0 {
		res.Status = 200
	}
	if len(res.Body) <= inlineLimit {
		return res, nil
	}
	if err := m.store.PutJobOutput(ctx, id, res.Body, res.ContentType); err != nil {
		return nil, fmt.Errorf("storing the result: %w", err)
	}
	kept := *res
	kept.Body, kept.Stored = nil, true
	return &kept, nil
}

// Work runs the jobs started in this process, n at a time, until ctx
// ends; jobs cut short by the end are recorded as failed. It also deletes
// the records of jobs over a day old, which a bucket's lifecycle rule
// would otherwise do.
func (m *Manager) Work(ctx context.Context, n int) {
	var wg sync.WaitGroup
	for range max(n, 1) {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case id := <-m.queue:
					if err := m.Run(ctx, id); err != nil {
						m.log.Error("run job", "job", id, "err", err)
					}
				}
			}
		})
	}
	wg.Go(func() { m.prune(ctx) })
	wg.Wait()
}

func (m *Manager) prune(ctx context.Context) {
	for {
		n, err := m.store.PruneJobs(ctx, m.o.Now().Add(-24*time.Hour))
		if err != nil && ctx.Err() == nil {
			m.log.Warn("delete old job records", "err", err)
		} else if n > 0 {
			m.log.Info("deleted old job records", "objects", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
