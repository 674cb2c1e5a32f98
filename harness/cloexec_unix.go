//go:build unix

package harness

import (
	"os"
	"syscall"
)

// closeOnExec keeps the protocol files out of any program the learner's
// code starts.
func closeOnExec(fd int) { syscall.CloseOnExec(fd) }

// dupStdout returns a copy of file descriptor 1 that the learner's code
// does not know of.
func dupStdout() *os.File {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "stdout")
}
