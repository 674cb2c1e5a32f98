package tui

import (
	"context"
	"fmt"
	"runtime/trace"
)

// The app marks what it does in an execution trace (dlearn's DLEARN_TRACE,
// see docs/PERFORMANCE.md) as user regions: "job: <action>" for a job on
// the lesson run (its whole command, from the first call on the run to
// the snapshot the UI reads), "save" for a save, "update: <message>" and
// "view" for the UI goroutine's work. `go tool trace` lists them with
// their durations under "User-defined regions". When no trace is being
// written, each costs a check of trace.IsEnabled.

var actionNames = [...]string{
	actStep:      "step",
	actBack:      "back",
	actSet:       "set",
	actAnswer:    "answer",
	actRestart:   "restart",
	actBranch:    "branch",
	actUnbranch:  "unbranch",
	actMine:      "mine",
	actGradCheck: "gradcheck",
}

// jobRegion names the region of a job doing a.
func jobRegion(a action) string {
	name := "?"
	if int(a.kind) < len(actionNames) {
		name = actionNames[a.kind]
	}
	if a.kind == actStep {
		name += " by " + a.g.String()
	}
	return "job: " + name
}

// region starts a user region named by name(), called only when a trace
// is being written (trace.StartRegion returns a region whose End does
// nothing otherwise).
func region(name func() string) *trace.Region {
	if !trace.IsEnabled() {
		return trace.StartRegion(context.Background(), "")
	}
	return trace.StartRegion(context.Background(), name())
}

// updateRegion names the region of Update handling msg.
func updateRegion(msg any) func() string {
	return func() string { return fmt.Sprintf("update: %T", msg) }
}
