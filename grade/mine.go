package grade

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"time"

	"github.com/dlearn/dlearn/harness"
	"github.com/dlearn/dlearn/internal/checks"
)

// DefaultCallTimeout is how long one call of a learner's function may take
// in a Harness before it counts as a hang.
const DefaultCallTimeout = 2 * time.Second

// Harness is one exercise's code, built from the learner's folder into a
// harness program as a grade builds it (same scratch module, same import
// rules, same process isolation and limits), ready for a lesson in "mine"
// mode to call. Every call gets its own deadline (Ready), so a hang is a
// failure of that call, never a frozen caller. It is not safe for
// concurrent use.
type Harness struct {
	Exercise string
	s        *harness.Session
	scratch  string
	timeout  time.Duration
}

// HarnessOptions say how to build and call a Harness. The zero value is
// "go" from PATH and DefaultCallTimeout.
type HarnessOptions struct {
	Go          string
	CallTimeout time.Duration
}

// OpenHarness builds the exercise name of the exercises folder dir into a
// harness program. The error is one line: the folder or exercise is not
// there, the exercise imports what it may not, or it does not build (the
// first compiler error). Close the Harness when done.
func OpenHarness(ctx context.Context, dir, name string, o HarnessOptions) (*Harness, error) {
	if _, ok := checks.Lookup(name); !ok {
		return nil, fmt.Errorf("mine: %q is not an exercise", name)
	}
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	if _, err := exec.LookPath(goCmd); err != nil {
		return nil, fmt.Errorf("mine: the go command was not found (install Go from https://go.dev/dl and put it on PATH)")
	}
	targets, err := Options{Dir: dir, Exercises: []string{name}}.Targets()
	if err != nil {
		var unknown *UnknownError
		if errors.As(err, &unknown) {
			return nil, fmt.Errorf("mine: %s has no exercise %s: restore it with dlearn reset %s", dir, name, name)
		}
		return nil, fmt.Errorf("mine: %v", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	module, goVersion, err := moduleInfo(dir)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "dlearn-mine-")
	if err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(scratch)
		}
	}()
	// As in Run: reachable by a harness running as another user, and
	// built in a folder called exercises for the file names of traces.
	if err := os.Chmod(scratch, 0o755); err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	modDir := filepath.Join(scratch, "exercises")
	if err := os.Mkdir(modDir, 0o755); err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	bs, err := prepare(modDir, module, goVersion, dir, targets, nil)
	if err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	if err := checkImports(ctx, goCmd, modDir, targets, bs); err != nil {
		return nil, err
	}
	buildAll(ctx, goCmd, modDir, module, targets, bs)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	b := bs[name]
	switch {
	case b.missing:
		return nil, fmt.Errorf("mine: the folder exercises/%s has no Go code: restore it with dlearn reset %s", name, name)
	case b.refused != "":
		return nil, fmt.Errorf("mine: exercises/%s is %s", name, b.refused)
	case b.buildErr != "":
		return nil, fmt.Errorf("mine: exercises/%s did not build: %s", name, firstLine(b.buildErr))
	}
	run := filepath.Join(scratch, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		return nil, fmt.Errorf("mine: %w", err)
	}
	timeout := o.CallTimeout
	if timeout <= 0 {
		timeout = DefaultCallTimeout
	}
	cfg := harness.Config{Binary: b.binary, Package: targets[0].Package, Dir: run,
		Limits: harness.DefaultLimits, Exits: b.exits, Spans: b.spans}
	h := &Harness{Exercise: name, scratch: scratch, timeout: timeout,
		s: harness.NewSession(ctx, cfg, time.Now().Add(timeout))}
	// A learner's optimizer (adam.New's result) stays in the harness.
	h.s.Adapters[reflect.TypeFor[checks.Stepper]()] = func(r *harness.Remote) any { return stepper{r} }
	ok = true
	return h, nil
}

// Bind fills impl (a pointer to the exercise's checks Impl struct, such
// as *checks.LogisticImpl) with proxies of the learner's functions. A
// proxy whose call fails (a panic in the learner's code, a hang past the
// call's deadline, a crash, a missing function or another signature)
// panics with a *harness.CallError, whose message says what happened
// and where.
func (h *Harness) Bind(impl any) error {
	h.Ready()
	if err := h.s.Bind(impl); err != nil {
		return err
	}
	if f := h.s.Failure(); f != nil {
		return fmt.Errorf("mine: exercises/%s: %s", h.Exercise, firstLine(f.Message))
	}
	return nil
}

// Ready prepares the next call: a fresh deadline of the call timeout, and
// a new process if the last one ended (after a hang or a crash).
func (h *Harness) Ready() {
	h.s.NextCase()
	h.s.SetDeadline(time.Now().Add(h.timeout), true)
}

// Output returns what the learner's code printed since the last time.
func (h *Harness) Output() string { return h.s.TakeOutput() }

// Close ends the harness process and removes the built program.
func (h *Harness) Close() {
	h.s.Close()
	os.RemoveAll(h.scratch)
}
