package s3test

import "syscall"

// sysProcAttr has the kernel kill the server if the test binary dies (a
// go test timeout, ^C), so no orphan keeps a port and a temp dir busy.
// Strictly the signal follows the OS thread that started the server; Go
// ends a thread only when a goroutine exits while locked to it with
// runtime.LockOSThread, which tests starting servers do not do.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
