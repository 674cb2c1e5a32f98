package grade

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/dlearn/dlearn/harness"
	"github.com/dlearn/dlearn/internal/checks"
)

// Run grades the exercises. It builds each exercise's package into a
// harness process that only answers calls (see package harness), runs the
// kit's checks in this process against proxies of the learner's
// functions, and compares there: what the learner's code prints, how it
// exits or which files it rewrites never changes a grade. A failing
// exercise is a result, not an error; Run fails when the options are
// wrong, go cannot be started, or ctx is done.
func Run(ctx context.Context, o Options) (*Report, error) {
	targets, err := o.Targets()
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("grade: no exercises in %s", o.Dir)
	}
	for name := range o.Weights {
		if _, ok := checks.Lookup(name); !ok {
			return nil, fmt.Errorf("grade: the weights name %q, which is not an exercise", name)
		}
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	if _, err := exec.LookPath(goCmd); err != nil {
		return nil, fmt.Errorf("grade: the go command was not found (install Go from https://go.dev/dl and put it on PATH): %w", err)
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	replace, err := overlayReplace(o.Overlay)
	if err != nil {
		return nil, err
	}
	module, goVersion, err := moduleInfo(dir)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "dlearn-grade-")
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	defer os.RemoveAll(scratch)
	// The harness may run as another user: it must reach its program.
	if err := os.Chmod(scratch, 0o755); err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	// The module is built in a folder called exercises, so that the file
	// names in stack traces end in exercises/<name>/<file>.go as the
	// learner's do.
	modDir := filepath.Join(scratch, "exercises")
	if err := os.Mkdir(modDir, 0o755); err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	bs, err := prepare(modDir, module, goVersion, dir, targets, replace)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	if err := checkImports(ctx, goCmd, modDir, targets, bs); err != nil {
		return nil, err
	}
	buildAll(ctx, goCmd, modDir, module, targets, bs)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	limits := o.Limits
	if limits == (harness.Limits{}) {
		limits = harness.DefaultLimits
		limits.CPU = timeout + time.Second
	}
	rep := &Report{}
	for _, t := range targets {
		ex, _ := checks.Lookup(t.Name)
		b := bs[t.Name]
		e := Exercise{Name: t.Name, Package: t.Package}
		switch {
		case b.missing:
			e.Status, e.Message = Error, fmt.Sprintf("the folder exercises/%s has no Go code: restore it with dlearn reset %s", t.Name, t.Name)
		case b.refused != "":
			e.Status, e.Message = Error, b.refused
		case b.buildErr != "":
			e.Status, e.Message = Error, "did not build:\n"+b.buildErr
		}
		if e.Status != "" {
			e.Checks = notRun(ex, headline(e.Message))
		} else {
			run := filepath.Join(scratch, "run", t.Name)
			if err := os.MkdirAll(filepath.Dir(run), 0o755); err != nil {
				return nil, fmt.Errorf("grade: %w", err)
			}
			if err := os.Mkdir(run, 0o700); err != nil {
				return nil, fmt.Errorf("grade: %w", err)
			}
			cfg := harness.Config{Binary: b.binary, Package: t.Package, Dir: run, Limits: limits, Exits: b.exits, Spans: b.spans}
			// One harness at a time in this program: concurrent grades
			// (classroom grade) share the harness user's process limit,
			// which a fork bomb in one would take from the others.
			harnessTurn.Lock()
			e = gradeExercise(ctx, ex, e, cfg, timeout)
			harnessTurn.Unlock()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if rep.Isolation == "" {
				rep.Isolation = e.isolation
			}
		}
		w := 1.0
		if v, ok := o.Weights[t.Name]; ok {
			w = v
		}
		e.finish(w)
		rep.Exercises = append(rep.Exercises, e)
	}
	rep.finish()
	return rep, nil
}

// harnessTurn lets one harness run at a time; builds run in parallel.
var harnessTurn sync.Mutex

// headline is the first line of a message, with the next one when the
// first only announces it ("did not build:").
func headline(msg string) string {
	lines := strings.SplitN(msg, "\n", 3)
	if strings.HasSuffix(lines[0], ":") && len(lines) > 1 {
		return lines[0] + " " + strings.TrimSpace(lines[1])
	}
	return lines[0]
}

// notRun lists every check of ex as not run, for why.
func notRun(ex checks.Exercise, why string) []Check {
	var cs []Check
	for _, n := range ex.Names() {
		cs = append(cs, Check{Name: n, Test: ex.Test + "/" + n, Status: NotRun, Message: "not run: " + why})
	}
	return cs
}

// AfterTimeout is how long each check still gets once its exercise has
// used up its time: plenty for functions that return, so that the ones
// that do not hang are still graded.
const AfterTimeout = 2 * time.Second

// gradeExercise runs ex's checks against the learner's functions in
// harness processes, a new process after one ends. Once a check has timed
// out, each check left gets AfterTimeout.
func gradeExercise(ctx context.Context, ex checks.Exercise, e Exercise, cfg harness.Config, timeout time.Duration) Exercise {
	s := harness.NewSession(ctx, cfg, time.Now().Add(timeout))
	defer s.Close()
	var located []any
	s.Locate = func(proxy any, at harness.Site) {
		checks.Locate(proxy, at.Where)
		located = append(located, proxy)
	}
	defer func() {
		for _, p := range located {
			checks.Forget(p)
		}
	}()
	s.Adapters[reflect.TypeFor[checks.Stepper]()] = func(r *harness.Remote) any { return stepper{r} }
	impl := ex.NewImpl()
	if err := s.Bind(impl); err != nil {
		e.Status, e.Message = Error, err.Error()
		e.Checks = notRun(ex, e.Message)
		return e
	}
	if f := s.Failure(); f != nil {
		e.Status, e.Message = Error, f.Message
		e.Checks = notRun(ex, firstLine(f.Message))
		e.isolation = s.Isolation
		return e
	}
	cases := ex.Cases(impl)
	timedOut := false
	for _, c := range cases {
		s.NextCase()
		if timedOut {
			s.SetDeadline(time.Now().Add(AfterTimeout), false)
		}
		began := time.Now()
		problems, attrs := c.Run()
		check := Check{Name: c.Name, Test: ex.Test + "/" + c.Name, Elapsed: time.Since(began).Seconds(),
			Output: strings.TrimSpace(s.TakeOutput())}
		if len(attrs) > 0 {
			check.Attrs = map[string]string{}
			for _, kv := range attrs {
				check.Attrs[kv[0]] = kv[1]
			}
		}
		if f := s.Failure(); f != nil {
			check.Status, check.Message = Error, f.Message
			if f.Kind == "timeout" && !timedOut {
				timedOut = true
				e.Message = f.Message + fmt.Sprintf("\n  (the checks after it got %v each)", AfterTimeout)
			}
			e.Checks = append(e.Checks, check)
			continue
		}
		check.Status = Pass
		if len(problems) > 0 {
			check.Status = Todo
			var msgs []string
			for _, p := range problems {
				if p.Kind != checks.NotImplemented {
					check.Status = Fail
				}
				msgs = append(msgs, p.Message)
			}
			check.Message = strings.Join(msgs, "\n")
		}
		e.Checks = append(e.Checks, check)
	}
	e.isolation = s.Isolation
	return e
}

// stepper is a learner's optimizer living in the harness, as a
// checks.Stepper.
type stepper struct{ r *harness.Remote }

func (s stepper) Step(w, g []float64) { s.r.Call("Step", nil, w, g) }

// MethodSite is where the learner declared the method (checks names it).
func (s stepper) MethodSite(method string) string { return s.r.Site(method).Where }
