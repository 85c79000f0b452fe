package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// server is a grail process started for a measurement.
type server struct {
	cmd  *exec.Cmd
	base string // http://host:port
	log  strings.Builder
}

// startServer runs args and returns at once; base URL from --addr.
func startServer(args []string) (*server, error) {
	addr := ""
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			addr = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--addr="); ok {
			addr = v
		}
	}
	if addr == "" {
		return nil, fmt.Errorf("the server command needs --addr HOST:PORT")
	}
	s := &server{base: "http://" + addr}
	s.cmd = exec.Command(args[0], args[1:]...)
	s.cmd.Stdout = &s.log
	s.cmd.Stderr = &s.log
	s.cmd.Env = os.Environ()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// waitFor polls url until it answers 200, as fast as a client could.
func (s *server) waitFor(path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+path, nil)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			return fmt.Errorf("%s answered %d", path, resp.StatusCode)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("no answer from %s within %v: %v\n%s", s.base, timeout, err, s.log.String())
		}
		time.Sleep(500 * time.Microsecond)
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func get(url string, header ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// splitCommand separates flags from the command after "--".
func splitCommand(args []string) (flags, command []string, err error) {
	for i, a := range args {
		if a == "--" {
			if i+1 == len(args) {
				break
			}
			return args[:i], args[i+1:], nil
		}
	}
	return nil, nil, fmt.Errorf("give the server command after --")
}
