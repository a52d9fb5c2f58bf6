package storetest

import "syscall"

// dieWithParent makes a server die with the test binary, even when it
// panics or times out before its cleanups run.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
