package grade

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// SwapOverlay returns the contents of a go test -overlay file (see
// Options.Overlay) that grades the code of another folder through the
// exercises' own test files: for each exercise in dir with a folder of the
// same name in with (the reference solutions, say), the exercise's
// non-test Go files are removed and with's are put in their place.
// Paths are absolute.
func SwapOverlay(dir, with string) ([]byte, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	with, err = filepath.Abs(with)
	if err != nil {
		return nil, fmt.Errorf("grade: %w", err)
	}
	names, err := Discover(dir, nil)
	if err != nil {
		return nil, err
	}
	replace := map[string]string{}
	for _, n := range names {
		theirs := sourceFiles(filepath.Join(with, n))
		if len(theirs) == 0 {
			continue
		}
		for _, f := range sourceFiles(filepath.Join(dir, n)) {
			replace[f] = ""
		}
		for _, f := range theirs {
			replace[filepath.Join(dir, n, filepath.Base(f))] = f
		}
	}
	if len(replace) == 0 {
		return nil, fmt.Errorf("grade: no exercise of %s has a counterpart in %s", dir, with)
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "  ")
	return append(data, '\n'), err
}

// sourceFiles returns the non-test Go files of dir.
func sourceFiles(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
}
