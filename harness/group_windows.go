//go:build windows

package harness

import (
	"os/exec"
	"syscall"
)

func sysProcAttrGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

func killProcessGroup(int) {}

func quitProcess(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
