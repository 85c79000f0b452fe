package transport

import (
	"encoding/binary"
	"io"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ThrottleOptions configure Throttle.
type ThrottleOptions struct {
	// Rate is how many requests a second one client may make, sustained.
	Rate float64
	// Burst is how many it may make at once, after a pause.
	Burst int
	// MaxClients bounds the clients remembered at once (default 50,000,
	// about 10 MB).
	MaxClients int
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Throttle limits each client to a token bucket of Rate requests a second
// with Burst to spare, and answers requests beyond it with 429 Too Many
// Requests and a Retry-After saying when the next one will be taken.
//
// A client is an IP address; an IPv6 client is its /64, since one host
// gets a whole /64 and could otherwise change address at every request.
// Loopback clients are never limited: they are this machine, typically a
// reverse proxy whose own clients all share its address.
func Throttle(h http.Handler, o ThrottleOptions) http.Handler {
	return NewThrottler(o).Wrap(h)
}

// Throttler is the limiter behind Throttle, for servers that answer some
// requests without going through an http.Handler (see FastListener).
type Throttler struct{ t *throttle }

// NewThrottler makes a limiter with the options of Throttle.
func NewThrottler(o ThrottleOptions) *Throttler {
	if o.MaxClients <= 0 {
		o.MaxClients = 50_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	t := &throttle{limit: rate.Limit(o.Rate), burst: max(o.Burst, 1), now: o.Now,
		perShard: max(o.MaxClients/throttleShards, 1)}
	// A bucket left alone this long is full again, so forgetting its
	// client changes nothing.
	t.idle = max(time.Duration(float64(t.burst)/o.Rate*float64(time.Second)), time.Second)
	for i := range t.shards {
		t.shards[i].clients = make(map[netip.Addr]*client)
	}
	return &Throttler{t}
}

// Wrap limits the requests that reach h.
func (l *Throttler) Wrap(h http.Handler) http.Handler {
	return &limited{l: l, h: h}
}

// Wait takes a token for the client at remoteAddr ("ip:port") and returns
// zero, or returns how long until the client may ask again.
func (l *Throttler) Wait(remoteAddr string) time.Duration {
	if ip, ok := clientOf(remoteAddr); ok {
		return l.t.wait(ip, l.t.now())
	}
	return 0
}

type limited struct {
	l *Throttler
	h http.Handler
}

func (t *limited) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if wait := t.l.Wait(r.RemoteAddr); wait > 0 {
		tooMany(w, wait)
		return
	}
	t.h.ServeHTTP(w, r)
}

// The clients are split into shards so that concurrent requests rarely
// wait on the same lock.
const (
	shardBits      = 6
	throttleShards = 1 << shardBits
)

type throttle struct {
	limit    rate.Limit
	burst    int
	idle     time.Duration
	perShard int
	now      func() time.Time
	shards   [throttleShards]shard
}

type shard struct {
	mu        sync.Mutex
	clients   map[netip.Addr]*client
	nextSweep time.Time
	_         [24]byte // 64 bytes in all: neighbouring locks on separate cache lines
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// clientOf returns the address a client is counted under, or false for
// clients that are not limited.
func clientOf(remoteAddr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	ip := ap.Addr().Unmap()
	if ip.IsLoopback() {
		return netip.Addr{}, false
	}
	if ip.Is6() {
		ip = netip.PrefixFrom(ip.WithZone(""), 64).Masked().Addr()
	}
	return ip, true
}

// wait takes a token from ip's bucket and returns zero, or returns how
// long until there is one.
func (t *throttle) wait(ip netip.Addr, now time.Time) time.Duration {
	s := &t.shards[shardOf(ip)]
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[ip]
	if c == nil {
		c = t.add(s, ip, now)
	}
	c.seen = now
	if c.lim.AllowN(now, 1) {
		return 0
	}
	return time.Duration((1 - c.lim.TokensAt(now)) / float64(t.limit) * float64(time.Second))
}

// add remembers a new client, first forgetting idle ones now and then,
// and an arbitrary one if the shard is still full (which can only let
// that client through sooner than it should). s.mu is held.
func (t *throttle) add(s *shard, ip netip.Addr, now time.Time) *client {
	if len(s.clients) >= t.perShard && now.After(s.nextSweep) {
		for k, c := range s.clients {
			if now.Sub(c.seen) >= t.idle {
				delete(s.clients, k)
			}
		}
		s.nextSweep = now.Add(t.idle)
	}
	if len(s.clients) >= t.perShard {
		for k := range s.clients {
			delete(s.clients, k)
			break
		}
	}
	c := &client{lim: rate.NewLimiter(t.limit, t.burst)}
	s.clients[ip] = c
	return c
}

func shardOf(ip netip.Addr) int {
	b := ip.As16()
	h := binary.LittleEndian.Uint64(b[:8]) ^ binary.LittleEndian.Uint64(b[8:])
	return int((h * 0x9e3779b97f4a7c15) >> (64 - shardBits))
}

func tooMany(w http.ResponseWriter, wait time.Duration) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, "Too many requests from your address; please slow down.\n")
}
