package tui

import (
	"bytes"
	"runtime/trace"
	"testing"
)

// While an execution trace is written, the app marks its jobs, updates
// and views as user regions named after what they do.
func TestTraceRegions(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("a trace is already being written (go test -trace): %v", err)
	}
	m := openTest(t, Options{})
	m = keys(m, "e", "space")
	_ = m.View()
	trace.Stop()
	for _, name := range []string{"job: open", "job: step by epoch", "update: tea.KeyPressMsg", "update: tui.jobDoneMsg", "view"} {
		if !bytes.Contains(buf.Bytes(), []byte(name)) {
			t.Errorf("no region %q in the trace", name)
		}
	}
}

func TestJobRegionNames(t *testing.T) {
	for _, c := range []struct {
		a    action
		want string
	}{
		{action{kind: actBack}, "job: back"},
		{action{kind: actGradCheck}, "job: gradcheck"},
		{action{kind: actUnbranch, keep: true}, "job: unbranch"},
		{action{kind: actionKind(99)}, "job: ?"},
	} {
		if got := jobRegion(c.a); got != c.want {
			t.Errorf("jobRegion(%+v) = %q, want %q", c.a, got, c.want)
		}
	}
}
