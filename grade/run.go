package grade

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dlearn/dlearn/harness"
	"github.com/dlearn/dlearn/internal/checks"
)

// DefaultTimeout is how long one exercise's checks may run, in all,
// before its harness is stopped and the exercise is graded "timed out".
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
	// Overlay, when set, is a go -overlay file that swaps the learner's
	// files at build time (the reference solutions in CI, say), leaving
	// the learner's folder untouched.
	Overlay string
	// Weights are the points of each exercise (1 when not listed); an
	// exercise earns its weight times the share of its checks that pass.
	Weights map[string]float64
	// Limits bound each harness process; zero means harness.DefaultLimits
	// with the CPU time cut to the timeout.
	Limits harness.Limits
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

// moduleInfo reads the module path and go version from dir/go.mod; a
// folder without one is the kit's exercises module.
func moduleInfo(dir string) (path, goVersion string, err error) {
	path, goVersion = kitModule+"/exercises", "1.26"
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return path, goVersion, nil
	}
	if err != nil {
		return "", "", fmt.Errorf("grade: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "module":
			path = strings.Trim(f[1], `"`)
		case len(f) == 2 && f[0] == "go":
			goVersion = f[1]
		}
	}
	return path, goVersion, nil
}

// NotExercisesError is returned for a folder that holds none of the
// course's exercises.
type NotExercisesError struct{ Dir string }

func (e *NotExercisesError) Error() string {
	var names []string
	for _, x := range checks.Exercises() {
		names = append(names, x.Name)
	}
	return fmt.Sprintf("grade: %s is not an exercises folder: it has none of the course's exercises (%s)", e.Dir, strings.Join(names, ", "))
}

// Discover returns the course's exercises (those the checks know), in
// the given order, then by name. It fails when dir holds none of them:
// it is not an exercises folder. An exercise whose folder is missing is
// still listed: it is graded as missing, so that totals never change.
func Discover(dir string, order []string) ([]string, error) {
	if _, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	var names []string
	found := false
	for _, e := range checks.Exercises() {
		names = append(names, e.Name)
		if len(sourceFiles(filepath.Join(dir, e.Name))) > 0 {
			found = true
		}
	}
	if !found {
		return nil, &NotExercisesError{Dir: dir}
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
	mod, _, err := moduleInfo(o.Dir)
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
