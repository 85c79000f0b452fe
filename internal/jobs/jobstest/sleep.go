// Package jobstest holds a kind of job for tests: it proves the job
// machinery end to end without doing any real work. Only tests, and the
// test build of grail in internal/cli/testgrail, import it; the grail
// command does not, so no live site can be made to sleep.
package jobstest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/grailblog/grail/internal/jobs"
)

// MaxSleep is the longest sleep a request may ask for, in seconds.
const MaxSleep = 60

// Sleep sleeps, reporting progress every second, and answers "slept N
// seconds". It is started by
//
//	POST /jobs/sleep?seconds=N   0 ≤ N ≤ MaxSleep
//
// or by Manager.Start with {"seconds": N}. The start response also sets
// two cookies, grail-test-a and grail-test-b, for tests of how front
// doors carry several Set-Cookie.
var Sleep = jobs.Kind{Name: sleepKind, Run: sleep, Start: startSleep}

const sleepKind = "sleep"

// Kinds are the kinds of job tests add to grail.
var Kinds = []jobs.Kind{Sleep}

func sleep(ctx context.Context, t *jobs.Task) (*jobs.Result, error) {
	var p struct {
		Seconds float64 `json:"seconds"`
	}
	if err := t.Params(&p); err != nil {
		return nil, err
	}
	d := time.Duration(p.Seconds * float64(time.Second))
	total := int64(math.Ceil(p.Seconds))
	for i := int64(0); ; i++ {
		t.Progress(i, total, "sleeping")
		step := min(time.Second, d)
		if step <= 0 {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(step):
		}
		d -= step
	}
	return &jobs.Result{
		Status:      http.StatusOK,
		ContentType: "text/plain; charset=utf-8",
		Body:        fmt.Appendf(nil, "slept %g seconds\n", p.Seconds),
	}, nil
}

func startSleep(m *jobs.Manager, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	secs, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
	if err != nil || secs < 0 || secs > MaxSleep {
		http.Error(w, fmt.Sprintf("seconds must be a number from 0 to %d", MaxSleep), http.StatusBadRequest)
		return
	}
	for _, name := range []string{"grail-test-a", "grail-test-b"} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: "1", Path: "/jobs", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	j, err := m.Start(r.Context(), sleepKind, map[string]float64{"seconds": secs})
	if err != nil {
		http.Error(w, "The job could not be started; try again shortly.", http.StatusServiceUnavailable)
		return
	}
	m.Respond(w, r, j)
}
