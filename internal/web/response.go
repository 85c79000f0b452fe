package web

import (
	"net/http"
	"time"

	"github.com/grailblog/grail/internal/transport"
)

// response is a rendered page, feed or asset: a reply the transport
// stores and writes (see transport.Reply).
type response struct{ *transport.Reply }

func newResponse(status int, contentType, cacheControl string, body []byte, modTime time.Time) *response {
	return &response{transport.NewReply(status, contentType, cacheControl, body, modTime)}
}

// embeddable marks a new response as one other origins may embed (see
// corpEmbeddable), before it is first written.
func embeddable(r *response) *response {
	r.Header()["Cross-Origin-Resource-Policy"] = corpEmbeddable
	return r
}

// write sends the response, compressed if the client accepts it, or 304
// if the client's copy is current.
func (r *response) write(w http.ResponseWriter, req *http.Request) { r.Reply.Write(w, req) }
