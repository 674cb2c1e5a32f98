package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dlearn/dlearn/grade"
	"github.com/dlearn/dlearn/internal/progress"
	"github.com/dlearn/dlearn/internal/stubs"
	"github.com/dlearn/dlearn/lessons"
)

// defaultInitDir is where dlearn init writes when given no folder.
const defaultInitDir = "dlearn-exercises"

// initModule is the module path of a folder dlearn init writes: a module
// of its own, with no dependency on the kit.
const initModule = "dlearn-exercises"

// findExercises finds the learner's exercises folder when no --dir was
// given: exercises/ (with a go.mod) in the working directory or a folder
// above it (inside the course kit), else the folder dlearn init recorded
// in the progress file. how says which.
func findExercises() (dir, how string, err error) {
	found, ferr := grade.FindDir(".")
	if ferr == nil {
		return found, "exercises/ in this folder or one above", nil
	}
	if store, err := progress.Open(); err == nil {
		if st, _, err := store.Load(); err == nil && st.Prefs.ExercisesDir != "" {
			rec := st.Prefs.ExercisesDir
			if _, err := os.Stat(filepath.Join(rec, "go.mod")); err == nil {
				return rec, "recorded by dlearn init in " + store.Path, nil
			}
			return "", "", fmt.Errorf("the exercises folder dlearn init wrote, %s, is gone (or has no go.mod): run dlearn init again, or pass --dir", rec)
		}
	}
	return "", "", errors.New("no exercises folder: run `dlearn init` to write one (or run dlearn inside the course kit, or pass --dir)")
}

// standaloneFolder reports whether dir is a folder dlearn init wrote (a
// module of its own), not the kit's exercises module: its tests would
// import the kit's checks, which it cannot.
func standaloneFolder(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && !strings.Contains(string(data), "module github.com/dlearn/dlearn/exercises")
}

// initReadme is the top-level README of a folder dlearn init writes.
const initReadme = `# Your dlearn exercises

Each folder is one exercise: a Go package with a stub to fill in (the
functions that panic with "TODO") and a README saying what to implement.
Implement them without any library: the point is to write the maths yourself.

This folder is a Go module of its own; it needs nothing but a Go toolchain.
dlearn remembers where it is, so these work from any folder:

    dlearn next               # the next exercise to do, with its lesson
    dlearn grade              # grade every exercise
    dlearn grade mse adam     # some of them
    dlearn watch mse          # grade again on every save (Ctrl-C quits)
    dlearn hint mse           # the next hint (your last mistake first)
    dlearn reset mse          # start over (your version is kept as mse.go.mine)

There are no test files here: the checks live in the dlearn program, and
` + "`dlearn grade`" + ` is the test. It builds your code, calls your functions and
says which value is wrong, by how much, with a hint. ` + "`go build ./...`" + ` and
` + "`go vet ./...`" + ` here check that your code compiles. (The READMEs say
"go test ./NAME in exercises/": that is for the course kit's own copy.)
`

// initFiles are the files of a learner's exercises folder, path → content:
// go.mod, the README, and each exercise's stub and README, without the
// kit's one-line tests (they import the kit's checks).
func initFiles() map[string][]byte {
	out := map[string][]byte{
		"go.mod":    []byte(fmt.Sprintf("module %s\n\ngo %s\n", initModule, stubs.GoVersion)),
		"README.md": []byte(initReadme),
	}
	for _, name := range stubs.Names() {
		for file, data := range stubs.Files(name) {
			if !strings.HasSuffix(file, "_test.go") {
				out[name+"/"+file] = data
			}
		}
		if r := stubs.Readme(name); r != nil {
			out[name+"/README.md"] = r
		}
	}
	return out
}

// writeExercisesFolder writes the files into a new folder beside dir and
// renames it to dir, so that dir is either complete or absent. dir must be
// absent or an empty folder.
func writeExercisesFolder(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // gone after the rename; left only on failure
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(tmp, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err // an empty folder is removed; anything else was refused before
	}
	return os.Rename(tmp, dir)
}

func newInitCmd(e *env, reg *lessons.Registry) *cobra.Command {
	return &cobra.Command{
		Use:   "init [folder]",
		Short: "Write your own exercises folder (default ./" + defaultInitDir + ") and remember where it is",
		Long: "init writes a Go module with every exercise's stub and README from the files inside dlearn,\n" +
			"and records the folder in your progress file, so that grade, watch, hint, reset, next and the\n" +
			"lessons' x view find it from any folder. It never writes into a folder that is not empty.\n" +
			"You need nothing else but a Go toolchain to grade (dlearn doctor says what is missing).",
		Example: "  dlearn init\n  dlearn init ~/dl-exercises",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := defaultInitDir
			if len(args) == 1 {
				dir = args[0]
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				return fmt.Errorf("init: %w", err)
			}
			if st, err := os.Stat(abs); err == nil {
				if !st.IsDir() {
					return fmt.Errorf("init: %s exists and is not a folder; choose another place", dir)
				}
				entries, err := os.ReadDir(abs)
				if err != nil {
					return fmt.Errorf("init: %w", err)
				}
				if len(entries) > 0 {
					return fmt.Errorf("init: %s exists and is not empty; nothing was written (choose a new folder)", dir)
				}
			}
			store, err := progress.Open()
			if err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("init: %v; nothing was written", err)}
			}
			files := initFiles()
			if err := writeExercisesFolder(abs, files); err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("init: writing %s: %v", dir, err)}
			}
			warning, err := store.Update(func(s *progress.State) { s.Prefs.ExercisesDir = abs })
			if warning != "" {
				fmt.Fprintf(e.stderr, "dlearn: %s\n", warning)
			}
			if err != nil {
				return &exitError{code: 1, msg: fmt.Sprintf("init: wrote %s but could not record it (%v): pass --dir %s to grade", abs, err, abs)}
			}
			n := len(stubs.Names())
			first := "mse"
			if all := courseExercises(reg); len(all) > 0 {
				first = all[0].name
			}
			fmt.Fprintf(e.stdout, "wrote %d exercises to %s (a Go module of its own; dlearn remembers where it is)\n", n, abs)
			fmt.Fprintf(e.stdout, "start with %s: edit %s, then run dlearn grade %s from any folder\n",
				first, filepath.Join(abs, first, first+".go"), first)
			fmt.Fprintln(e.stdout, "dlearn next names the next exercise; dlearn doctor checks that grading will work")
			return nil
		},
	}
}
