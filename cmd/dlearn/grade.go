package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/lessons"
)

// gradeFlags are the flags grade and watch share.
type gradeFlags struct {
	dir     string
	timeout time.Duration
	overlay string
	weights string
}

func (f *gradeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "dir", "", "the exercises folder (default: exercises/ here or in a folder above, else the one dlearn init wrote)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", grade.DefaultTimeout, "how long one exercise's checks may run")
	cmd.Flags().StringVar(&f.overlay, "overlay", "", "a go -overlay file swapping the learner's files at build time (the solutions, in CI); progress is then not saved")
	cmd.Flags().StringVar(&f.weights, "weights", "", `a JSON file of points per exercise, {"mse": 2, "gan": 3} (default 1 each); each earns its points times the share of its checks that pass`)
}

// readWeights reads a teacher's weights file: exercise → points.
func readWeights(path string) (map[string]float64, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("grade: --weights: %w", err)
	}
	var w map[string]float64
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("grade: --weights %s: want a JSON object of exercise names to points: %v", path, err)
	}
	for name, v := range w {
		if v < 0 || v != v {
			return nil, fmt.Errorf("grade: --weights %s: %s has %v points; points are 0 or more", path, name, v)
		}
	}
	return w, nil
}

// options turns the flags and the exercise names into grade.Options,
// checking what the user typed.
func (f *gradeFlags) options(reg *lessons.Registry, names []string) (grade.Options, error) {
	if f.timeout <= 0 {
		return grade.Options{}, fmt.Errorf("grade: --timeout must be positive, got %v", f.timeout)
	}
	if err := canGrade(); err != nil {
		return grade.Options{}, err
	}
	dir := f.dir
	if dir == "" {
		found, _, err := findExercises()
		if err != nil {
			return grade.Options{}, fmt.Errorf("grade: %w", err)
		}
		dir = found
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return grade.Options{}, fmt.Errorf("grade: --dir %s is not a folder", dir)
	}
	if f.overlay != "" {
		if _, err := os.Stat(f.overlay); err != nil {
			return grade.Options{}, fmt.Errorf("grade: --overlay: %w", err)
		}
	}
	weights, err := readWeights(f.weights)
	if err != nil {
		return grade.Options{}, err
	}
	var order []string
	for _, l := range reg.All() {
		order = append(order, l.Exercises...)
	}
	o := grade.Options{Dir: dir, Exercises: names, Order: order, Timeout: f.timeout, Overlay: f.overlay, Weights: weights}
	// Resolve the names now, so that a typo is a usage error before any work.
	_, err = o.Targets()
	return o, err
}

// ownExercises reports whether dir is the learner's own exercises folder
// (the kit's, found from the current folder, or the one dlearn init
// wrote): only its grades belong in the local progress, never those of
// another folder graded with --dir.
func ownExercises(dir string) bool {
	own, _, err := findExercises()
	if err != nil {
		return false
	}
	a, err1 := filepath.Abs(dir)
	b, err2 := filepath.Abs(own)
	return err1 == nil && err2 == nil && a == b
}

// checkWritable refuses, before any grading, a report path that cannot be
// written: a folder, or a place where no file can be created.
func checkWritable(flag, path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("grade: --%s %s is a folder", flag, path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("grade: --%s %s cannot be written: %v", flag, path, err)
	}
	f, err := os.CreateTemp(dir, ".dlearn-check-*")
	if err != nil {
		return fmt.Errorf("grade: --%s %s cannot be written: %v", flag, path, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

func newGradeCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var (
		flags                  gradeFlags
		asJSON                 bool
		resultsFile, junitFile string
	)
	cmd := &cobra.Command{
		Use:   "grade [exercise…]",
		Short: "Grade your exercises and say what is wrong",
		Long: "grade builds each of your exercises into a small program that only answers calls, runs the\n" +
			"course's checks against it, and prints, for each one, what passes, what is not implemented yet,\n" +
			"and what is wrong: which value, by how much, with a hint. Your test files are not used: whatever\n" +
			"your code prints or however it exits, only right values pass. It exits 0 when every exercise\n" +
			"passes, 1 otherwise, 2 on a usage error (a report path that cannot be written is refused first).",
		Example: "  dlearn grade\n  dlearn grade mse logistic\n  dlearn grade --json > report.json\n" +
			"  dlearn grade --results results.json --junit junit.xml",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := flags.options(reg, args)
			if err != nil {
				return err
			}
			if err := checkWritable("results", resultsFile); err != nil {
				return err
			}
			if err := checkWritable("junit", junitFile); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := grade.Run(ctx, opts)
			if errors.Is(err, context.Canceled) {
				return &exitError{code: 130, msg: "grade: interrupted"}
			}
			if err != nil {
				return err
			}
			if err := writeReports(e, rep, opts.Dir, asJSON, resultsFile, junitFile); err != nil {
				return &exitError{code: 2, msg: err.Error()}
			}
			if opts.Overlay == "" && ownExercises(opts.Dir) {
				saveGrades(e.stderr, rep)
			}
			if !rep.Passed() {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON instead of the scoreboard")
	cmd.Flags().StringVar(&resultsFile, "results", "", "also write Exercism's results.json (v3) to this file")
	cmd.Flags().StringVar(&junitFile, "junit", "", "also write a JUnit XML report to this file")
	return cmd
}

// writeReports prints the scoreboard (or the JSON report), always, then
// writes the report files asked for, each atomically.
func writeReports(e *env, rep *grade.Report, dir string, asJSON bool, results, junit string) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := grade.WriteScoreboard(e.stdout, rep, useColor(e.stdout)); err != nil {
		return err
	}
	if results != "" {
		data, err := grade.ExercismResults(rep)
		if err == nil {
			err = atomicfile.Write(results, data, 0o644)
		}
		if err != nil {
			return fmt.Errorf("grade: --results: %w", err)
		}
	}
	if junit != "" {
		data, err := grade.JUnit(rep)
		if err == nil {
			err = atomicfile.Write(junit, data, 0o644)
		}
		if err != nil {
			return fmt.Errorf("grade: --junit: %w", err)
		}
	}
	return nil
}

// saveGrades records the grades in the learner's progress; a failure is
// worth a line on stderr, not a failed grade.
func saveGrades(stderr io.Writer, rep *grade.Report) {
	store, err := progress.Open()
	if err == nil {
		var warning string
		warning, err = grade.Record(store, rep, time.Now())
		if warning != "" {
			fmt.Fprintf(stderr, "dlearn: %s\n", warning)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "dlearn: grade: your grades were not saved: %v\n", err)
	}
}

// useColor reports whether w is a terminal that wants colour: not when
// NO_COLOR is set (https://no-color.org) or TERM is dumb.
func useColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(f.Fd())
}
