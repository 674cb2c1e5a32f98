package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/lessons"
)

func newClassroomCmd(e *env, reg *lessons.Registry) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classroom",
		Short: "Hand the course out to a class and grade it",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newClassroomExportCmd(e), newClassroomGradeCmd(e, reg))
	return cmd
}

// kitRoot is the course kit dlearn runs in: the folder above exercises/.
func kitRoot() (string, error) {
	ex, err := grade.FindDir(".")
	if err != nil {
		return "", err
	}
	return filepath.Dir(ex), nil
}

func newClassroomExportCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "export DIR",
		Short: "Write a hand-out copy of the kit: no solutions, a CI workflow that grades each push",
		Long: "export copies the course kit to DIR without solutions/, and adds CI workflows that grade\n" +
			"every push with dlearn grade --junit --results: .github/workflows/dlearn-grade.yml for GitHub\n" +
			"Actions (and GitHub Classroom) and .gitlab-ci.yml for GitLab CI. Set the CI variable\n" +
			"DLEARN_KIT to the URL of your own copy of the kit so that dlearn is built from yours, not\n" +
			"from the learner's repository (whose checks a learner could edit).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := kitRoot()
			if err != nil {
				return fmt.Errorf("classroom export: %w", err)
			}
			dst, err := filepath.Abs(args[0])
			if err != nil {
				return fmt.Errorf("classroom export: %w", err)
			}
			if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
				return fmt.Errorf("classroom export: %s is not empty", dst)
			}
			if rel, err := filepath.Rel(root, dst); err == nil && !strings.HasPrefix(rel, "..") {
				return fmt.Errorf("classroom export: %s is inside the kit", dst)
			}
			n, err := exportKit(root, dst)
			if err != nil {
				return &exitError{code: 1, msg: "classroom export: " + err.Error()}
			}
			fmt.Fprintf(e.stdout, "wrote %d files to %s (no solutions), with CI workflows for GitHub Actions and GitLab CI\n", n, dst)
			return nil
		},
	}
}

// handOutFiles lists the kit's files to hand out (git's list when the kit
// is a git checkout, else every file but the build outputs), without
// solutions/.
func handOutFiles(root string) ([]string, error) {
	var files []string
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, filepath.FromSlash(f))
			}
		}
	} else {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() {
				if rel == ".git" || rel == "bin" {
					return filepath.SkipDir
				}
				return nil
			}
			if rel != "dlearn" && !strings.HasSuffix(rel, ".test") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return slices.DeleteFunc(files, func(f string) bool {
		first := strings.SplitN(filepath.ToSlash(f), "/", 2)[0]
		_, err := os.Lstat(filepath.Join(root, f))
		return first == "solutions" || err != nil || strings.HasSuffix(f, ".mine")
	}), nil
}

func exportKit(root, dst string) (int, error) {
	files, err := handOutFiles(root)
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return 0, err
		}
		st, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			return 0, err
		}
		if err := atomicfile.Write(filepath.Join(dst, f), data, st.Mode().Perm()); err != nil {
			return 0, err
		}
	}
	extra := map[string]string{
		filepath.Join(".github", "workflows", "dlearn-grade.yml"): githubWorkflow,
		".gitlab-ci.yml": gitlabCI,
	}
	for name, content := range extra {
		if err := atomicfile.Write(filepath.Join(dst, name), []byte(content), 0o644); err != nil {
			return 0, err
		}
	}
	return len(files) + len(extra), nil
}

// The CI workflows of a hand-out copy. dlearn is built from the teacher's
// kit (DLEARN_KIT) when set, so that a learner who edits the checks in
// their own repository changes nothing.
const githubWorkflow = `# Grades every push with dlearn (written by dlearn classroom export).
# Set the repository or organisation variable DLEARN_KIT to the git URL of
# the teacher's copy of the kit: dlearn is then built from it, not from this
# repository.
name: dlearn grade
on: [push, pull_request, workflow_dispatch]
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - name: Build dlearn (from the teacher's kit when DLEARN_KIT is set)
        env:
          DLEARN_KIT: ${{ vars.DLEARN_KIT }}
        run: |
          if [ -n "$DLEARN_KIT" ]; then
            git clone --depth 1 "$DLEARN_KIT" "$RUNNER_TEMP/kit"
            (cd "$RUNNER_TEMP/kit" && go build -o "$RUNNER_TEMP/dlearn" ./cmd/dlearn)
          else
            go build -o "$RUNNER_TEMP/dlearn" ./cmd/dlearn
          fi
      - name: Grade
        run: |
          "$RUNNER_TEMP/dlearn" grade --dir exercises --junit junit.xml --results results.json
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: dlearn-grade
          path: |
            junit.xml
            results.json
`

const gitlabCI = `# Grades every push with dlearn (written by dlearn classroom export).
# Set the CI/CD variable DLEARN_KIT to the git URL of the teacher's copy of
# the kit: dlearn is then built from it, not from this repository.
dlearn-grade:
  image: golang:1.26
  timeout: 20 minutes
  script:
    - |
      if [ -n "$DLEARN_KIT" ]; then
        git clone --depth 1 "$DLEARN_KIT" /tmp/kit
        (cd /tmp/kit && go build -o /tmp/dlearn ./cmd/dlearn)
      else
        go build -o /tmp/dlearn ./cmd/dlearn
      fi
    - /tmp/dlearn grade --dir exercises --junit junit.xml --results results.json
  artifacts:
    when: always
    paths:
      - results.json
    reports:
      junit: junit.xml
`

func newClassroomGradeCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var (
		out     string
		flags   gradeFlags
		workers int
	)
	cmd := &cobra.Command{
		Use:   "grade ROSTER_DIR [exercise…]",
		Short: "Grade every learner's folder in ROSTER_DIR into one CSV gradebook",
		Long: "grade treats each folder of ROSTER_DIR as one learner (named after the folder) holding either\n" +
			"an exercises/ folder or the exercises themselves, grades them in parallel, and writes\n" +
			"OUT/gradebook.csv (one row per learner: points, and each exercise's points) and, per learner,\n" +
			"OUT/NAME/report.json, results.json, junit.xml and scoreboard.txt. A folder that is not an\n" +
			"exercises folder gets a row with its reason. It exits 0 when every learner was graded.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			roster := args[0]
			entries, err := os.ReadDir(roster)
			if err != nil {
				return fmt.Errorf("classroom grade: %w", err)
			}
			if flags.timeout <= 0 {
				return fmt.Errorf("classroom grade: --timeout must be positive, got %v", flags.timeout)
			}
			weights, err := readWeights(flags.weights)
			if err != nil {
				return err
			}
			if err := checkWritable("out", filepath.Join(out, "gradebook.csv")); err != nil {
				return err
			}
			var order []string
			for _, l := range reg.All() {
				order = append(order, l.Exercises...)
			}
			var learners []string
			for _, en := range entries {
				if en.IsDir() && !strings.HasPrefix(en.Name(), ".") {
					learners = append(learners, en.Name())
				}
			}
			if len(learners) == 0 {
				return fmt.Errorf("classroom grade: %s has no learner folders", roster)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if workers <= 0 {
				workers = runtime.NumCPU()
			}
			results := make([]learnerGrade, len(learners))
			sem := make(chan struct{}, workers)
			var wg sync.WaitGroup
			for i, name := range learners {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					dir := filepath.Join(roster, name)
					if st, err := os.Stat(filepath.Join(dir, "exercises")); err == nil && st.IsDir() {
						dir = filepath.Join(dir, "exercises")
					}
					o := grade.Options{Dir: dir, Exercises: args[1:], Order: order, Timeout: flags.timeout, Weights: weights}
					rep, err := grade.Run(ctx, o)
					results[i] = learnerGrade{name: name, rep: rep, err: err}
				}()
			}
			wg.Wait()
			if ctx.Err() != nil {
				return &exitError{code: 130, msg: "classroom grade: interrupted"}
			}
			if err := writeGradebook(out, results); err != nil {
				return &exitError{code: 1, msg: "classroom grade: " + err.Error()}
			}
			failed := 0
			for _, r := range results {
				if r.err != nil {
					failed++
					var unknown *grade.UnknownError
					if errors.As(r.err, &unknown) {
						return unknown // a typo in the exercise names: the same for everyone
					}
				}
			}
			fmt.Fprintf(e.stdout, "graded %d learners (%d could not be graded) into %s\n", len(results)-failed, failed,
				filepath.Join(out, "gradebook.csv"))
			if failed > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "gradebook", "the folder for gradebook.csv and the per-learner reports")
	cmd.Flags().DurationVar(&flags.timeout, "timeout", grade.DefaultTimeout, "how long one exercise's checks may run")
	cmd.Flags().StringVar(&flags.weights, "weights", "", `a JSON file of points per exercise, {"mse": 2} (default 1 each)`)
	cmd.Flags().IntVar(&workers, "jobs", 0, "learners graded at once (default: the number of cores)")
	return cmd
}

type learnerGrade struct {
	name string
	rep  *grade.Report
	err  error
}

// writeGradebook writes the CSV gradebook and each learner's reports.
func writeGradebook(out string, results []learnerGrade) error {
	var exercises []string
	for _, r := range results {
		if r.rep != nil {
			for _, e := range r.rep.Exercises {
				if !slices.Contains(exercises, e.Name) {
					exercises = append(exercises, e.Name)
				}
			}
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := append([]string{"learner", "points", "max_points", "status", "exercises_passed", "checks_passed", "checks"}, exercises...)
	header = append(header, "note")
	if err := w.Write(header); err != nil {
		return err
	}
	for _, r := range results {
		row := []string{r.name}
		if r.rep == nil {
			row = append(row, "0", "", "error", "0", "0", "0")
			for range exercises {
				row = append(row, "")
			}
			row = append(row, firstLineOf(r.err.Error()))
			if err := w.Write(row); err != nil {
				return err
			}
			continue
		}
		passed, total := 0, 0
		points := map[string]string{}
		for _, e := range r.rep.Exercises {
			passed, total = passed+e.Passed, total+e.Total
			points[e.Name] = grade.FormatPoints(e.Points)
		}
		row = append(row, grade.FormatPoints(r.rep.Points), grade.FormatPoints(r.rep.MaxPoints), string(r.rep.Status),
			fmt.Sprint(r.rep.PassedCount()), fmt.Sprint(passed), fmt.Sprint(total))
		for _, x := range exercises {
			row = append(row, points[x])
		}
		row = append(row, "")
		if err := w.Write(row); err != nil {
			return err
		}
		if err := writeLearnerReports(filepath.Join(out, r.name), r.rep); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(out, "gradebook.csv"), buf.Bytes(), 0o644)
}

func writeLearnerReports(dir string, rep *grade.Report) error {
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	results, err := grade.ExercismResults(rep)
	if err != nil {
		return err
	}
	junit, err := grade.JUnit(rep)
	if err != nil {
		return err
	}
	var board bytes.Buffer
	if err := grade.WriteScoreboard(&board, rep, false); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"report.json": append(js, '\n'), "results.json": results,
		"junit.xml": junit, "scoreboard.txt": board.Bytes()} {
		if err := atomicfile.Write(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
