// Command sitebench measures a grail server the way a reader meets it:
//
//	sitebench coldstart -n 5 -url /blog/x -- grail serve --addr 127.0.0.1:8123 SITE
//	    start the command n times; time from process start to the first 200
//	sitebench memory -pages 1000 -- grail serve --addr 127.0.0.1:8123 SITE
//	    RSS after serving the home page and that many distinct posts
//	sitebench weight http://127.0.0.1:8123/
//	    bytes transferred with brotli for a page and everything it loads
//
// The server's address is taken from its --addr flag.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "coldstart":
		err = coldstart(os.Args[2:])
	case "memory":
		err = memory(os.Args[2:])
	case "weight":
		err = weight(os.Args[2:])
	default:
		usage()
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sitebench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sitebench coldstart|memory|weight [flags] [-- command...]")
	os.Exit(2)
}
