package harness

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// diagnose says in one line why a harness process ended, and where in
// the learner's code: output is what it printed (a Go stack dump, when it
// crashed), calling the function it was running, early whether it ended
// before its hello (in the package's init).
func diagnose(waitErr error, output string, cfg Config, calling string, early, timedOut bool) *Failure {
	lines := strings.Split(output, "\n")
	at := learnerFrame(lines, cfg.Package, cfg.Spans)
	if span, ok := cfg.Spans[calling]; ok && at == "" && timedOut {
		// No stack dump (the process did not answer SIGQUIT in time): the
		// function that was called, at its first loop.
		line := span.From
		if len(span.Loops) > 0 {
			line = span.Loops[0]
		}
		at = fmt.Sprintf("%s (%s:%d)", calling, span.Where, line)
	}
	in := func(msg string) string {
		if at != "" {
			return msg + "\n  in " + at
		}
		return msg
	}
	subject := calling
	if early || subject == "" {
		subject = "the package, before the first call (in an init function or a variable's initializer),"
	}
	if timedOut {
		return &Failure{Kind: "timeout", Message: in(subject + " timed out: is there a loop that never ends?")}
	}
	if what := crashLine(lines); what != "" {
		return &Failure{Kind: "crash", Message: in(subject + " " + what)}
	}
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		if msg, ok := signalled(exitErr, subject, cfg.Limits); ok {
			return &Failure{Kind: "signal", Message: in(msg)}
		}
		code := exitErr.ExitCode()
		return &Failure{Kind: "exit", Code: code, Message: exitMessage(code, subject, calling, early, cfg)}
	}
	if waitErr == nil {
		return &Failure{Kind: "exit", Message: exitMessage(0, subject, calling, early, cfg)}
	}
	return &Failure{Kind: "broken", Message: in(subject + " stopped: " + waitErr.Error())}
}

// exitMessage explains an exit with code: the learner's code called
// os.Exit (or closed the grader's channel and returned).
func exitMessage(code int, subject, calling string, early bool, cfg Config) string {
	msg := fmt.Sprintf("%s exited with code %d: a function must return its result, never end the program (os.Exit, log.Fatal)", subject, code)
	var pick *Site
	for i, s := range cfg.Exits {
		if (early && strings.HasSuffix(s.Func, ".init")) || (!early && s.Func == calling) {
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
		case strings.HasPrefix(t, "fatal error:") && strings.Contains(t, "out of memory") || strings.Contains(t, "cannot allocate memory"):
			return "crashed: out of memory (the limit is the harness's memory limit): is an allocation far too large?"
		case strings.HasPrefix(t, "panic: ") || strings.HasPrefix(t, "fatal error: "):
			return "crashed: " + strings.TrimSuffix(t, " [recovered]")
		}
	}
	return ""
}

// Span is where a learner's function is: its file, the lines of its
// declaration, and the lines of its for statements.
type Span struct {
	Where    string // "exercises/mse/mse.go"
	From, To int
	Loops    []int
}

// learnerFrame finds in a stack dump the innermost frame of the learner's
// package pkg: "adam.(*Adam).Step (exercises/adam/adam.go:10)". A frame
// stopped asynchronously in a tight loop can carry a line outside its
// function; the function's first loop (else its declaration) is named
// then, from spans.
func learnerFrame(lines []string, pkg string, spans map[string]Span) string {
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
		name := short(fn)
		where := shortPath(loc)
		if span, ok := spans[name]; ok {
			line := 0
			if c := strings.LastIndex(where, ":"); c >= 0 {
				fmt.Sscan(where[c+1:], &line)
			}
			if line < span.From || line > span.To {
				line = span.From
				if len(span.Loops) > 0 {
					line = span.Loops[0]
				}
				where = fmt.Sprintf("%s:%d", span.Where, line)
			}
		}
		return fmt.Sprintf("%s (%s)", name, where)
	}
	return ""
}
