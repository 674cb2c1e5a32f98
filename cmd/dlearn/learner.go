package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/atomicfile"
	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/internal/stubs"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's loop outside the TUI: next (what to do), progress (where
// one stands), hint (a ladder of hints for one exercise), reset (start an
// exercise over).

// courseExercise is an exercise in course order with the lesson it
// belongs to (the first lesson that lists it).
type courseExercise struct {
	name   string
	lesson *lessons.Lesson
}

func courseExercises(reg *lessons.Registry) []courseExercise {
	var out []courseExercise
	seen := map[string]bool{}
	for _, l := range reg.All() {
		for _, x := range l.Exercises {
			if !seen[x] {
				seen[x] = true
				out = append(out, courseExercise{x, l})
			}
		}
	}
	return out
}

func loadProgress() (*progress.State, *progress.Store, error) {
	store, err := progress.Open()
	if err != nil {
		return nil, nil, err
	}
	st, _, err := store.Load()
	return st, store, err
}

func newNextCmd(e *env, reg *lessons.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "next",
		Short: "Name the next exercise to do, in course order, with its lesson",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := loadProgress()
			if err != nil {
				return fmt.Errorf("next: %w", err)
			}
			dir, _, ferr := findExercises()
			if ferr != nil {
				dir = "exercises"
			}
			if err := writeNext(e.stdout, reg, st, dir); err != nil {
				return err
			}
			if ferr != nil {
				fmt.Fprintf(e.stdout, "(%v)\n", ferr)
			}
			return nil
		},
	}
}

// writeNext names the next exercise to do; dir is the exercises folder.
func writeNext(w io.Writer, reg *lessons.Registry, st *progress.State, dir string) error {
	all := courseExercises(reg)
	for _, x := range all {
		g, graded := st.Exercises[x.name]
		if graded && g.Status == string(grade.Pass) {
			continue
		}
		state := "not graded yet"
		if graded {
			state = fmt.Sprintf("last grade: %s, %d/%d checks", g.Status, g.Passed, g.Total)
		}
		_, err := fmt.Fprintf(w, "next: %s (lesson %s: %s) · %s\n  edit %s, then: dlearn grade %s   (stuck? dlearn hint %s)\n",
			x.name, x.lesson.ID, x.lesson.Title, state, filepath.Join(dir, x.name)+string(filepath.Separator), x.name, x.name)
		return err
	}
	_, err := fmt.Fprintf(w, "every exercise passes (%d of %d): well done\n", len(all), len(all))
	return err
}

func newProgressCmd(e *env, reg *lessons.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "progress",
		Short: "Show the lessons you have stepped through and your exercise grades",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := loadProgress()
			if err != nil {
				return fmt.Errorf("progress: %w", err)
			}
			return writeProgress(e.stdout, reg, st)
		},
	}
}

func writeProgress(w io.Writer, reg *lessons.Registry, st *progress.State) error {
	var b strings.Builder
	passed, all := 0, courseExercises(reg)
	for _, x := range all {
		if st.Exercises[x.name].Status == string(grade.Pass) {
			passed++
		}
	}
	for i, l := range reg.All() {
		steps := "not opened"
		if p, ok := st.Lessons[l.ID]; ok && p.StepsSeen > 0 {
			steps = fmt.Sprintf("%d steps seen", p.StepsSeen)
			if right, answered := p.Score(); answered > 0 {
				steps += fmt.Sprintf(" · questions %d/%d right", right, answered)
			}
		}
		fmt.Fprintf(&b, "%2d. %s — %s · %s\n", i+1, l.ID, l.Title, steps)
		for _, x := range l.Exercises {
			g, ok := st.Exercises[x]
			switch {
			case !ok:
				fmt.Fprintf(&b, "      exercise %s: not graded yet\n", x)
			default:
				fmt.Fprintf(&b, "      exercise %s: %s, %d/%d checks (%s)\n", x, g.Status, g.Passed, g.Total, g.Graded.Local().Format("2006-01-02 15:04"))
			}
		}
	}
	fmt.Fprintf(&b, "\n%d of %d exercises pass. Next: dlearn next\n", passed, len(all))
	_, err := io.WriteString(w, b.String())
	return err
}

func newHintCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "hint [exercise]",
		Short: "Give the next hint for an exercise (the next unsolved one by default)",
		Long: "hint climbs a ladder of hints, one rung per call: first what your last grade found wrong and\n" +
			"its hint, then the exercise's own explanations one by one, then where its lesson shows it.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, store, err := loadProgress()
			if err != nil {
				return fmt.Errorf("hint: %w", err)
			}
			all := courseExercises(reg)
			var x *courseExercise
			for i := range all {
				if len(args) == 1 && all[i].name == args[0] ||
					len(args) == 0 && st.Exercises[all[i].name].Status != string(grade.Pass) {
					x = &all[i]
					break
				}
			}
			if x == nil {
				if len(args) == 1 {
					return fmt.Errorf("hint: no exercise %q (dlearn progress lists them)", args[0])
				}
				_, err := fmt.Fprintln(e.stdout, "every exercise passes: no hint needed")
				return err
			}
			if dir == "" {
				if dir, _, err = findExercises(); err != nil {
					return fmt.Errorf("hint: %w", err)
				}
			}
			g := st.Exercises[x.name]
			ladder := hintLadder(dir, *x, g)
			rung := min(g.HintsSeen, len(ladder)-1)
			fmt.Fprintf(e.stdout, "hint %d of %d for %s:\n%s\n", rung+1, len(ladder), x.name, ladder[rung])
			if rung+1 < len(ladder) {
				fmt.Fprintf(e.stdout, "\n(dlearn hint %s again for the next one)\n", x.name)
			}
			_, err = store.Update(func(s *progress.State) {
				ex := s.Exercises[x.name]
				ex.HintsSeen = rung + 1
				s.Exercises[x.name] = ex
			})
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the exercises folder (default: exercises/ here or in a folder above, else the one dlearn init wrote)")
	return cmd
}

// hintLadder is the rungs of hints for an exercise, most specific first:
// the last grade's diagnosis, each paragraph of the exercise's README,
// and its lesson.
func hintLadder(dir string, x courseExercise, g progress.Exercise) []string {
	var ladder []string
	if g.Problem != "" && g.Status != string(grade.Pass) {
		rung := "your last grade found: " + g.Problem
		if g.Hint != "" {
			rung += "\nhint: " + g.Hint
		}
		ladder = append(ladder, rung)
	}
	if data, err := os.ReadFile(filepath.Join(dir, x.name, "README.md")); err == nil {
		for _, para := range strings.Split(strings.TrimSpace(string(data)), "\n\n") {
			para = strings.TrimSpace(para)
			if para == "" || strings.HasPrefix(para, "#") || strings.Contains(para, "dlearn grade") {
				continue
			}
			ladder = append(ladder, para)
		}
	}
	return append(ladder, fmt.Sprintf("the lesson %s (%s) shows the same computation step by step: dlearn lesson %s",
		x.lesson.ID, x.lesson.Title, x.lesson.ID))
}

func newResetCmd(e *env, reg *lessons.Registry) *cobra.Command {
	var (
		dir string
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "reset exercise",
		Short: "Start an exercise over from its stub, keeping your version beside it",
		Long: "reset puts an exercise's stub and test back, after asking. Your Go files are kept beside\n" +
			"them as NAME.go.mine (not compiled), so nothing you wrote is lost.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			files := stubs.Files(name)
			if len(files) == 0 {
				return fmt.Errorf("reset: no exercise %q; the exercises are: %s", name, strings.Join(stubs.Names(), ", "))
			}
			var err error
			if dir == "" {
				if dir, _, err = findExercises(); err != nil {
					return fmt.Errorf("reset: %w", err)
				}
			}
			folder := filepath.Join(dir, name)
			if standaloneFolder(dir) {
				// A folder dlearn init wrote has no tests: they import
				// the kit's checks; dlearn grade is its test.
				for f := range files {
					if strings.HasSuffix(f, "_test.go") {
						delete(files, f)
					}
				}
			}
			if !yes {
				fmt.Fprintf(e.stdout, "reset %s to its stub? Your Go files there are kept as *.go.mine. [y/N] ", folder)
				var answer string
				fmt.Fscanln(e.stdin, &answer)
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					fmt.Fprintln(e.stdout, "nothing changed")
					return nil
				}
			}
			kept, err := resetExercise(folder, files)
			if err != nil {
				return &exitError{code: 1, msg: "reset: " + err.Error()}
			}
			for _, k := range kept {
				fmt.Fprintf(e.stdout, "kept your %s\n", k)
			}
			fmt.Fprintf(e.stdout, "%s is back to its stub: dlearn grade %s\n", folder, name)
			if st, store, err := loadProgress(); err == nil && ownExercises(dir) {
				if _, ok := st.Exercises[name]; ok {
					_, _ = store.Update(func(s *progress.State) { delete(s.Exercises, name) })
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the exercises folder (default: exercises/ here or in a folder above, else the one dlearn init wrote)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask")
	return cmd
}

// resetExercise moves the learner's Go files of folder aside (NAME.mine,
// or NAME.mine.2 … when one is there) and writes the starting files. It
// returns the names of the files it kept.
func resetExercise(folder string, files map[string][]byte) ([]string, error) {
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, err
	}
	mine, _ := filepath.Glob(filepath.Join(folder, "*.go"))
	var kept []string
	for _, f := range mine {
		dst := f + ".mine"
		for i := 2; ; i++ {
			if _, err := os.Lstat(dst); os.IsNotExist(err) {
				break
			}
			dst = fmt.Sprintf("%s.mine.%d", f, i)
		}
		if err := os.Rename(f, dst); err != nil {
			return kept, err
		}
		kept = append(kept, filepath.Base(dst))
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := atomicfile.Write(filepath.Join(folder, n), files[n], 0o644); err != nil {
			return kept, err
		}
	}
	return kept, nil
}
