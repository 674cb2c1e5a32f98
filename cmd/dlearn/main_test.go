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
