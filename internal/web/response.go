package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// response is a fully rendered reply, kept in the render cache and written
// with no further work: compressed forms are made once, on the first
// request that accepts them, and conditional requests are answered from
// the stored validators.
type response struct {
	status int
	header http.Header // Content-Type, Cache-Control, and so on; never mutated after creation
	body   []byte
	etag   string // strong validator of the identity body, quoted
	// lastModified is the formatted Last-Modified value, or "".
	lastModified string
	modTime      time.Time

	brOnce, gzOnce sync.Once
	br, gz         []byte
}

func newResponse(status int, contentType, cacheControl string, body []byte, modTime time.Time) *response {
	sum := sha256.Sum256(body)
	r := &response{
		status: status,
		header: http.Header{
			"Content-Type":  {contentType},
			"Cache-Control": {cacheControl},
			"Vary":          {"Accept-Encoding"},
		},
		body: body,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
	}
	if !modTime.IsZero() {
		r.modTime = modTime.UTC().Truncate(time.Second)
		r.lastModified = r.modTime.Format(http.TimeFormat)
	}
	return r
}

// size is what the response holds in memory, for the cache's budget.
func (r *response) size() int {
	return len(r.body) + len(r.br) + len(r.gz) + 512
}

// minCompress is the size below which compressing costs more than it saves.
const minCompress = 512

// compressible content types are text; images and archives are already packed.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		strings.Contains(contentType, "json") ||
		strings.Contains(contentType, "xml") ||
		strings.Contains(contentType, "javascript") ||
		strings.HasPrefix(contentType, "image/svg")
}

func (r *response) brotli() []byte {
	r.brOnce.Do(func() {
		var b bytes.Buffer
		w := brotli.NewWriterLevel(&b, 9)
		w.Write(r.body)
		w.Close()
		r.br = b.Bytes()
	})
	return r.br
}

func (r *response) gzip() []byte {
	r.gzOnce.Do(func() {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(r.body)
		w.Close()
		r.gz = b.Bytes()
	})
	return r.gz
}

var (
	encBrotli = []string{"br"}
	encGzip   = []string{"gzip"}
)

// write sends the response, compressed if the client accepts it, or 304
// if the client's copy is current.
func (r *response) write(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	body, enc, tag := r.body, []string(nil), r.etag
	if r.status == http.StatusOK && len(r.body) >= minCompress && compressible(r.header.Get("Content-Type")) {
		switch pickEncoding(req.Header.Get("Accept-Encoding")) {
		case "br":
			body, enc, tag = r.brotli(), encBrotli, r.etag[:len(r.etag)-1]+`-br"`
		case "gzip":
			body, enc, tag = r.gzip(), encGzip, r.etag[:len(r.etag)-1]+`-gz"`
		}
	}
	if r.status == http.StatusOK {
		h["Etag"] = []string{tag}
		if r.lastModified != "" {
			h["Last-Modified"] = []string{r.lastModified}
		}
		if r.notModified(req) {
			delete(h, "Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if enc != nil {
		h["Content-Encoding"] = enc
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(r.status)
	if req.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies RFC 9110's rules: If-None-Match wins over
// If-Modified-Since, and any of our encodings' tags matches (the client
// holds some representation of this exact content).
func (r *response) notModified(req *http.Request) bool {
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, r.etag)
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" && !r.modTime.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !r.modTime.After(t)
	}
	return false
}

// etagMatches does a weak comparison of each tag in an If-None-Match list
// with ours, ignoring the encoding suffix.
func etagMatches(list, etag string) bool {
	base := strings.Trim(etag, `"`)
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.Trim(t, `"`)
		t = strings.TrimSuffix(strings.TrimSuffix(t, "-br"), "-gz")
		if t == base {
			return true
		}
	}
	return false
}

// pickEncoding chooses brotli, then gzip, honouring q=0 refusals.
func pickEncoding(accept string) string {
	if accept == "" {
		return ""
	}
	br, gz := false, false
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		ok := true
		if q, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			v, err := strconv.ParseFloat(q, 64)
			ok = err == nil && v > 0
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = ok
		case "gzip", "x-gzip":
			gz = ok
		case "*":
			br, gz = br || ok, gz || ok
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}
