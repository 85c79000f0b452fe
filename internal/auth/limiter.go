package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash/maphash"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/grailblog/grail/internal/store"
)

// Limiter slows down password guessing. Every login attempt is counted
// before its password is checked (Reserve), in two places:
//
//   - the client's address, a token bucket of perMinute attempts a
//     minute: it stops one client trying many names;
//   - the account, with growing delays: after five failures in a row
//     each further attempt for that name must wait 15 s, then 30 s, 1 min
//     and so on up to 15 min. It stops many clients trying one name
//     without letting them lock its owner out for good: a browser that
//     has logged in as that name before (a device cookie) is counted in a
//     bucket of its own instead.
//
// Counting before checking is what makes the limit hold when attempts
// arrive together: the slow password check never runs for more attempts
// than the limit allows. A successful login gives back its address's
// attempt and clears the account's (or device's) failures.
//
// With a store the counts live there (_grail/logins/), written with
// compare-and-swap, so that every server and every Lambda instance shares
// one allowance. Reads are cached for a moment; a write from a stale read
// fails and is retried from a fresh one, so the cache never lets an
// attempt through that the shared count would refuse.
type Limiter struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	perMinute int
	st        *store.Store // nil: counts kept in memory only

	mu        sync.Mutex
	counts    map[string]*cachedCount
	version   uint64 // etags of counts kept in memory only
	lastSweep time.Time

	// locks serialise this server's attempts on one key, so that they do
	// not race each other to the store.
	locks [64]sync.Mutex
	seed  maphash.Seed
}

const (
	// maxTracked bounds the counts kept in memory, so that an attacker
	// inventing names or addresses cannot exhaust it.
	maxTracked = 10_000
	sweepEvery = 10 * time.Second
	// cacheFor is how long a count read from the store is trusted for
	// refusing an attempt without reading it again.
	cacheFor = 2 * time.Second
	// freeFailures is how many failures in a row an account (or device)
	// may have before each further attempt is delayed.
	freeFailures = 5
	firstDelay   = 15 * time.Second
	maxDelay     = 15 * time.Minute
	// forgetAfter: an account's failures are forgotten this long after
	// the last one.
	forgetAfter = 24 * time.Hour
	// maxTries bounds the compare-and-swap retries of one count.
	maxTries = 5
)

// count is the state of one key, as stored (JSON) and cached.
type count struct {
	// Failures in a row and the time of the last (accounts, devices).
	Failures int   `json:"failures,omitempty"`
	Last     int64 `json:"last,omitempty"` // Unix ms
	// Full is when an address's bucket is full again (Unix ms): each
	// attempt moves it on by one interval.
	Full int64 `json:"full,omitempty"`
	// Expires is when the record stops meaning anything (Unix ms).
	Expires int64 `json:"expires"`
}

type cachedCount struct {
	c    count
	etag string
	read time.Time
}

// NewLimiter allows perMinute login attempts a minute (at least 1) per
// client address, and five failures in a row per account before delays.
// With st the counts are shared by every server on that store; with nil
// they are kept in memory.
func NewLimiter(perMinute int, st *store.Store) *Limiter {
	return &Limiter{perMinute: max(perMinute, 1), st: st, counts: map[string]*cachedCount{}, seed: maphash.MakeSeed()}
}

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Attempt is a login attempt that has been counted. Tell it when the
// password was right; a wrong one needs nothing more.
type Attempt struct {
	l                *Limiter
	address, account string
}

// Reserve counts one login attempt for user from ip, before its password
// is checked, or returns how long to wait (rounded up to whole seconds)
// if it may not be tried now. device is the id of a valid device cookie
// for user ("" for none); its attempts are counted apart from the
// account's.
func (l *Limiter) Reserve(ctx context.Context, ip, user, device string) (*Attempt, time.Duration, error) {
	a := &Attempt{l: l, address: "ip-" + hashID(ipKey(ip)), account: "user-" + hashID(userKey(user))}
	if device != "" {
		a.account = "device-" + hashID(device)
	}
	defer l.lock(a.address, a.account)()
	// A look at the account first: an attempt it refuses then costs no
	// write, however many addresses a name is attacked from.
	if wait, err := l.peek(ctx, a.account, takeAccount); err != nil || wait > 0 {
		if err == nil {
			// Say when both will allow it.
			var addressWait time.Duration
			addressWait, err = l.peek(ctx, a.address, l.takeAddress)
			wait = max(wait, addressWait)
		}
		return nil, wait, err
	}
	wait, err := l.update(ctx, a.address, l.takeAddress)
	if err != nil || wait > 0 {
		return nil, wait, err
	}
	wait, err = l.update(ctx, a.account, takeAccount)
	if err != nil || wait > 0 {
		// The address's attempt was not made after all.
		_, giveErr := l.update(ctx, a.address, l.giveAddress)
		return nil, wait, errors.Join(err, giveErr)
	}
	return a, 0, nil
}

// Succeeded records that the attempt's password was right: the address
// gets its attempt back (its other attempts stay counted, or an attacker
// with one account could reset them between guesses at another) and the
// account's or device's failures are forgotten.
func (a *Attempt) Succeeded(ctx context.Context) error {
	l := a.l
	defer l.lock(a.address, a.account)()
	if _, err := l.update(ctx, a.address, l.giveAddress); err != nil {
		return err
	}
	_, err := l.update(ctx, a.account, func(count, time.Time) (count, time.Duration) { return count{}, 0 })
	return err
}

// lock takes the locks of two keys, in a fixed order.
func (l *Limiter) lock(a, b string) (unlock func()) {
	i, j := maphash.String(l.seed, a)%uint64(len(l.locks)), maphash.String(l.seed, b)%uint64(len(l.locks))
	if i > j {
		i, j = j, i
	}
	l.locks[i].Lock()
	if j != i {
		l.locks[j].Lock()
	}
	return func() {
		if j != i {
			l.locks[j].Unlock()
		}
		l.locks[i].Unlock()
	}
}

// interval is the time an address's bucket takes to regain one attempt.
func (l *Limiter) interval() int64 { return int64(time.Minute/time.Millisecond) / int64(l.perMinute) }

// takeAddress is the address's token bucket (as a generic cell rate
// algorithm: one timestamp says how full it is).
func (l *Limiter) takeAddress(c count, now time.Time) (count, time.Duration) {
	ms, t := now.UnixMilli(), l.interval()
	next := max(c.Full, ms) + t
	if over := next - int64(l.perMinute)*t - ms; over > 0 {
		return c, roundUp(time.Duration(over) * time.Millisecond)
	}
	return count{Full: next, Expires: next}, 0
}

// giveAddress returns one attempt to the address's bucket.
func (l *Limiter) giveAddress(c count, now time.Time) (count, time.Duration) {
	if c.Full <= now.UnixMilli() {
		return c, 0
	}
	c.Full -= l.interval()
	c.Expires = c.Full
	return c, 0
}

// takeAccount counts a failure in advance, once the delay the earlier
// ones call for has passed.
func takeAccount(c count, now time.Time) (count, time.Duration) {
	ms := now.UnixMilli()
	if c.Expires <= ms {
		c = count{}
	}
	if c.Failures >= freeFailures {
		if wait := c.Last + delay(c.Failures).Milliseconds() - ms; wait > 0 {
			return c, roundUp(time.Duration(wait) * time.Millisecond)
		}
	}
	return count{Failures: c.Failures + 1, Last: ms, Expires: ms + forgetAfter.Milliseconds()}, 0
}

// delay is how long after its last failure an account with failures in a
// row may be tried again: nothing for the first few, then doubling.
func delay(failures int) time.Duration {
	if failures < freeFailures {
		return 0
	}
	d := firstDelay << min(failures-freeFailures, 10)
	return min(d, maxDelay)
}

// roundUp rounds a wait up to whole seconds, for a Retry-After header.
func roundUp(d time.Duration) time.Duration {
	return max((d+time.Second-1)/time.Second*time.Second, time.Second)
}

// update applies f to key's count and stores the result, retrying from a
// fresh read when another server (or goroutine) wrote it first. A
// positive wait from f means the attempt is refused and nothing is
// written.
func (l *Limiter) update(ctx context.Context, key string, f func(count, time.Time) (count, time.Duration)) (time.Duration, error) {
	key = l.tracked(key)
	for range maxTries {
		c, etag, err := l.load(ctx, key)
		if err != nil {
			return 0, err
		}
		next, wait := f(c, l.now())
		if wait > 0 || next == c {
			return wait, nil
		}
		err = l.save(ctx, key, next, etag)
		if !errors.Is(err, store.ErrConflict) {
			return 0, err
		}
	}
	// Lost every race: others are trying this key hard right now.
	return time.Second, nil
}

// peek is how long f would make an attempt on key wait, without
// counting it.
func (l *Limiter) peek(ctx context.Context, key string, f func(count, time.Time) (count, time.Duration)) (time.Duration, error) {
	c, _, err := l.load(ctx, l.tracked(key))
	if err != nil {
		return 0, err
	}
	_, wait := f(c, l.now())
	return wait, nil
}

// tracked is the key to count under. Kept in memory only, a full table
// sends new keys to one shared count per kind, so that flooding it makes
// newcomers share one small allowance rather than go uncounted.
func (l *Limiter) tracked(key string) string {
	if l.st != nil {
		return key
	}
	// Room is kept for the shared counts of the three kinds of key
	// (ip, user, device).
	const room = maxTracked - 3
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.counts[key]; !ok && len(l.counts) >= room {
		l.sweep(l.now())
	}
	if _, ok := l.counts[key]; ok || len(l.counts) < room {
		return key
	}
	kind, _, _ := strings.Cut(key, "-")
	return kind + "-overflow"
}

// load returns key's count and version, from memory while it is fresh.
func (l *Limiter) load(ctx context.Context, key string) (count, string, error) {
	now := l.now()
	l.mu.Lock()
	e := l.counts[key]
	l.mu.Unlock()
	if e != nil && (l.st == nil || now.Sub(e.read) < cacheFor) {
		return e.c, e.etag, nil
	}
	if l.st == nil {
		return count{}, "", nil
	}
	data, info, err := l.st.ReadLoginRecord(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return count{}, "", nil
	}
	if err != nil {
		return count{}, "", err
	}
	var c count
	// A damaged record counts as empty; the next write replaces it.
	_ = json.Unmarshal(data, &c)
	l.remember(key, &cachedCount{c: c, etag: info.ETag, read: now})
	return c, info.ETag, nil
}

// save writes key's count if it is still at version etag ("": absent),
// or fails with store.ErrConflict.
func (l *Limiter) save(ctx context.Context, key string, c count, etag string) error {
	now := l.now()
	if l.st == nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		if e := l.counts[key]; e == nil && etag != "" || e != nil && e.etag != etag {
			return store.ErrConflict
		}
		l.version++
		l.counts[key] = &cachedCount{c: c, etag: strconv.FormatUint(l.version, 10)}
		l.sweep(now)
		return nil
	}
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	info, err := l.st.WriteLoginRecord(ctx, key, data, etag)
	if err != nil {
		l.mu.Lock()
		delete(l.counts, key)
		l.mu.Unlock()
		return err
	}
	l.remember(key, &cachedCount{c: c, etag: info.ETag, read: now})
	return nil
}

// remember caches a count read from or written to the store, unless the
// cache is full of fresh counts.
func (l *Limiter) remember(key string, e *cachedCount) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(e.read)
	if _, ok := l.counts[key]; ok || len(l.counts) < maxTracked {
		l.counts[key] = e
	}
}

// sweep forgets counts that no longer mean anything (and, from a store,
// those too old to trust). Call with l.mu held.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery {
		return
	}
	l.lastSweep = now
	ms := now.UnixMilli()
	for k, e := range l.counts {
		if e.c.Expires <= ms || l.st != nil && now.Sub(e.read) >= cacheFor {
			delete(l.counts, k)
		}
	}
}

// hashID names a key in the store without keeping the address or name
// itself there (and whatever characters it has).
func hashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
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
// "ada") and caps the length of what an attacker can make us hash.
func userKey(user string) string {
	return strings.ToLower(truncate(user))
}

// truncate caps a key's length.
func truncate(s string) string {
	if len(s) > maxNameLen {
		return s[:maxNameLen]
	}
	return s
}

// ClientIP is the address of the client that sent r: the host part of
// r.RemoteAddr. It does not read X-Forwarded-For, which any client can
// send: the transport has already put a trusted proxy's in RemoteAddr
// (see transport.Proxies), and the Lambda adapter the front door's.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
