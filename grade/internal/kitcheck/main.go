// Command kitcheck holds the checks of the course kit's CI that need Go:
//
//	kitcheck api EXERCISES SOLUTIONS
//	    each exercise's stub and its solution export the same API
//	kitcheck overlay EXERCISES SOLUTIONS FILE
//	    write a go test -overlay file that puts each solution in place of
//	    its stub, so that the learner's side can be graded with solutions
//
// It exits 1 when a check fails and 2 on a usage error.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dlearn/dlearn/grade"
)

func main() {
	args := os.Args[1:]
	var err error
	switch {
	case len(args) == 3 && args[0] == "api":
		err = compareAPIs(args[1], args[2])
	case len(args) == 4 && args[0] == "overlay":
		err = writeOverlay(args[1], args[2], args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: kitcheck api EXERCISES SOLUTIONS | kitcheck overlay EXERCISES SOLUTIONS FILE")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kitcheck: %v\n", err)
		os.Exit(1)
	}
}

// pairs returns the exercises that have a solution; an exercise without
// one is an error, a solution without an exercise too.
func pairs(exDir, solDir string) ([]string, error) {
	ex, err := codeDirs(exDir)
	if err != nil {
		return nil, err
	}
	sol, err := codeDirs(solDir)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(ex, sol) {
		return nil, fmt.Errorf("exercises %v and solutions %v differ", ex, sol)
	}
	return ex, nil
}

// codeDirs lists the folders of dir that hold non-test Go files.
func codeDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && len(sourceFiles(filepath.Join(dir, e.Name()))) > 0 {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// sourceFiles returns the non-test Go files of dir.
func sourceFiles(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
}

func compareAPIs(exDir, solDir string) error {
	names, err := pairs(exDir, solDir)
	if err != nil {
		return err
	}
	bad := 0
	for _, n := range names {
		stub, err := exportedAPI(filepath.Join(exDir, n))
		if err != nil {
			return err
		}
		sol, err := exportedAPI(filepath.Join(solDir, n))
		if err != nil {
			return err
		}
		onlyStub, onlySol := difference(stub, sol), difference(sol, stub)
		for _, d := range onlyStub {
			fmt.Printf("%s: only the stub has    %s\n", n, d)
		}
		for _, d := range onlySol {
			fmt.Printf("%s: only the solution has %s\n", n, d)
		}
		if len(onlyStub)+len(onlySol) > 0 {
			bad++
		} else {
			fmt.Printf("%s: stub and solution export the same %d declarations\n", n, len(stub))
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d exercises export a different API from their solution", bad, len(names))
	}
	return nil
}

// difference returns the lines of a that are not in b.
func difference(a, b []string) []string {
	var d []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			d = append(d, x)
		}
	}
	return d
}

// writeOverlay writes the overlay that puts every solution in place of
// its stub, after making sure every exercise has one.
func writeOverlay(exDir, solDir, file string) error {
	if _, err := pairs(exDir, solDir); err != nil {
		return err
	}
	data, err := grade.SwapOverlay(exDir, solDir)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
