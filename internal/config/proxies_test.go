package config

import (
	"strings"
	"testing"
)

func TestParseProxies(t *testing.T) {
	got, err := ParseProxies([]string{"127.0.0.1/32, ::1", "10.1.2.3/8", "192.0.2.7"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1/32", "::1/128", "10.0.0.0/8", "192.0.2.7/32"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("proxy %d: %v, want %s", i, got[i], want[i])
		}
	}
	if _, err := ParseProxies([]string{"127.0.0.1", "localhost"}); err == nil || !strings.Contains(err.Error(), `"localhost"`) {
		t.Errorf("a host name: error %v, want one naming it", err)
	}
	if _, err := ParseProxies([]string{"10.0.0.0/33"}); err == nil || !strings.Contains(err.Error(), `"10.0.0.0/33"`) {
		t.Errorf("a bad network: error %v, want one naming it", err)
	}
}
