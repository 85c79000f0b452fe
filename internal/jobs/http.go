package jobs

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/grailblog/grail/internal/errstatus"
	"github.com/grailblog/grail/internal/store"
)

// Handler serves the paths under /jobs:
//
//	GET /jobs/<id>[?wait=N]   the job's result once it is done; until then,
//	                          after waiting up to PollWait, 303 to itself
//	                          with a longer wait and Retry-After
//	POST /jobs/<kind>         starts a job of a kind that has a Start
//
// A job's id is a random UUID, known only to whoever started it.
func (m *Manager) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jobs/{id}", m.serveJob)
	for _, k := range m.kinds {
		if k.Start != nil {
			mux.HandleFunc("POST /jobs/"+k.Name, func(w http.ResponseWriter, r *http.Request) { k.Start(m, w, r) })
		}
	}
	return mux
}

// Respond answers the request that started j: with the job's response if
// it is done within StartWait, else with 303 See Other to /jobs/<id>.
// A handler that calls Start ends with it.
func (m *Manager) Respond(w http.ResponseWriter, r *http.Request, j *Job) {
	if done, err := m.Wait(r.Context(), j.ID, m.waitFor(r, m.o.StartWait)); err == nil {
		j = done
	}
	m.answer(w, r, j, 1)
}

func (m *Manager) serveJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !store.ValidJobID(id) {
		plain(w, http.StatusNotFound, "No such job.")
		return
	}
	next := m.backoff(r.URL.Query().Get("wait"))
	j, err := m.Wait(r.Context(), id, m.waitFor(r, m.o.PollWait))
	switch {
	case errstatus.Of(err) == http.StatusNotFound:
		plain(w, http.StatusNotFound, "No such job. Records are kept for a day.")
	case err != nil:
		m.log.Warn("read job", "job", id, "err", err)
		w.Header().Set("Retry-After", strconv.Itoa(next))
		plain(w, http.StatusServiceUnavailable, "The job's state cannot be read just now; try again shortly.")
	default:
		m.answer(w, r, j, next)
	}
}

// waitFor is how long a request may wait for a job: at most d, and never
// so long that the front door or the invocation gives up first.
func (m *Manager) waitFor(r *http.Request, d time.Duration) time.Duration {
	if dl, ok := r.Context().Deadline(); ok {
		d = min(d, time.Until(dl)-time.Second)
	}
	return max(d, 0)
}

// backoff turns the wait a client was asked for into the next one: half
// as long again, rounded up, up to MaxRetryAfter (1 → 2 → 3 → 5 → 8 …).
func (m *Manager) backoff(wait string) int {
	n, err := strconv.Atoi(wait)
	if err != nil || n < 1 {
		n = 1
	}
	limit := max(int(m.o.MaxRetryAfter/time.Second), 1)
	return min(int(math.Ceil(float64(n)*1.5)), limit)
}

// answer writes j's response if it is done, else 303 to j with the given
// wait, which a browser ignores (the long wait of each request paces it)
// but a script can honour.
func (m *Manager) answer(w http.ResponseWriter, r *http.Request, j *Job, wait int) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	switch j.State {
	case Complete:
		m.writeResult(w, r, j)
	case Failed:
		plain(w, http.StatusInternalServerError, "The job failed: "+j.Error)
	default:
		h.Set("Location", "/jobs/"+j.ID+"?wait="+strconv.Itoa(wait))
		h.Set("Retry-After", strconv.Itoa(wait))
		plain(w, http.StatusSeeOther, status(j))
	}
}

// status says how far a job has come, for whoever reads a 303's body.
func status(j *Job) string {
	s := "The job is " + string(j.State)
	if p := j.Progress; p != nil && p.Total > 0 {
		s += fmt.Sprintf(" (%d of %d)", p.Done, p.Total)
	}
	if p := j.Progress; p != nil && p.Note != "" {
		s += ": " + p.Note
	}
	return s + "."
}

func (m *Manager) writeResult(w http.ResponseWriter, r *http.Request, j *Job) {
	res := j.Result
	h := w.Header()
	for k, vs := range res.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if res.ContentType != "" {
		h.Set("Content-Type", res.ContentType)
	}
	if res.Stored {
		m.writeStored(w, r, j)
		return
	}
	if len(res.Body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(res.Body)))
	}
	w.WriteHeader(res.Status)
	if r.Method != http.MethodHead {
		w.Write(res.Body)
	}
}

// writeStored sends a result kept apart: a redirect to a signed URL where
// the store can make one (S3), else the bytes themselves.
func (m *Manager) writeStored(w http.ResponseWriter, r *http.Request, j *Job) {
	u, err := m.store.JobOutputURL(r.Context(), j.ID, m.o.OutputTTL)
	if err == nil {
		http.Redirect(w, r, u, http.StatusSeeOther)
		return
	}
	// Folders cannot sign URLs, nor can memory; send the bytes instead.
	f, err := m.store.OpenJobOutput(r.Context(), j.ID)
	if errstatus.Of(err) == http.StatusNotFound {
		plain(w, http.StatusNotFound, "The job's result has expired. Results are kept for a day.")
		return
	}
	if err != nil {
		m.log.Error("open job result", "job", j.ID, "err", err)
		w.Header().Set("Retry-After", "5")
		plain(w, http.StatusServiceUnavailable, "The job's result cannot be read just now; try again shortly.")
		return
	}
	defer f.Close()
	http.ServeContent(w, r, "", f.Info().ModTime, f)
}

func plain(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}
