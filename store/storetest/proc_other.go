//go:build !linux

package storetest

import "syscall"

// dieWithParent: only Linux can tie a child's life to its parent's;
// elsewhere cleanups stop the servers.
func dieWithParent() *syscall.SysProcAttr { return nil }
