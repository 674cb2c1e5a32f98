package harness

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
)

// diagnose says in one line why a harness process ended, and where in
// the learner's code: output is what it printed (a Go stack dump, when it
// crashed), calling the function it was running, early whether it ended
// before its hello (in the package's init).
func diagnose(waitErr error, output string, cfg Config, calling string, early, timedOut bool) *Failure {
	lines := strings.Split(output, "\n")
	at := learnerFrame(lines, cfg.Package)
	in := func(msg string) string {
		if at != "" {
			return msg + "\n  in " + at
		}
		return msg
	}
	during := ""
	if calling != "" && !early {
		during = " while running " + short(cfg.Package) + "." + calling
	}
	if early {
		during = " before the first call (in the package's init or its variables)"
	}
	if timedOut {
		return &Failure{Kind: "timeout", Message: in(fmt.Sprintf("timed out%s: is there a loop that never ends?", during))}
	}
	if what := crashLine(lines); what != "" {
		return &Failure{Kind: "crash", Message: in(what + during)}
	}
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			sig := ws.Signal()
			msg := fmt.Sprintf("was killed by signal %s%s", sig, during)
			switch sig {
			case syscall.SIGXCPU:
				msg = fmt.Sprintf("used more than its %v of CPU time%s", cfg.Limits.CPU, during)
			case syscall.SIGKILL:
				msg = fmt.Sprintf("was killed (SIGKILL)%s: by its own code, or by the system for lack of memory", during)
			}
			return &Failure{Kind: "signal", Message: in(msg)}
		}
		code := exitErr.ExitCode()
		return &Failure{Kind: "exit", Code: code, Message: exitMessage(code, during, calling, early, cfg)}
	}
	if waitErr == nil {
		return &Failure{Kind: "exit", Message: exitMessage(0, during, calling, early, cfg)}
	}
	return &Failure{Kind: "broken", Message: in("stopped: " + waitErr.Error())}
}

// exitMessage explains an exit with code: the learner's code called
// os.Exit (or closed the grader's channel and returned).
func exitMessage(code int, during, calling string, early bool, cfg Config) string {
	msg := fmt.Sprintf("exited with code %d%s: a function must return its result, never end the program (os.Exit, log.Fatal)", code, during)
	var pick *Site
	for i, s := range cfg.Exits {
		name := s.Func[strings.LastIndex(s.Func, ".")+1:]
		if (early && (name == "init" || s.Func == "")) || (!early && name == calling) {
			pick = &cfg.Exits[i]
			break
		}
	}
	if pick == nil && len(cfg.Exits) > 0 {
		pick = &cfg.Exits[0]
	}
	if pick != nil {
		msg += fmt.Sprintf("\n  os.Exit is called in %s (%s)", pick.Func, pick.Where)
	}
	return msg
}

// crashLine is the one-line cause of a Go crash in a stack dump, or "".
func crashLine(lines []string) string {
	for _, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case strings.Contains(t, "goroutine stack exceeds") || t == "fatal error: stack overflow":
			return "crashed with a stack overflow: does a function call itself without end?"
		case strings.HasPrefix(t, "fatal error: runtime: out of memory") || strings.Contains(t, "cannot allocate memory"):
			return "crashed: out of memory (the limit is the harness's memory limit): is an allocation far too large?"
		case strings.HasPrefix(t, "panic: ") || strings.HasPrefix(t, "fatal error: "):
			return "crashed: " + strings.TrimSuffix(t, " [recovered]")
		}
	}
	return ""
}

// learnerFrame finds in a stack dump the innermost frame of the learner's
// package pkg: "adam.(*Adam).Step (exercises/adam/adam.go:10)".
func learnerFrame(lines []string, pkg string) string {
	if pkg == "" {
		return ""
	}
	for i := 0; i+1 < len(lines); i++ {
		fn := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fn, pkg+".") {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		if sp := strings.LastIndex(loc, " +0x"); sp >= 0 {
			loc = loc[:sp]
		}
		if p := strings.LastIndex(fn, "("); p > 0 {
			fn = fn[:p]
		}
		return fmt.Sprintf("%s (%s)", short(fn), shortPath(loc))
	}
	return ""
}
