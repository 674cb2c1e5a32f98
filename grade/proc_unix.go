//go:build unix

package grade

import (
	"os/exec"
	"syscall"
)

// inOwnProcessGroup starts go test in a process group of its own, so that
// cancelling stops the test binaries it started too, not just go itself.
func inOwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
