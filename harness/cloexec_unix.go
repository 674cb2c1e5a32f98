//go:build unix

package harness

import "syscall"

// closeOnExec keeps the protocol files out of any program the learner's
// code starts.
func closeOnExec(fd int) { syscall.CloseOnExec(fd) }
