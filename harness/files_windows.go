//go:build windows

package harness

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// handlesEnv names the environment variable that tells a harness process
// on Windows which inherited handles are its protocol files: Windows has
// no numbered descriptors to pass beyond the standard three, so the two
// pipe handles are inherited by value (SysProcAttr.AdditionalInheritedHandles)
// and their values are given as "requests,responses".
const handlesEnv = "DLEARN_HARNESS_HANDLES"

// passFiles makes the two pipe ends inheritable by this one child (the
// handle list limits inheritance to the handles named) and tells it their
// values. The child keeps the same handle values.
func passFiles(cmd *exec.Cmd, req, resp *os.File) error {
	hs := []syscall.Handle{syscall.Handle(req.Fd()), syscall.Handle(resp.Fd())}
	for _, h := range hs {
		if err := syscall.SetHandleInformation(h, syscall.HANDLE_FLAG_INHERIT, syscall.HANDLE_FLAG_INHERIT); err != nil {
			return fmt.Errorf("harness: cannot pass the protocol pipes: %w", err)
		}
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.AdditionalInheritedHandles = append(cmd.SysProcAttr.AdditionalInheritedHandles, hs...)
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d,%d", handlesEnv, hs[0], hs[1]))
	// Go programs on Windows need SYSTEMROOT for parts of the standard
	// library (the random source, networking).
	if root := os.Getenv("SYSTEMROOT"); root != "" {
		cmd.Env = append(cmd.Env, "SYSTEMROOT="+root)
	}
	return nil
}

// protocolFiles returns the harness's ends of the protocol, from the
// handles named in handlesEnv, made non-inheritable again so that no
// program the learner's code starts receives them, or nils when the
// process was not started by the grader.
func protocolFiles() (in, out *os.File) {
	v, ok := os.LookupEnv(handlesEnv)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(handlesEnv)
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return nil, nil
	}
	r, err1 := strconv.ParseUint(a, 10, 64)
	w, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	for _, h := range []syscall.Handle{syscall.Handle(r), syscall.Handle(w)} {
		_ = syscall.SetHandleInformation(h, syscall.HANDLE_FLAG_INHERIT, 0)
	}
	return os.NewFile(uintptr(r), "requests"), os.NewFile(uintptr(w), "responses")
}

// closeOnExec has nothing to do on Windows: protocolFiles already made
// the protocol handles non-inheritable.
func closeOnExec(int) {}

// dupStdout returns a non-inheritable copy of the standard output handle
// that the learner's code does not know of.
func dupStdout() *os.File {
	p, err := syscall.GetCurrentProcess()
	if err != nil {
		return nil
	}
	src, err := syscall.GetStdHandle(syscall.STD_OUTPUT_HANDLE)
	if err != nil || src == syscall.InvalidHandle || src == 0 {
		return nil
	}
	var dup syscall.Handle
	if err := syscall.DuplicateHandle(p, src, p, &dup, 0, false, syscall.DUPLICATE_SAME_ACCESS); err != nil {
		return nil
	}
	return os.NewFile(uintptr(dup), "stdout")
}
