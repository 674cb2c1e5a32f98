package grade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultTimeout is how long one exercise's tests may run before go test
// stops them and the exercise is graded "timed out".
const DefaultTimeout = 60 * time.Second

// Options say what to grade and how.
type Options struct {
	// Dir is the exercises folder, the root of its own Go module.
	Dir string
	// Exercises are the names (folders) to grade; none means all.
	Exercises []string
	// Order lists exercise names in course order; the report follows it,
	// and exercises not in it come after, by name.
	Order []string
	// Timeout limits each exercise's tests; zero means DefaultTimeout.
	Timeout time.Duration
	// Overlay is passed to go test -overlay when set: a JSON file that
	// swaps files at build time (a teacher's hidden tests, or the
	// reference solutions in CI), leaving the learner's folder untouched.
	Overlay string
	// Go is the go command; empty means "go" from PATH.
	Go string
}

// UnknownError is returned for exercise names that are not folders of
// the exercises module.
type UnknownError struct {
	Names []string // the unknown names
	Known []string // every exercise, in order
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("grade: no exercise %s; the exercises are: %s",
		quoteAll(e.Names), strings.Join(e.Known, ", "))
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// FindDir returns the exercises folder: exercises/ (with a go.mod) in
// start or the nearest folder above it that has one.
func FindDir(start string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("grade: %w", err)
	}
	dir := abs
	for {
		cand := filepath.Join(dir, "exercises")
		if _, err := os.Stat(filepath.Join(cand, "go.mod")); err == nil {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("grade: no exercises/ folder with a go.mod here or above %s (run dlearn inside the course kit, or pass --dir)", abs)
		}
		dir = parent
	}
}

// modulePath reads the module path from dir/go.mod.
func modulePath(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("grade: %s is not an exercises module: %w", dir, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", fmt.Errorf("grade: %s has no module line", filepath.Join(dir, "go.mod"))
}

// Discover returns the exercises in dir: the folders holding Go code
// (other than tests), in the given order, then by name.
func Discover(dir string, order []string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata" {
			continue
		}
		if len(sourceFiles(filepath.Join(dir, n))) > 0 {
			names = append(names, n)
		}
	}
	rank := func(n string) int {
		if i := slices.Index(order, n); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return names, nil
}

// Targets resolves the names to grade (all when names is empty) against
// the exercises in o.Dir. Unknown names give an *UnknownError.
func (o Options) Targets() ([]Target, error) {
	mod, err := modulePath(o.Dir)
	if err != nil {
		return nil, err
	}
	known, err := Discover(o.Dir, o.Order)
	if err != nil {
		return nil, err
	}
	names := known
	if len(o.Exercises) > 0 {
		var unknown []string
		names = nil
		for _, n := range o.Exercises {
			n = strings.Trim(filepath.ToSlash(n), "./")
			switch {
			case !slices.Contains(known, n):
				unknown = append(unknown, n)
			case !slices.Contains(names, n):
				names = append(names, n)
			}
		}
		if len(unknown) > 0 {
			return nil, &UnknownError{Names: unknown, Known: known}
		}
	}
	ts := make([]Target, len(names))
	for i, n := range names {
		ts[i] = Target{Name: n, Package: mod + "/" + n}
	}
	return ts, nil
}

// Run grades the exercises: it runs go test -json on their packages in
// o.Dir and parses what it prints. A failing exercise is a result, not an
// error; Run fails when the options are wrong, go cannot be started, or
// ctx is done (go test and its test binaries are then stopped).
func Run(ctx context.Context, o Options) (*Report, error) {
	targets, err := o.Targets()
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("grade: no exercises in %s", o.Dir)
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	args := []string{"test", "-json", "-count=1", "-timeout", timeout.String()}
	if o.Overlay != "" {
		ov, err := filepath.Abs(o.Overlay)
		if err != nil {
			return nil, fmt.Errorf("grade: %w", err)
		}
		args = append(args, "-overlay", ov)
	}
	for _, t := range targets {
		args = append(args, "./"+t.Name)
	}
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = o.Dir
	// The exercises are their own module: a go.work above them must not
	// pull them into a workspace that does not list them.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	inOwnProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("grade: the go command was not found (install Go from https://go.dev/dl and put it on PATH): %w", err)
		}
		return nil, fmt.Errorf("grade: running go test: %w", err)
	}
	return Parse(&stdout, stderr.String(), targets, o.Dir)
}
