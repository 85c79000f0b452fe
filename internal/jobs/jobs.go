// Package jobs runs work that outlives the request that asked for it:
// imports, exports, anything a front door would not wait for.
//
// A job is a record in the store (_grail/jobs/<id>.json) that moves from
// queued to running to complete (with the response its client gets) or
// failed (with the error). Every change is a compare-and-swap write, so
// two runners can never both take a job, and a runner that lost its job
// finds out at its next write. A queued or running job carries a
// deadline that its runner keeps pushing forward while it works; whoever
// reads the record after the deadline has passed marks the job failed, so
// a crashed server or a timed-out Lambda invocation never leaves a job
// "running" for ever.
//
// Where the work runs is the one thing that differs: under grail serve a
// goroutine of the same process (Manager.Work); on Lambda, which freezes
// the process between invocations, a new asynchronous invocation of the
// function itself (InvokeSelf), whose handler calls Manager.Run.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/grailblog/grail/internal/store"
)

// State is where a job is in its life.
type State string

const (
	Queued   State = "queued"
	Running  State = "running"
	Complete State = "complete"
	Failed   State = "failed"
)

// Job is a job's record as stored.
type Job struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"`
	Params json.RawMessage `json:"params,omitempty"`
	State  State           `json:"state"`
	// Deadline: a queued or running job not written again by then has
	// died (its runner keeps moving it forward).
	Deadline time.Time `json:"deadline"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Progress *Progress `json:"progress,omitempty"`
	Result   *Result   `json:"result,omitempty"` // when complete
	Error    string    `json:"error,omitempty"`  // when failed

	etag   string    // the version this copy was read or written as
	unsure time.Time // Updated of a write that may or may not have landed
}

// Done tells whether the job is over, one way or the other.
func (j *Job) Done() bool { return j.State == Complete || j.State == Failed }

// Progress is how far a running job has come, as its kind reports it.
type Progress struct {
	Done  int64  `json:"done"`
	Total int64  `json:"total,omitempty"` // 0: unknown
	Note  string `json:"note,omitempty"`
}

// Result is the response a completed job's client gets.
type Result struct {
	Status      int         `json:"status"`
	ContentType string      `json:"contentType,omitempty"`
	Header      http.Header `json:"header,omitempty"`
	Body        []byte      `json:"body,omitempty"`
	// Stored: the body was too large for the record and is kept apart
	// (store.PutJobOutput).
	Stored bool `json:"stored,omitempty"`
}

// Func does the work of one kind of job. It reports progress through t
// and returns the response for the job's client; an error fails the job
// and its text is shown to the client. It must return soon after ctx
// ends: the server is stopping, the invocation is about to time out, or
// the job was declared dead.
type Func func(ctx context.Context, t *Task) (*Result, error)

// Kind is one kind of job a Manager runs.
type Kind struct {
	Name string
	Run  Func
	// Start, when set, serves POST /jobs/<Name>: it reads the request,
	// calls m.Start and ends with m.Respond. Kinds without it are started
	// by the handlers that need them (the admin's, say).
	Start func(m *Manager, w http.ResponseWriter, r *http.Request)
}

// Options configure a Manager. Zero values take the defaults.
type Options struct {
	// Kinds are the kinds of job the Manager starts and runs. The program
	// that builds the Manager decides them; there are none built in.
	Kinds []Kind
	// Dispatch starts the run of a queued job somewhere that outlives the
	// request (InvokeSelf on Lambda). Nil queues it for Work in this process.
	Dispatch func(ctx context.Context, id string) error
	// StartWait is how long Respond waits for a new job before answering
	// 303 (default 25 s: API Gateway gives up at 29 or 30).
	StartWait time.Duration
	// PollWait is how long GET /jobs/<id> waits for the job to end before
	// answering 303 to itself (default 25 s).
	PollWait time.Duration
	// MaxRetryAfter caps the backoff GET /jobs/<id> asks clients for
	// (default 30 s).
	MaxRetryAfter time.Duration
	// Lease is how long a running job lives without its runner writing to
	// it (default 30 s; the runner writes at least every third of it).
	Lease time.Duration
	// QueueTimeout fails a job that nobody has started by then (default
	// 5 min).
	QueueTimeout time.Duration
	// OutputTTL is how long the signed URL of a stored result is valid
	// (default 60 s).
	OutputTTL time.Duration
	Log       *slog.Logger
	// Now is the clock of the records (nil: time.Now).
	Now func() time.Time
}

func (o *Options) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.StartWait, 25*time.Second)
	def(&o.PollWait, 25*time.Second)
	def(&o.MaxRetryAfter, 30*time.Second)
	def(&o.Lease, 30*time.Second)
	def(&o.QueueTimeout, 5*time.Minute)
	def(&o.OutputTTL, store.DefaultOverflowTTL)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Errors of Start.
var (
	ErrUnknownKind = errors.New("no such kind of job")
	// ErrBusy: this server's queue is full; try again later.
	ErrBusy = errors.New("too many jobs waiting")
)

// inlineLimit is the largest result body kept in the job's record; larger
// ones are stored apart, so that polling a job stays cheap.
const inlineLimit = 256 << 10

// Manager starts, runs and reports jobs. It is safe for concurrent use.
type Manager struct {
	store *store.Store
	o     Options
	log   *slog.Logger
	queue chan string     // jobs for Work when there is no Dispatch
	kinds map[string]Kind // read-only after New

	mu    sync.Mutex
	ended chan struct{} // closed, and replaced, whenever a job run here ends
}

// New returns a Manager keeping its records in st and running the kinds
// of job in o.Kinds. Two kinds of one name, or a kind without a name or
// work, are a programming error and panic.
func New(st *store.Store, o Options) *Manager {
	o.setDefaults()
	m := &Manager{store: st, o: o, log: o.Log, queue: make(chan string, 64),
		kinds: make(map[string]Kind, len(o.Kinds)), ended: make(chan struct{})}
	for _, k := range o.Kinds {
		if _, dup := m.kinds[k.Name]; dup || k.Name == "" || k.Run == nil {
			panic(fmt.Sprintf("jobs: kind %q is a duplicate, unnamed or has no work", k.Name))
		}
		m.kinds[k.Name] = k
	}
	return m
}

func (m *Manager) kind(name string) (Func, bool) {
	k, ok := m.kinds[name]
	return k.Run, ok
}

// Start records a new job of kind with params (anything encoding/json
// takes) and has it run. It returns once the job is queued; Respond then
// answers the request that started it. Whoever may start a job is the
// caller's business: the admin checks its session before calling Start.
func (m *Manager) Start(ctx context.Context, kind string, params any) (*Job, error) {
	if _, ok := m.kind(kind); !ok {
		return nil, fmt.Errorf("start %q: %w", kind, ErrUnknownKind)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("start %s: parameters: %w", kind, err)
	}
	now := m.o.Now()
	j := &Job{ID: uuid.NewString(), Kind: kind, Params: raw, State: Queued,
		Created: now, Updated: now, Deadline: now.Add(m.o.QueueTimeout)}
	data, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	info, err := m.store.CreateJob(ctx, j.ID, data)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	j.etag = info.ETag
	if err := m.dispatch(ctx, j.ID); err != nil {
		m.end(ctx, j, nil, fmt.Errorf("could not be started: %w", err))
		return nil, fmt.Errorf("start %s: %w", kind, err)
	}
	m.log.Info("job started", "job", j.ID, "kind", kind)
	return j, nil
}

func (m *Manager) dispatch(ctx context.Context, id string) error {
	if m.o.Dispatch != nil {
		return m.o.Dispatch(ctx, id)
	}
	select {
	case m.queue <- id:
		return nil
	default:
		return ErrBusy
	}
}

// Get returns job id's record (an error wrapping store.ErrNotFound if
// there is none). A job found past its deadline is marked failed.
func (m *Manager) Get(ctx context.Context, id string) (*Job, error) {
	j, err := m.read(ctx, id)
	if err != nil || j.Done() || !m.o.Now().After(j.Deadline) {
		return j, err
	}
	msg := "stopped: its server went away or ran out of time"
	if j.State == Queued {
		msg = "was never started"
	}
	if err := m.save(ctx, j, func(j *Job) { j.State, j.Error = Failed, msg }); err != nil {
		// The record says otherwise now (a late heartbeat) or cannot be
		// written; either way the next read decides.
		m.log.Warn("mark dead job failed", "job", id, "err", err)
		return m.read(ctx, id)
	}
	return j, nil
}

func (m *Manager) read(ctx context.Context, id string) (*Job, error) {
	data, info, err := m.store.ReadJob(ctx, id)
	if err != nil {
		return nil, err
	}
	var j Job
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("job %s: unreadable record: %w", id, err)
	}
	j.etag = info.ETag
	return &j, nil
}

// save applies change to j and writes it over the version j was read or
// last written as; a conflict means someone else has changed the job.
// One conflict is not: a write whose outcome was unknown (a timeout) may
// have landed after all, which the record's Updated time tells.
func (m *Manager) save(ctx context.Context, j *Job, change func(*Job)) error {
	change(j)
	j.Updated = m.o.Now()
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	info, err := m.store.UpdateJob(ctx, j.ID, data, j.etag)
	if errors.Is(err, store.ErrConflict) && !j.unsure.IsZero() {
		if cur, rerr := m.read(ctx, j.ID); rerr == nil && cur.Updated.Equal(j.unsure) {
			j.etag = cur.etag
			info, err = m.store.UpdateJob(ctx, j.ID, data, j.etag)
		}
	}
	switch {
	case err == nil:
		j.etag, j.unsure = info.ETag, time.Time{}
	case !errors.Is(err, store.ErrConflict):
		j.unsure = j.Updated
	}
	return err
}

// Wait returns job id once it is done, or as it stands once d has passed
// or ctx has ended.
func (m *Manager) Wait(ctx context.Context, id string, d time.Duration) (*Job, error) {
	stop := time.Now().Add(d)
	pause := 50 * time.Millisecond
	for {
		ended := m.endedChan() // before reading: an end after the read wakes us
		j, err := m.Get(ctx, id)
		if err != nil || j.Done() {
			return j, err
		}
		left := time.Until(stop)
		if left <= 0 {
			return j, nil
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return j, nil
		case <-ended:
		case <-t.C:
		}
		t.Stop()
		pause = min(pause*3/2, time.Second)
	}
}

func (m *Manager) endedChan() chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ended
}

// notifyEnded wakes every Wait in this process.
func (m *Manager) notifyEnded() {
	m.mu.Lock()
	close(m.ended)
	m.ended = make(chan struct{})
	m.mu.Unlock()
}
