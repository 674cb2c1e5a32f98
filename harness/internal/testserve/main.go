// Command testserve is a harness process for the harness's own tests: it
// serves two small functions the way a learner's exercise is served, so
// the protocol files can be tested on every platform (on Windows, under
// wine, from a cross-built test binary; see harness/process_test.go).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/dlearn/dlearn/harness"
)

// Add returns a + b.
func Add(a, b float64) float64 { return a + b }

// Shout prints s to stdout and returns it in capitals.
func Shout(s string) string {
	fmt.Println("shouting", s)
	return strings.ToUpper(s)
}

func main() {
	if err := harness.Serve("testserve", map[string]any{"Add": Add, "Shout": Shout}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}
