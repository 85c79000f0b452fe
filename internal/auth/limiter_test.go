package auth

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grailblog/grail/internal/s3test"
	"github.com/grailblog/grail/internal/store"
)

var testStart = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// testClock is a clock tests move by hand, safe to read from goroutines.
type testClock struct{ t atomic.Pointer[time.Time] }

func newTestClock() *testClock {
	c := &testClock{}
	c.set(testStart)
	return c
}

func (c *testClock) now() time.Time              { return *c.t.Load() }
func (c *testClock) set(t time.Time)             { c.t.Store(&t) }
func (c *testClock) add(d time.Duration)         { c.set(c.now().Add(d)) }
func (c *testClock) limiter(l *Limiter) *Limiter { l.Now = c.now; return l }

func newTestLimiter(perMinute int) (*Limiter, *testClock) {
	clock := newTestClock()
	return clock.limiter(NewLimiter(perMinute, nil)), clock
}

// try reserves an attempt and returns how long it was told to wait (0:
// it was counted, as a failure unless it is told otherwise).
func try(t *testing.T, l *Limiter, ip, user string) time.Duration {
	t.Helper()
	_, wait, err := l.Reserve(context.Background(), ip, user, "")
	if err != nil {
		t.Fatal(err)
	}
	return wait
}

// fail counts a failed attempt that must be allowed.
func fail(t *testing.T, l *Limiter, ip, user string) {
	t.Helper()
	if wait := try(t, l, ip, user); wait != 0 {
		t.Fatalf("%s for %s: told to wait %v, want an attempt", ip, user, wait)
	}
}

func TestLimiter(t *testing.T) {
	l, clock := newTestLimiter(5)
	for range 5 {
		fail(t, l, "192.0.2.1", "ada")
	}
	tests := []struct {
		what, ip, user string
		want           time.Duration
	}{
		{"same IP and user", "192.0.2.1", "ada", 15 * time.Second},         // until both allow it
		{"same IP, another user", "192.0.2.1", "bob", 12 * time.Second},    // one attempt refills every 60s/5
		{"another IP, same user", "198.51.100.7", "ada", 15 * time.Second}, // the first delay after five failures
		{"same user in capitals", "198.51.100.7", "ADA", 15 * time.Second},
		{"another IP and user", "198.51.100.7", "bob", 0},
	}
	for _, tt := range tests {
		if got := try(t, l, tt.ip, tt.user); got != tt.want {
			t.Errorf("%s: wait %v, want %v", tt.what, got, tt.want)
		}
	}

	clock.add(5 * time.Second)
	if got := try(t, l, "192.0.2.1", "zoe"); got != 7*time.Second {
		t.Errorf("5 s later: wait %v, want 7s", got)
	}
	clock.add(7 * time.Second)
	fail(t, l, "192.0.2.1", "zoe") // 12 s later, one more attempt
	if got := try(t, l, "192.0.2.1", "zoe"); got != 12*time.Second {
		t.Errorf("after that attempt: wait %v, want 12s", got)
	}
}

// TestLimiterAccountDelaysGrow: attempts at one name from ever new
// addresses are delayed more and more after five failures, up to a cap,
// and never refused for good.
func TestLimiterAccountDelaysGrow(t *testing.T) {
	l, clock := newTestLimiter(5)
	ip := 0
	next := func() string { ip++; return fmt.Sprintf("203.0.113.%d", ip) }
	for range 5 {
		fail(t, l, next(), "ada")
	}
	for _, want := range []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		if got := try(t, l, next(), "ada"); got != want {
			t.Fatalf("wait %v, want %v", got, want)
		}
		clock.add(want - time.Second)
		if got := try(t, l, next(), "ada"); got != time.Second {
			t.Fatalf("a second before the delay is over: wait %v", got)
		}
		clock.add(time.Second)
		fail(t, l, next(), "ada")
	}
	if got := try(t, l, next(), "bob"); got != 0 {
		t.Errorf("another name: wait %v", got)
	}
	clock.add(forgetAfter)
	for range 5 {
		fail(t, l, next(), "ada")
	}
}

func TestLimiterSucceeded(t *testing.T) {
	ctx := context.Background()
	l, _ := newTestLimiter(5)
	for range 4 {
		fail(t, l, "192.0.2.1", "ada")
	}
	a, wait, err := l.Reserve(ctx, "192.0.2.1", "ada", "")
	if err != nil || wait != 0 {
		t.Fatal(wait, err)
	}
	if err := a.Succeeded(ctx); err != nil {
		t.Fatal(err)
	}
	// The account's four failures are gone: five more before a delay.
	for i := range 5 {
		fail(t, l, fmt.Sprintf("198.51.100.%d", i), "ada")
	}
	// The address gets back the successful attempt, not its failures.
	fail(t, l, "192.0.2.1", "bob")
	if try(t, l, "192.0.2.1", "zoe") == 0 {
		t.Error("a success reset the address's failures too")
	}
}

// TestLimiterRefusedAttemptsAreFree: an attempt refused for its account
// does not use up its address's allowance.
func TestLimiterRefusedAttemptsAreFree(t *testing.T) {
	l, _ := newTestLimiter(5)
	for i := range 5 {
		fail(t, l, fmt.Sprintf("198.51.100.%d", i), "ada")
	}
	for range 10 {
		if try(t, l, "192.0.2.1", "ada") == 0 {
			t.Fatal("the account's delay let an attempt through")
		}
	}
	for range 5 {
		fail(t, l, "192.0.2.1", "bob")
	}
}

func TestLimiterIPv6(t *testing.T) {
	l, _ := newTestLimiter(2)
	fail(t, l, "2001:db8:1:2::1", "ada")
	fail(t, l, "2001:db8:1:2:ffff::9", "bob")
	tests := []struct {
		ip      string
		limited bool
	}{
		{"2001:db8:1:2::77", true}, // same /64
		{"2001:db8:1:3::1", false},
		{"::ffff:192.0.2.1", false},
	}
	for i, tt := range tests {
		if got := try(t, l, tt.ip, fmt.Sprint("user", i)) > 0; got != tt.limited {
			t.Errorf("%s: limited %v, want %v", tt.ip, got, tt.limited)
		}
	}
	fail(t, l, "::ffff:192.0.2.1", "zoe")
	if try(t, l, "192.0.2.1", "other") == 0 {
		t.Error("an IPv4 address written as IPv6 has its own allowance")
	}
}

// TestLimiterBounded: addresses and names made up by the thousand do not
// grow the table past its cap, and are still limited.
func TestLimiterBounded(t *testing.T) {
	l, clock := newTestLimiter(5)
	for i := range maxTracked + 500 {
		try(t, l, fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), fmt.Sprintf("user%d", i))
	}
	if len(l.counts) > maxTracked {
		t.Fatalf("tracking %d counts, cap %d", len(l.counts), maxTracked)
	}
	for range 5 {
		try(t, l, "203.0.113.9", "newcomer")
	}
	if try(t, l, "203.0.113.9", "newcomer") == 0 {
		t.Error("with the table full, new attempts go uncounted")
	}
	// Once the counts have run out they are forgotten.
	clock.add(forgetAfter)
	fail(t, l, "192.0.2.1", "ada")
	if len(l.counts) != 2 {
		t.Errorf("a day later still tracking %d counts", len(l.counts))
	}
}

func TestLimiterLongNames(t *testing.T) {
	l, _ := newTestLimiter(1)
	long := string(make([]byte, 1<<20))
	fail(t, l, long, long)
	for k := range l.counts {
		if len(k) > maxNameLen {
			t.Errorf("kept a %d-byte key", len(k))
		}
	}
}

// TestReserveConcurrently: attempts that arrive together are counted
// before any password is checked, so no more passwords are checked than
// the limit allows, however slow the check.
func TestReserveConcurrently(t *testing.T) {
	l, _ := newTestLimiter(5)
	checks := attack(t, []*Limiter{l}, 60, "192.0.2.1")
	if checks > 5 {
		t.Errorf("60 attempts at once from one address: %d passwords checked, limit 5", checks)
	}
	if checks == 0 {
		t.Error("no attempt was let through")
	}
}

// attack sends n wrong guesses at once, spread over limiters, and returns
// how many reached the (slow) password check. ip "" gives each guess an
// address of its own.
func attack(t *testing.T, limiters []*Limiter, n int, ip string) int {
	t.Helper()
	var checks atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		l := limiters[i%len(limiters)]
		addr := ip
		if addr == "" {
			addr = fmt.Sprintf("198.51.%d.%d", i/250, i%250)
		}
		wg.Go(func() {
			<-start
			_, wait, err := l.Reserve(context.Background(), addr, "ada", "")
			if err != nil {
				t.Error(err)
				return
			}
			if wait == 0 {
				checks.Add(1)
				time.Sleep(20 * time.Millisecond) // the password check
			}
		})
	}
	close(start)
	wg.Wait()
	return int(checks.Load())
}

// TestLimiterSharedByServers: servers sharing a store share one
// allowance, whether their attempts alternate or arrive together.
func TestLimiterSharedByServers(t *testing.T) {
	for _, kind := range []string{"mem", "folder"} {
		t.Run(kind, func(t *testing.T) {
			pair := func() []*Limiter {
				var one, two *store.Store
				if kind == "mem" {
					one = openStore(t, "mem://")
					two = one
				} else {
					dir := t.TempDir()
					one, two = openStore(t, dir), openStore(t, dir)
				}
				clock := newTestClock()
				return []*Limiter{clock.limiter(NewLimiter(5, one)), clock.limiter(NewLimiter(5, two))}
			}

			ls := pair()
			allowed := 0
			for i := range 20 {
				if try(t, ls[i%2], "192.0.2.1", fmt.Sprint("user", i)) == 0 {
					allowed++
				}
			}
			if allowed != 5 {
				t.Errorf("one address, alternating servers: %d attempts allowed, want 5", allowed)
			}
			ls = pair()
			for i := range 20 {
				try(t, ls[i%2], fmt.Sprintf("192.0.2.%d", i), "ada")
			}
			if got := try(t, ls[0], "198.51.100.1", "ada"); got != 15*time.Second {
				t.Errorf("one name, alternating servers: then wait %v, want 15s", got)
			}

			if checks := attack(t, pair(), 40, "192.0.2.1"); checks > 5 || checks == 0 {
				t.Errorf("40 attempts at once from one address on two servers: %d passwords checked, limit 5", checks)
			}
			if checks := attack(t, pair(), 40, ""); checks > 5 || checks == 0 {
				t.Errorf("40 attempts at once at one name on two servers: %d passwords checked, limit 5", checks)
			}
		})
	}
}

// TestLimiterDevice: a browser that logged in before is counted apart
// from the name's other attempts, and only for itself.
func TestLimiterDevice(t *testing.T) {
	ctx := context.Background()
	l, _ := newTestLimiter(100)
	for i := range 10 {
		try(t, l, fmt.Sprintf("203.0.113.%d", i), "ada")
	}
	if try(t, l, "192.0.2.1", "ada") == 0 {
		t.Fatal("the name under attack is not delayed")
	}
	for i := range 5 {
		if _, wait, err := l.Reserve(ctx, "192.0.2.1", "ada", "owners-laptop"); wait != 0 || err != nil {
			t.Fatalf("attempt %d from the owner's browser: wait %v, %v", i, wait, err)
		}
	}
	if _, wait, _ := l.Reserve(ctx, "192.0.2.1", "ada", "owners-laptop"); wait == 0 {
		t.Error("a device's own failures are not limited")
	}
	if _, wait, _ := l.Reserve(ctx, "192.0.2.1", "ada", "owners-phone"); wait != 0 {
		t.Error("one device's failures count against another")
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		remote, forwarded, want string
	}{
		{"192.0.2.1:54321", "", "192.0.2.1"},
		{"[2001:db8::1]:443", "", "2001:db8::1"},
		{"192.0.2.1:54321", "203.0.113.5", "192.0.2.1"},
		{"192.0.2.1", "", "192.0.2.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = tt.remote
		if tt.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tt.forwarded)
		}
		if got := ClientIP(r); got != tt.want {
			t.Errorf("ClientIP(%q, X-Forwarded-For %q) = %q, want %q", tt.remote, tt.forwarded, got, tt.want)
		}
	}
}

// TestLimiterStoreCost: counts are stored as one small record per
// address and per account, each saying when it expires, and an attempt
// the account's delay refuses writes nothing, whatever its address.
func TestLimiterStoreCost(t *testing.T) {
	dir := t.TempDir()
	clock := newTestClock()
	l := clock.limiter(NewLimiter(5, openStore(t, dir)))
	records := func() []string {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(dir, "_grail", "logins", "*.json"))
		return names
	}
	for i := range 5 {
		fail(t, l, fmt.Sprintf("203.0.113.%d", i), "ada")
	}
	if n := len(records()); n != 6 {
		t.Fatalf("five addresses trying one name: %d records, want 6", n)
	}
	before := map[string]time.Time{}
	for _, name := range records() {
		data, err := os.ReadFile(name)
		if err != nil || len(data) > 100 || !strings.Contains(string(data), `"expires":`) ||
			strings.Contains(name, "ada") || strings.Contains(name, "203.0.113") {
			t.Errorf("record %s: %s, %v", filepath.Base(name), data, err)
		}
		info, _ := os.Stat(name)
		before[name] = info.ModTime()
	}
	clock.add(time.Second)
	for i := range 20 {
		if try(t, l, fmt.Sprintf("198.51.100.%d", i), "ada") == 0 {
			t.Fatal("the delay let an attempt through")
		}
	}
	after := records()
	if len(after) != len(before) {
		t.Errorf("refused attempts made %d records", len(after)-len(before))
	}
	for _, name := range after {
		if info, _ := os.Stat(name); !info.ModTime().Equal(before[name]) {
			t.Errorf("a refused attempt rewrote %s", filepath.Base(name))
		}
	}
}

// TestLimiterSharedOnS3: two servers on one bucket, guesses arriving at
// both at once: together they check no more passwords than the limit.
func TestLimiterSharedOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the S3 server")
	}
	srv := s3test.Start(t)
	srv.SetEnv(t)
	clock := newTestClock()
	servers := []*Limiter{
		clock.limiter(NewLimiter(5, openStore(t, srv.BucketURL()))),
		clock.limiter(NewLimiter(5, openStore(t, srv.BucketURL()))),
	}
	first := attack(t, servers, 30, "192.0.2.1")
	if first > 5 || first == 0 {
		t.Errorf("30 guesses at once from one address on two servers: %d passwords checked, limit 5", first)
	}
	if more := attack(t, servers, 30, ""); first+more > 5 {
		t.Errorf("30 more guesses at the same name from new addresses: %d more passwords checked, five failures in all before the delay", more)
	}
}
