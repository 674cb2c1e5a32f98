//go:build windows

package harness

import "os/exec"

func signalled(*exec.ExitError, string, Limits) (string, bool) { return "", false }
