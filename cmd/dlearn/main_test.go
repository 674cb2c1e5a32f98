package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

// dl runs dlearn in-process with args and returns its exit code, stdout
// and stderr. stdin and stdout are buffers: not a terminal.
func dl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestNoTerminalPrintsTheList(t *testing.T) {
	code, out, errs := dl(t)
	if code != 0 || !strings.Contains(out, "linreg") || errs != "" {
		t.Fatalf("dlearn without a terminal: code %d, out %q, err %q", code, out, errs)
	}
	code2, out2, _ := dl(t, "list")
	if code2 != 0 || out2 != out {
		t.Fatalf("dlearn list differs from dlearn without a terminal")
	}
}

func TestUserErrorsAreOneLineExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"lesson", "nosuch"},
		{"lesson"},
		{"lesson", "linreg", "--plain", "--set", "lr=abc"},
		{"lesson", "linreg", "--plain", "--set", "lr=-1"},
		{"lesson", "linreg", "--plain", "--set", "lr"},
		{"lesson", "linreg", "--plain", "--set", "nosuch=1"},
		{"lesson", "linreg", "--plain", "--steps", "-3"},
		{"lesson", "linreg", "--plain", "--steps", "x"},
		{"lesson", "linreg", "--granularity", "huge"},
		{"lesson", "linreg", "--seed", "-1"},
		{"lesson", "linreg", "--plain", "--branch", "lr"},
		{"lesson", "linreg", "--plain", "--branch", "lr=x"},
		{"lesson", "linreg", "--plain", "--branch", "nosuch=1"},
		{"lesson", "linreg", "--plain", "--branch-after", "3"},
		{"lesson", "linreg", "--plain", "--branch", "lr=0.1", "--branch-after", "-1"},
		{"lesson", "linreg", "--plain", "--branch", "lr=0.1", "--answers", "1"},
		{"--nosuchflag"},
		{"nosuchcommand"},
	} {
		code, out, errs := dl(t, args...)
		if code != 2 {
			t.Errorf("%v: exit code %d, want 2 (stderr %q)", args, code, errs)
		}
		if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: ") {
			t.Errorf("%v: stderr is not one line starting with dlearn: %q", args, errs)
		}
		if strings.Contains(errs, "goroutine") || out != "" {
			t.Errorf("%v: stack trace or stdout output: out %q err %q", args, out, errs)
		}
	}
}

func TestPlainTranscriptSteps(t *testing.T) {
	code, out, errs := dl(t, "lesson", "linreg", "--plain", "--steps", "5")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	if n := strings.Count(out, "Linear regression · "); n != 6 {
		t.Fatalf("%d scenes in the transcript, want 6 (start + 5 steps)", n)
	}
	if !strings.Contains(out, "step 5/400") || !strings.Contains(out, "W ← W − lr·∂L/∂W") {
		t.Fatal("transcript lacks step 5 or the update rule with numbers")
	}
}

func TestPlainTranscriptToTheEnd(t *testing.T) {
	code, out, _ := dl(t, "lesson", "linreg", "--plain")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	tail := out[strings.LastIndex(out, "Linear regression · "):]
	for _, want := range []string{"finished", "ŷ(0.5) =", "W = ", "b = "} {
		if !strings.Contains(tail, want) {
			t.Errorf("end of transcript lacks %q", want)
		}
	}
}

func TestJSONScenes(t *testing.T) {
	code, out, _ := dl(t, "lesson", "linreg", "--json", "--granularity", "op", "--steps", "11")
	if code != 0 {
		t.Fatalf("code %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d JSON lines, want 12", len(lines))
	}
	var last scene.Scene
	if err := json.Unmarshal([]byte(lines[11]), &last); err != nil {
		t.Fatal(err)
	}
	if last.LessonID != "linreg" || last.Phase != "update" || last.Pos.Step != 1 || len(last.Panels) == 0 {
		t.Fatalf("last scene: id %q phase %q step %d panels %d", last.LessonID, last.Phase, last.Pos.Step, len(last.Panels))
	}
}

func TestSeedChangesNumbers(t *testing.T) {
	_, a, _ := dl(t, "lesson", "linreg", "--plain", "--steps", "1", "--seed", "1")
	_, b, _ := dl(t, "lesson", "linreg", "--plain", "--steps", "1", "--seed", "2")
	_, c, _ := dl(t, "lesson", "linreg", "--plain", "--steps", "1", "--seed", "1")
	if a == b || a != c {
		t.Fatal("transcripts do not depend on the seed alone")
	}
}

// A branch prints both runs' pictures and their comparison after every
// advance; the branch and the parent differ only by the changed rate.
func TestBranchTranscript(t *testing.T) {
	code, out, errs := dl(t, "lesson", "linreg", "--plain", "--branch", "lr=0.1", "--steps", "2", "--granularity", "epoch")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, err %q", code, errs)
	}
	if n := strings.Count(out, "── branch: lr 0.01 → 0.1"); n != 3 {
		t.Fatalf("%d comparison tables, want 3 (start and two epochs):\n%s", n, out)
	}
	for _, want := range []string{"── run · data and fitted line", "── branch (lr 0.1) · data and fitted line", "step 8/400"} {
		if !strings.Contains(out, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	code, out, errs = dl(t, "lesson", "linreg", "--json", "--branch", "lr=0.1", "--branch-after", "4", "--steps", "3")
	if code != 0 || errs != "" {
		t.Fatalf("json: code %d, err %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d JSON lines, want 4", len(lines))
	}
	var last struct {
		Parent, Branch scene.Scene
		Compare        scene.Panel
	}
	if err := json.Unmarshal([]byte(lines[3]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Parent.Pos != last.Branch.Pos || last.Parent.Pos.Step != 7 {
		t.Fatalf("positions %+v and %+v, want both at step 7", last.Parent.Pos, last.Branch.Pos)
	}
	rate := func(sc scene.Scene) string {
		for _, s := range sc.Settings {
			if s.Name == "lr" {
				return s.Value
			}
		}
		return ""
	}
	if rate(last.Parent) != "0.01" || rate(last.Branch) != "0.1" {
		t.Fatalf("rates %s and %s, want 0.01 and 0.1", rate(last.Parent), rate(last.Branch))
	}
	if last.Compare.Table == nil || last.Compare.Table.Rows[0][1] != "0.01" || last.Compare.Table.Rows[0][2] != "0.1" {
		t.Fatalf("compare = %+v", last.Compare.Table)
	}
}
