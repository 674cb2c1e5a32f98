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
}

func (f *gradeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "dir", "", "the exercises folder (default: exercises/ here or in a folder above)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", grade.DefaultTimeout, "how long one exercise's checks may run")
	cmd.Flags().StringVar(&f.overlay, "overlay", "", "a go test -overlay file swapping files at build time (a teacher's hidden tests); progress is then not saved")
}

// options turns the flags and the exercise names into grade.Options,
// checking what the user typed.
func (f *gradeFlags) options(reg *lessons.Registry, names []string) (grade.Options, error) {
	if f.timeout <= 0 {
		return grade.Options{}, fmt.Errorf("grade: --timeout must be positive, got %v", f.timeout)
	}
	dir := f.dir
	if dir == "" {
		found, err := grade.FindDir(".")
		if err != nil {
			return grade.Options{}, err
		}
		dir = found
	} else if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return grade.Options{}, fmt.Errorf("grade: --dir %s is not an exercises folder (it has no go.mod)", dir)
	}
	if f.overlay != "" {
		if _, err := os.Stat(f.overlay); err != nil {
			return grade.Options{}, fmt.Errorf("grade: --overlay: %w", err)
		}
	}
	var order []string
	for _, l := range reg.All() {
		order = append(order, l.Exercises...)
	}
	o := grade.Options{Dir: dir, Exercises: names, Order: order, Timeout: f.timeout, Overlay: f.overlay}
	// Resolve the names now, so that a typo is a usage error before any work.
	_, err := o.Targets()
	return o, err
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
		Long: "grade runs the checks of your exercises (go test in the exercises folder) and prints,\n" +
			"for each one, what passes, what is not implemented yet, and what is wrong: which value,\n" +
			"by how much, with a hint. It exits 0 when every exercise passes, 1 otherwise.",
		Example: "  dlearn grade\n  dlearn grade mse logistic\n  dlearn grade --json > report.json\n" +
			"  dlearn grade --results results.json --junit junit.xml",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := flags.options(reg, args)
			if err != nil {
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
			if opts.Overlay == "" {
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

// writeReports prints the scoreboard (or the JSON report) and writes the
// report files asked for, each atomically.
func writeReports(e *env, rep *grade.Report, dir string, asJSON bool, results, junit string) error {
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
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return grade.WriteScoreboard(e.stdout, rep, useColor(e.stdout))
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
