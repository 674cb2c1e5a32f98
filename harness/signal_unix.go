//go:build unix

package harness

import (
	"fmt"
	"os/exec"
	"syscall"
)

// signalled describes a process that a signal ended.
func signalled(exitErr *exec.ExitError, subject string, l Limits) (string, bool) {
	ws, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return "", false
	}
	switch sig := ws.Signal(); sig {
	case syscall.SIGXCPU:
		return fmt.Sprintf("%s used more than its %v of CPU time", subject, l.CPU), true
	case syscall.SIGKILL:
		return fmt.Sprintf("%s was killed (SIGKILL): by its own code, or by the system for want of memory", subject), true
	default:
		return fmt.Sprintf("%s was killed by signal %s", subject, sig), true
	}
}
