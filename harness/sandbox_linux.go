//go:build linux

package harness

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// nobody is the user a harness runs as when the grader is root, so that
// the learner's code cannot write the kit's files or signal the grader.
const nobody = 65534

// isolations are the ways of starting a harness, strongest first; start
// falls back to the next when the platform refuses one.
func isolations() []isolation {
	pgid := func(a *syscall.SysProcAttr) *syscall.SysProcAttr {
		a.Setpgid = true
		a.Pdeathsig = syscall.SIGKILL
		return a
	}
	if os.Getuid() == 0 {
		cred := &syscall.Credential{Uid: nobody, Gid: nobody, NoSetGroups: false}
		return []isolation{
			{"no network (namespace), own process namespace, runs as nobody", true, func() *syscall.SysProcAttr {
				return pgid(&syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWPID, Credential: cred})
			}},
			{"runs as nobody; network NOT isolated (no namespaces here)", true, func() *syscall.SysProcAttr {
				return pgid(&syscall.SysProcAttr{Credential: cred})
			}},
			{"network NOT isolated, runs as the grader's user (no namespaces, no setuid here)", false, func() *syscall.SysProcAttr {
				return pgid(&syscall.SysProcAttr{})
			}},
		}
	}
	uid, gid := os.Getuid(), os.Getgid()
	return []isolation{
		{"no network (namespace), own process namespace", false, func() *syscall.SysProcAttr {
			return pgid(&syscall.SysProcAttr{
				Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET | syscall.CLONE_NEWPID,
				UidMappings: []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
				GidMappings: []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
			})
		}},
		{"network NOT isolated (user namespaces are not available here)", false, func() *syscall.SysProcAttr {
			return pgid(&syscall.SysProcAttr{})
		}},
	}
}

// procBase is the number of tasks (processes and threads) the user
// already runs: RLIMIT_NPROC counts them all, so a harness of a user who
// is not root gets its allowance on top of them.
func procBase() int {
	if os.Getuid() == 0 {
		return 0 // root runs the harness as nobody, who runs nothing else
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	uid := strconv.Itoa(os.Getuid())
	n := 0
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		mine, threads := false, 1
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 2 && f[0] == "Uid:":
				mine = f[1] == uid
			case len(f) == 2 && f[0] == "Threads:":
				threads, _ = strconv.Atoi(f[1])
			}
		}
		if mine {
			n += threads
		}
	}
	return n
}

// refused reports whether err means the platform does not allow an
// isolation, so that a weaker one should be tried.
func refused(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EUSERS) || errors.Is(err, syscall.ENOSYS)
}

// killGroup kills the harness's whole process group (and, in a process
// namespace of its own, every process in it, when its first one dies).
func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}

// quit asks the harness for a dump of its goroutines (Go prints them on
// SIGQUIT and exits), to find where a function that never returns is.
func quit(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
	}
}

// chown gives path to the user the harness runs as.
func chownForHarness(path string) error {
	if os.Getuid() != 0 {
		return nil
	}
	return os.Chown(path, nobody, nobody)
}
