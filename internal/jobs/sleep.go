package jobs

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The sleep job proves the machinery end to end without any real work:
// it sleeps, reporting progress every second, and answers "slept N
// seconds". It and its start endpoint exist only with Options.TestJobs
// (GRAIL_TEST_JOBS=1 for grail serve and the Lambda function), so that
// nobody can make a live site sleep.
//
//	POST /jobs/sleep?seconds=N   0 ≤ N ≤ 60
//
// The start response also sets two cookies, grail-test-a and
// grail-test-b, for tests of how front doors carry several Set-Cookie.

const maxSleep = 60

func sleep(ctx context.Context, t *Task) (*Result, error) {
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
	return &Result{
		Status:      http.StatusOK,
		ContentType: "text/plain; charset=utf-8",
		Body:        fmt.Appendf(nil, "slept %g seconds\n", p.Seconds),
	}, nil
}

func (m *Manager) startSleep(w http.ResponseWriter, r *http.Request) {
	secs, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
	if err != nil || secs < 0 || secs > maxSleep {
		plain(w, http.StatusBadRequest, fmt.Sprintf("seconds must be a number from 0 to %d", maxSleep))
		return
	}
	for _, name := range []string{"grail-test-a", "grail-test-b"} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: "1", Path: "/jobs", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	j, err := m.Start(r.Context(), "sleep", map[string]float64{"seconds": secs})
	if err != nil {
		m.log.Error("start sleep job", "err", err)
		plain(w, http.StatusServiceUnavailable, "The job could not be started; try again shortly.")
		return
	}
	m.Respond(w, r, j)
}
