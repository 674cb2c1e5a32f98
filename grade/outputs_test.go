package grade

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/dlearn/dlearn/internal/progress"
)

var fixtures = []string{"stubs", "solutions", "broken"}

func TestScoreboard(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteScoreboard(&b, parseFixture(t, f+".jsonl", "", courseTargets), false); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "\x1b[") {
				t.Error("plain scoreboard has escape sequences")
			}
			golden.RequireEqual(t, b.Bytes())
		})
	}
}

func TestScoreboardColor(t *testing.T) {
	var b bytes.Buffer
	if err := WriteScoreboard(&b, parseFixture(t, "broken.jsonl", "", courseTargets), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\x1b[") || !strings.Contains(b.String(), "Points 0/4\n") {
		t.Errorf("coloured scoreboard:\n%s", b.String())
	}
}

func TestJSONReport(t *testing.T) {
	r := parseFixture(t, "broken.jsonl", "", courseTargets)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, append(data, '\n'))
	var back Report
	if err := json.Unmarshal(data, &back); err != nil || len(back.Exercises) != 4 || back.Exercises[0].Checks[2].Attrs["worst_index"] != "[2]" {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestExercismResults(t *testing.T) {
	for _, f := range []string{"stubs", "broken"} {
		t.Run(f, func(t *testing.T) {
			data, err := ExercismResults(parseFixture(t, f+".jsonl", "", courseTargets), "../exercises")
			if err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, data)
			var res exercismResults
			if err := json.Unmarshal(data, &res); err != nil {
				t.Fatal(err)
			}
			for _, tc := range res.Tests {
				if tc.Status != "pass" && tc.Status != "fail" && tc.Status != "error" {
					t.Errorf("%s: status %q", tc.Name, tc.Status)
				}
				if len(tc.Output) > exercismOutputLimit || tc.TestCode == "" || tc.TaskID < 1 {
					t.Errorf("%s: output %d bytes, test_code %q, task %d", tc.Name, len(tc.Output), tc.TestCode, tc.TaskID)
				}
			}
		})
	}
}

func TestCapString(t *testing.T) {
	s := strings.Repeat("é", 300) // 600 bytes
	got := capString(s, exercismOutputLimit)
	if len(got) > exercismOutputLimit || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("capString gave %d bytes: %q", len(got), got[len(got)-10:])
	}
	if capString("short", 500) != "short" {
		t.Error("capString changed a short string")
	}
}

func TestJUnit(t *testing.T) {
	data, err := JUnit(parseFixture(t, "broken.jsonl", "", courseTargets))
	if err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, data)
	var back junitSuites
	if err := xml.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	// mse: 2 failures; logistic and adam: 1 error each (their unfinished
	// check); backprop: 1 error for the build.
	if back.Tests != 7 || back.Failures != 2 || back.Errors != 3 {
		t.Errorf("tests %d failures %d errors %d, want 7 2 3", back.Tests, back.Failures, back.Errors)
	}
}

func TestRecord(t *testing.T) {
	t.Setenv("DLEARN_HOME", t.TempDir())
	store, err := progress.Open()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := Record(store, parseFixture(t, "broken.jsonl", "", courseTargets), now); err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]progress.Exercise{
		"mse":      {Status: "fail", Passed: 2, Total: 4, Graded: now},
		"logistic": {Status: "error", Passed: 0, Total: 1, Graded: now},
		"backprop": {Status: "error", Passed: 0, Total: 0, Graded: now},
		"adam":     {Status: "error", Passed: 0, Total: 1, Graded: now},
	}
	for name, w := range want {
		if got := st.Exercises[name]; got != w {
			t.Errorf("%s: %+v, want %+v", name, got, w)
		}
	}
}
