package auth

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"
)

func newTestLimiter(perMinute int) (*Limiter, *time.Time) {
	clock := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	l := NewLimiter(perMinute)
	l.Now = func() time.Time { return clock }
	return l, &clock
}

func TestLimiter(t *testing.T) {
	l, clock := newTestLimiter(5)
	for i := range 5 {
		if wait := l.Check("192.0.2.1", "ada"); wait != 0 {
			t.Fatalf("after %d failures: wait %v, want none", i, wait)
		}
		l.Fail("192.0.2.1", "ada")
	}
	tests := []struct {
		what, ip, user string
		want           time.Duration
	}{
		{"same IP and user", "192.0.2.1", "ada", 12 * time.Second}, // one guess refills every 60s/5
		{"same IP, another user", "192.0.2.1", "bob", 12 * time.Second},
		{"another IP, same user", "198.51.100.7", "ada", 12 * time.Second},
		{"same user in capitals", "198.51.100.7", "ADA", 12 * time.Second},
		{"another IP and user", "198.51.100.7", "bob", 0},
	}
	for _, tt := range tests {
		if got := l.Check(tt.ip, tt.user); got != tt.want {
			t.Errorf("%s: wait %v, want %v", tt.what, got, tt.want)
		}
	}

	*clock = clock.Add(5 * time.Second)
	if got := l.Check("192.0.2.1", "ada"); got != 7*time.Second {
		t.Errorf("5 s later: wait %v, want 7s", got)
	}
	*clock = clock.Add(7 * time.Second)
	if got := l.Check("192.0.2.1", "ada"); got != 0 {
		t.Errorf("12 s later: wait %v, want one more guess allowed", got)
	}
	l.Fail("192.0.2.1", "ada")
	if got := l.Check("192.0.2.1", "ada"); got != 12*time.Second {
		t.Errorf("after that guess failed: wait %v, want 12s", got)
	}
}

func TestLimiterSucceed(t *testing.T) {
	l, _ := newTestLimiter(3)
	for range 3 {
		l.Fail("192.0.2.1", "ada")
	}
	l.Succeed("192.0.2.1", "ada")
	if got := l.Check("198.51.100.7", "ada"); got != 0 {
		t.Errorf("the user after a success: wait %v, want none", got)
	}
	if got := l.Check("192.0.2.1", "bob"); got == 0 {
		t.Error("a success reset the IP's failures too")
	}
}

func TestLimiterIPv6(t *testing.T) {
	l, _ := newTestLimiter(2)
	l.Fail("2001:db8:1:2::1", "ada")
	l.Fail("2001:db8:1:2:ffff::9", "bob")
	tests := []struct {
		ip      string
		limited bool
	}{
		{"2001:db8:1:2::77", true}, // same /64
		{"2001:db8:1:3::1", false},
		{"::ffff:192.0.2.1", false},
	}
	for _, tt := range tests {
		if got := l.Check(tt.ip, "zoe") > 0; got != tt.limited {
			t.Errorf("%s: limited %v, want %v", tt.ip, got, tt.limited)
		}
	}
	l.Fail("::ffff:192.0.2.1", "zoe")
	l.Fail("::ffff:192.0.2.1", "zoe")
	if l.Check("192.0.2.1", "other") == 0 {
		t.Error("an IPv4 address written as IPv6 has its own allowance")
	}
}

// TestLimiterBounded: addresses and names made up by the thousand do not
// grow the tables past their cap, and are still limited.
func TestLimiterBounded(t *testing.T) {
	l, clock := newTestLimiter(5)
	for i := range maxTracked + 500 {
		l.Fail(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), fmt.Sprintf("user%d", i))
	}
	if len(l.ips.m) > maxTracked || len(l.users.m) > maxTracked {
		t.Fatalf("tracking %d IPs and %d names, cap %d", len(l.ips.m), len(l.users.m), maxTracked)
	}
	for range 5 {
		l.Fail("203.0.113.9", "newcomer")
	}
	if l.Check("203.0.113.9", "newcomer") == 0 {
		t.Error("with the tables full, new failures go uncounted")
	}
	// Once the buckets have refilled they are forgotten.
	*clock = clock.Add(time.Minute)
	l.Fail("192.0.2.1", "ada")
	if len(l.ips.m) != 1 || len(l.users.m) != 1 {
		t.Errorf("a minute later still tracking %d IPs and %d names", len(l.ips.m), len(l.users.m))
	}
}

func TestLimiterLongNames(t *testing.T) {
	l, _ := newTestLimiter(1)
	long := string(make([]byte, 1<<20))
	l.Fail("192.0.2.1", long)
	for k := range l.users.m {
		if len(k) > maxNameLen {
			t.Errorf("kept a %d-byte key", len(k))
		}
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
