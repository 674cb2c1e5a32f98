// Package stubs holds a pristine copy of the exercises' starting files
// (the stubs and their one-line tests) and their READMEs, so that dlearn
// reset can restore one without git and dlearn init can write a learner's
// exercises folder from the binary alone. files/ and docs/ are generated
// from exercises/ by go generate; .ci/exercises.sh and this package's
// tests check that they agree.
package stubs

//go:generate sh gen.sh

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed files
var files embed.FS

//go:embed docs
var docs embed.FS

// GoVersion is the go line of the exercises' go.mod, which dlearn init
// writes into a learner's folder (a test checks it against exercises/go.mod).
const GoVersion = "1.26.7"

// Readme returns the README of exercise name, or nil if it has none.
func Readme(name string) []byte {
	data, err := docs.ReadFile(path.Join("docs", name+".md"))
	if err != nil {
		return nil
	}
	return data
}

// Files returns the starting files of exercise name: file name → content.
// It is empty for an exercise the kit does not have.
func Files(name string) map[string][]byte {
	out := map[string][]byte{}
	entries, err := fs.ReadDir(files, path.Join("files", name))
	if err != nil {
		return out
	}
	for _, e := range entries {
		data, err := files.ReadFile(path.Join("files", name, e.Name()))
		if err == nil {
			out[strings.TrimSuffix(e.Name(), ".txt")] = data
		}
	}
	return out
}

// Names returns the exercises the copy has, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, "files")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}
