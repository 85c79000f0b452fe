package main

import (
	"flag"
	"fmt"
	"net/url"
	"regexp"
)

// subresourceRE finds what a browser loads with a page: stylesheets,
// icons, images, scripts.
var subresourceRE = regexp.MustCompile(`<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]*href|img[^>]+src|script[^>]+src)="([^"]+)"`)

func weight(args []string) error {
	fs := flag.NewFlagSet("weight", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give the page URL")
	}
	page, err := url.Parse(fs.Arg(0))
	if err != nil {
		return err
	}
	total, foreign := 0, 0
	fetch := func(u *url.URL) ([]byte, error) {
		resp, body, err := get(u.String(), "Accept-Encoding", "br")
		if err != nil {
			return nil, err
		}
		enc := resp.Header.Get("Content-Encoding")
		fmt.Printf("%6d B  %-4s %s\n", len(body), enc, u)
		total += len(body)
		if enc == "br" {
			return decodeBrotli(body)
		}
		return body, nil
	}
	plain, err := fetch(page)
	if err != nil {
		return err
	}
	for _, m := range subresourceRE.FindAllStringSubmatch(string(plain), -1) {
		ref, err := page.Parse(m[1])
		if err != nil {
			return err
		}
		if ref.Host != page.Host {
			foreign++
			fmt.Printf("another origin: %s\n", ref)
			continue
		}
		if _, err := fetch(ref); err != nil {
			return err
		}
	}
	fmt.Printf("total %d B (%.1f KiB) with brotli; %d requests to other origins\n", total, float64(total)/1024, foreign)
	return nil
}
