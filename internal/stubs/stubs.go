// Package stubs holds a pristine copy of the exercises' starting files
// (the stubs and their one-line tests), so that dlearn reset can restore
// one without git. files/ is generated from exercises/ by go generate;
// .ci/exercises.sh checks that the two agree.
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
