package s3test

import "syscall"

// sysProcAttr has the kernel kill the server if the test binary dies (a
// go test timeout, ^C), so no orphan keeps a port and a temp dir busy.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
