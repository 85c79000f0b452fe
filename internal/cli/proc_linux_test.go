package cli

import "syscall"

// childAttr has the kernel kill a grail child if the test binary dies (a
// go test timeout, ^C), so that no orphan keeps serving on its port.
// Strictly the signal follows the OS thread that started the child, which
// lives as long as the process for goroutines not locked to a thread.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
