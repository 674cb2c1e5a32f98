package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// Developer aids (docs/PERFORMANCE.md): with DLEARN_CPUPROFILE naming a
// file, dlearn writes a CPU profile of the whole process to it (read it
// with `go tool pprof`); with DLEARN_TRACE naming a file, an execution
// trace (`go tool trace`). Both cover everything from the start of run to
// its end, the terminal app included, and are written when dlearn ends
// normally (a signal that ends the app ends it normally too). A file that
// cannot be created is reported on stderr and dlearn runs without it.

// startProfiles starts what the environment asks for and returns the
// function that stops it and closes the files.
func startProfiles(stderr io.Writer) (stop func()) {
	var stops []func()
	if path := os.Getenv("DLEARN_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err != nil {
			fmt.Fprintf(stderr, "dlearn: DLEARN_CPUPROFILE: %v\n", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			fmt.Fprintf(stderr, "dlearn: DLEARN_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("DLEARN_TRACE"); path != "" {
		if f, err := os.Create(path); err != nil {
			fmt.Fprintf(stderr, "dlearn: DLEARN_TRACE: %v\n", err)
		} else if err := trace.Start(f); err != nil {
			f.Close()
			fmt.Fprintf(stderr, "dlearn: DLEARN_TRACE: %v\n", err)
		} else {
			stops = append(stops, func() { trace.Stop(); f.Close() })
		}
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
