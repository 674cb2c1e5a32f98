//go:build !linux

package harness

import (
	"os/exec"
	"syscall"
)

func isolations() []isolation {
	return []isolation{{"network NOT isolated and no namespaces (this platform has none)", false, func() *syscall.SysProcAttr {
		return sysProcAttrGroup()
	}}}
}

func refused(error) bool { return false }

// procBase is unknown here: the process limit is left out (see limitScript).
func procBase() int { return -1 }

func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		killProcessGroup(cmd.Process.Pid)
		_ = cmd.Process.Kill()
	}
}

func quit(cmd *exec.Cmd) { quitProcess(cmd) }

func chownForHarness(string) error { return nil }
