package transport

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Reply is a stored response, written with no further work: compressed
// forms are made once, on the first request that accepts them, and
// conditional requests are answered from the stored validators. Header
// values are built once too, because this is the path every cached page
// takes. The fast path and net/http write the same bytes for it.
type Reply struct {
	status int
	header http.Header // Content-Type, Cache-Control, and so on; never mutated after creation
	etag   string      // strong validator of the identity body, quoted
	// lastModified is the Last-Modified header, or nil.
	lastModified []string
	modTime      time.Time
	compressible bool

	identity       *representation
	brOnce, gzOnce sync.Once
	br, gz         atomic.Pointer[representation] // nil until first asked for
}

// representation is one encoding of a response's body with its headers.
type representation struct {
	body     []byte
	etag     []string
	length   []string
	encoding []string // nil for identity
	// file holds body when it is large (body is then its mapping), so
	// that it can be sent without copying.
	file *memBody
	// heads are the serialised heads the fast path writes, made on first
	// use: [full reply, 304][plain HTTP, HTTPS].
	heads [2][2]atomic.Pointer[[]byte]
}

func newRepresentation(body []byte, etag string, encoding []string) *representation {
	rep := &representation{body: body, etag: []string{etag}, length: []string{strconv.Itoa(len(body))}, encoding: encoding}
	if len(body) >= zeroCopyMin {
		if m := newMemBody(body); m != nil {
			rep.body, rep.file = m.data, m
		}
	}
	return rep
}

// NewReply stores body as a reply with the given status and headers. A
// non-zero modTime becomes its Last-Modified.
func NewReply(status int, contentType, cacheControl string, body []byte, modTime time.Time) *Reply {
	sum := sha256.Sum256(body)
	r := &Reply{
		status: status,
		header: http.Header{
			"Content-Type":  {contentType},
			"Cache-Control": {cacheControl},
			"Vary":          {"Accept-Encoding"},
		},
		etag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		compressible: status == http.StatusOK && len(body) >= minCompress && compressible(contentType),
	}
	r.identity = newRepresentation(body, r.etag, nil)
	if !modTime.IsZero() {
		r.modTime = modTime.UTC().Truncate(time.Second)
		r.lastModified = []string{r.modTime.Format(http.TimeFormat)}
	}
	return r
}

// Status is the reply's status code.
func (r *Reply) Status() int { return r.status }

// Header holds the reply's own headers (Content-Type, Cache-Control, and
// so on). It may be changed only before the reply is first written.
func (r *Reply) Header() http.Header { return r.header }

// Size is what the reply holds in memory, for a cache's budget.
func (r *Reply) Size() int {
	n := len(r.identity.body) + 512
	for _, rep := range []*representation{r.br.Load(), r.gz.Load()} {
		if rep != nil {
			n += len(rep.body)
		}
	}
	return n
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

// taggedAs is our ETag with a suffix naming the encoding: each
// representation needs its own strong validator.
func (r *Reply) taggedAs(suffix string) string {
	return r.etag[:len(r.etag)-1] + suffix + `"`
}

// Compressors are pooled: each holds megabytes of tables, and making one
// per page left hundreds of megabytes for the garbage collector after a
// crawl of the site. Brotli at quality 6 with a 256 KiB window (pages are
// smaller) needs a fifth of the memory of quality 9; its pages are a few
// per cent larger, and are compressed once and then served from memory.
var (
	brotliPool = sync.Pool{New: func() any {
		return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: 6, LGWin: 18})
	}}
	gzipPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
		return w
	}}
)

func (r *Reply) brotli() *representation {
	r.brOnce.Do(func() { r.br.Store(r.compress(&brotliPool, "br", "-br")) })
	return r.br.Load()
}

func (r *Reply) gzip() *representation {
	r.gzOnce.Do(func() { r.gz.Store(r.compress(&gzipPool, "gzip", "-gz")) })
	return r.gz.Load()
}

// compressor is what brotli and gzip writers have in common.
type compressor interface {
	io.WriteCloser
	Reset(io.Writer)
}

// compress encodes the body with a writer from pool; the representation's
// ETag is ours with suffix.
func (r *Reply) compress(pool *sync.Pool, encoding, suffix string) *representation {
	var b bytes.Buffer
	w := pool.Get().(compressor)
	w.Reset(&b)
	r.identity.writeBody(w)
	w.Close()
	w.Reset(nil)
	pool.Put(w)
	return newRepresentation(b.Bytes(), r.taggedAs(suffix), []string{encoding})
}

// representation picks the encoding a client's Accept-Encoding asks for.
func (r *Reply) representation(acceptEncoding string) *representation {
	if r.compressible {
		switch pickEncoding(acceptEncoding) {
		case "br":
			return r.brotli()
		case "gzip":
			return r.gzip()
		}
	}
	return r.identity
}

// Write sends the reply, compressed if the client accepts it, or 304 if
// the client's copy is current.
func (r *Reply) Write(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	rep := r.representation(req.Header.Get("Accept-Encoding"))
	if r.status == http.StatusOK {
		h["Etag"] = rep.etag
		if r.lastModified != nil {
			h["Last-Modified"] = r.lastModified
		}
		if r.notModified(req.Header.Get("If-None-Match"), req.Header.Get("If-Modified-Since")) {
			delete(h, "Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if rep.encoding != nil {
		h["Content-Encoding"] = rep.encoding
	}
	h["Content-Length"] = rep.length
	w.WriteHeader(r.status)
	if req.Method == http.MethodHead {
		return
	}
	if rep.file != nil && corkedConn(req) != nil {
		// The headers go into the corked connection, then the body is
		// handed over as a file: net/http passes a reader to the
		// connection's ReadFrom once the headers are out.
		http.NewResponseController(w).Flush()
		io.Copy(w, rep.file.reader())
		return
	}
	rep.writeBody(w)
}

// writeBody writes the body to w. A large body is a mapping that lives
// only as long as its memBody (a cleanup unmaps it), and the reply may
// leave every cache while it is being written: the memBody is kept alive
// until the write has returned. Every write of a body goes through here
// or through a memBodyReader, which holds the memBody itself.
func (rep *representation) writeBody(w io.Writer) (int, error) {
	n, err := w.Write(rep.body)
	runtime.KeepAlive(rep.file)
	return n, err
}

// notModified applies RFC 9110's rules: If-None-Match wins over
// If-Modified-Since, and any of our encodings' tags matches (the client
// holds some representation of this exact content).
func (r *Reply) notModified(inm, ims string) bool {
	if r.status != http.StatusOK {
		return false // only a page's full reply has a copy to keep
	}
	if inm != "" {
		return etagMatches(inm, r.etag)
	}
	if ims != "" && !r.modTime.IsZero() {
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

// pickEncoding chooses brotli, then gzip, honouring q=0 refusals. It
// walks the header in place: it runs for every request.
func pickEncoding(accept string) string {
	br, gz := false, false
	for accept != "" {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		name, params, _ := strings.Cut(part, ";")
		ok := true
		if q, found := strings.CutPrefix(strings.TrimSpace(params), "q="); found {
			v, err := strconv.ParseFloat(q, 64)
			ok = err == nil && v > 0
		}
		switch name = strings.TrimSpace(name); {
		case strings.EqualFold(name, "br"):
			br = ok
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			gz = ok
		case name == "*":
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
