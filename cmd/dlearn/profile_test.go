package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// DLEARN_CPUPROFILE and DLEARN_TRACE write a CPU profile and an execution
// trace of the run; a file that cannot be created is reported and dlearn
// runs without it.
func TestProfilesFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	cpu, tr := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "trace.out")
	t.Setenv("DLEARN_CPUPROFILE", cpu)
	t.Setenv("DLEARN_TRACE", tr)
	var out, errb bytes.Buffer
	if code := run([]string{"list"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("stderr: %q", errb.String())
	}
	p, err := os.ReadFile(cpu)
	if err != nil || len(p) < 2 || p[0] != 0x1f || p[1] != 0x8b {
		t.Errorf("CPU profile: want a gzipped profile, got %d bytes (%v)", len(p), err)
	}
	trace, err := os.ReadFile(tr)
	if err != nil || !bytes.HasPrefix(trace, []byte("go 1.")) {
		t.Errorf("trace: want a Go execution trace, got %.20q (%v)", trace, err)
	}

	t.Setenv("DLEARN_CPUPROFILE", filepath.Join(dir, "missing", "cpu.out"))
	t.Setenv("DLEARN_TRACE", "")
	out.Reset()
	errb.Reset()
	if code := run([]string{"list"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("exit %d with an unwritable profile: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "DLEARN_CPUPROFILE") || !strings.Contains(out.String(), "cnn") {
		t.Errorf("unwritable profile: stderr %q, stdout %.80q", errb.String(), out.String())
	}
}
