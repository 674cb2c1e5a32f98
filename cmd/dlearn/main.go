// Command dlearn is a deep-learning course that runs in the terminal.
//
//	dlearn                         open the course (the TUI); without a terminal, list the lessons
//	dlearn list                    list the lessons
//	dlearn lesson ID [flags]       open one lesson; --plain prints its transcript, --json its scenes
//	dlearn grade [exercise…]       grade your exercises
//	dlearn watch [exercise…]       grade again whenever you save
//	dlearn version                 the version and how it was built
//	dlearn about                   where the data comes from, and its licences
//
// Errors the user can cause print one line on stderr and exit with code 2.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes dlearn with args and returns the exit code. It never lets a
// panic escape as a stack trace unless DLEARN_DEBUG is set.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer startProfiles(stderr)()
	defer func() {
		if p := recover(); p != nil {
			if os.Getenv("DLEARN_DEBUG") != "" {
				fmt.Fprintf(stderr, "dlearn: internal error: %v\n%s", p, debug.Stack())
			} else {
				fmt.Fprintf(stderr, "dlearn: internal error: %v (set DLEARN_DEBUG=1 for details, and please report it)\n", p)
			}
			code = 3
		}
	}()
	root := newRootCmd(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	if e, ok := err.(*exitError); ok {
		if e.msg != "" {
			fmt.Fprintf(stderr, "dlearn: %s\n", e.msg)
		}
		return e.code
	}
	fmt.Fprintf(stderr, "dlearn: %v\n", err)
	return 2
}

// exitError ends dlearn with a given exit code and, unless msg is empty,
// one line on stderr. Any other error is a usage error: exit code 2.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
