package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseProxies reads proxy addresses, each an address ("::1") or a
// network ("10.0.0.0/8"); a value may list several, separated by commas.
// The error names the value that is neither.
func ParseProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			p, err := parseProxy(item)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is neither an IP address nor a network such as 10.0.0.0/8", item)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
