package auth

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter slows down password guessing. It counts failed logins in two
// token buckets per attempt, one for the client's IP address and one for
// the user name tried; either running dry refuses logins until it refills.
// The IP bucket stops one client trying many names, the name bucket many
// clients trying one name.
//
// It lives in memory. Each server, and on AWS Lambda each warm instance,
// counts on its own, so the limit across a fleet is perMinute times the
// number of instances; it still turns an online attack from millions of
// guesses into a trickle.
type Limiter struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	perMinute int
	mu        sync.Mutex
	ips       buckets
	users     buckets
	lastSweep time.Time
}

const (
	// maxTracked bounds each kind of bucket (IPs, names), so that an
	// attacker inventing names or addresses cannot exhaust memory.
	maxTracked = 10_000
	sweepEvery = 10 * time.Second
)

// buckets are the token buckets of one kind, by key.
type buckets struct {
	m map[string]*rate.Limiter
	// overflow is shared by new keys while m is full, so that flooding
	// the table makes newcomers share one small allowance rather than
	// letting them go uncounted.
	overflow *rate.Limiter
}

// NewLimiter allows perMinute failed logins a minute (at least 1) per
// client IP and per user name, in a burst or spread out.
func NewLimiter(perMinute int) *Limiter {
	perMinute = max(perMinute, 1)
	l := &Limiter{perMinute: perMinute}
	l.ips = buckets{m: map[string]*rate.Limiter{}, overflow: l.newBucket()}
	l.users = buckets{m: map[string]*rate.Limiter{}, overflow: l.newBucket()}
	return l
}

func (l *Limiter) newBucket() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Check returns how long to wait before a login for user from ip may be
// tried, 0 if it may be tried now. It does not count an attempt.
func (l *Limiter) Check(ip, user string) (retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	return max(wait(l.ips.get(ipKey(ip)), now), wait(l.users.get(userKey(user)), now))
}

// Fail counts one failed login.
func (l *Limiter) Fail(ip, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.ips.sweep(now, l.perMinute)
		l.users.sweep(now, l.perMinute)
		l.lastSweep = now
	}
	l.bucket(&l.ips, ipKey(ip)).AllowN(now, 1)
	l.bucket(&l.users, userKey(user)).AllowN(now, 1)
}

// Succeed forgets the failures counted against user, so that the writer's
// own typos do not pile up. The IP's count stays: otherwise an attacker
// with one account could reset it between guesses at another.
func (l *Limiter) Succeed(ip, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.users.m, userKey(user))
}

// get returns key's bucket: its own, the shared overflow while the table
// is full, or nil for a key with no failures counted.
func (b *buckets) get(key string) *rate.Limiter {
	if lim, ok := b.m[key]; ok {
		return lim
	}
	if len(b.m) >= maxTracked {
		return b.overflow
	}
	return nil
}

// bucket returns key's bucket in b, making it if need be.
func (l *Limiter) bucket(b *buckets, key string) *rate.Limiter {
	if lim := b.get(key); lim != nil {
		return lim
	}
	lim := l.newBucket()
	b.m[key] = lim
	return lim
}

// sweep forgets full buckets: a key that has had time to refill is the
// same as a key never seen.
func (b *buckets) sweep(now time.Time, burst int) {
	for k, lim := range b.m {
		if lim.TokensAt(now) >= float64(burst) {
			delete(b.m, k)
		}
	}
}

// wait is how long until lim has a token, rounded up to whole seconds
// for a Retry-After header.
func wait(lim *rate.Limiter, now time.Time) time.Duration {
	if lim == nil {
		return 0
	}
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	// The tolerance keeps float rounding (12.000000001 s) from adding a
	// second.
	secs := math.Ceil(missing/float64(lim.Limit()) - 1e-6)
	return time.Duration(max(secs, 1)) * time.Second
}

// ipKey groups IPv6 addresses by /64, the block one customer usually
// gets, so that walking through it does not buy fresh allowances.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return truncate(ip)
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// userKey folds case (names are lower case, so "Ada" is a guess at
// "ada") and caps the length of what an attacker can make us store.
func userKey(user string) string {
	return strings.ToLower(truncate(user))
}

// truncate caps a key's length, copying so that the map does not keep a
// huge request string alive through a short slice of it.
func truncate(s string) string {
	if len(s) > maxNameLen {
		return strings.Clone(s[:maxNameLen])
	}
	return s
}

// ClientIP is the address of the client that sent r: the host part of
// r.RemoteAddr. It does not trust X-Forwarded-For, which any client can
// send; the Lambda adapter and a trusted proxy layer set RemoteAddr
// instead.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
