//go:build unix && !linux

package harness

import (
	"os/exec"
	"syscall"
)

func sysProcAttrGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killProcessGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }

func quitProcess(cmd *exec.Cmd) { _ = cmd.Process.Signal(syscall.SIGQUIT) }
