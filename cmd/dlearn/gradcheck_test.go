package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons/scene"
)

// --gradcheck prints, after the transcript, the check of every node of
// the next step's backward pass; the transcript is the one printed
// without it.
func TestGradCheckPlain(t *testing.T) {
	code, out, errs := dl(t, "lesson", "linreg", "--plain", "--steps", "3", "--gradcheck")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	_, plainOut, _ := dl(t, "lesson", "linreg", "--plain", "--steps", "3")
	if !strings.HasPrefix(out, plainOut) {
		t.Fatal("the transcript before the check differs from the one without --gradcheck")
	}
	check := out[len(plainOut):]
	for _, want := range []string{
		"── gradient check · every node of step 4's backward pass, central differences h = 1e−06",
		"   L = mean(e²): ∂L/∂e² ",
		"   e² = square(e): ∂L/∂e ",
		"   e = sub(ŷ, y): ∂L/∂ŷ ",
		"   ŷ = add(z, dense.b): ∂L/∂z ",
		"   z = matmul(x, dense.W): ∂L/∂dense.W ",
		"· 5 nodes, 18 elements checked · agrees (every error below 1e−06)", // step 4 is a batch of 4 rows
	} {
		if !strings.Contains(check, want) {
			t.Errorf("the check lacks %q:\n%s", want, check)
		}
	}
}

// As JSON the check is one more line, {"gradcheck": …}, after the scenes;
// in the middle of a step it checks that step.
func TestGradCheckJSON(t *testing.T) {
	code, out, errs := dl(t, "lesson", "linreg", "--json", "--granularity", "op", "--steps", "18", "--gradcheck")
	if code != 0 || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want 19 scenes and the check", len(lines))
	}
	var last scene.Scene
	if err := json.Unmarshal([]byte(lines[18]), &last); err != nil || last.Phase != "backward" || last.Pos.Step != 1 {
		t.Fatalf("the last scene is not in step 2's backward pass: %v, phase %q, step %d", err, last.Phase, last.Pos.Step)
	}
	var line map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[19]), &line); err != nil || len(line) != 1 || line["gradcheck"] == nil {
		t.Fatalf("the last line is not {\"gradcheck\": …}: %v %s", err, lines[19])
	}
	var pc passCheck
	if err := json.Unmarshal(line["gradcheck"], &pc); err != nil {
		t.Fatal(err)
	}
	if pc.Step != 2 || len(pc.Nodes) != 5 || !pc.Agrees || pc.Tolerance != 1e-6 || pc.Checked != 33 ||
		!(pc.MaxRelErr > 0 && pc.MaxRelErr < 1e-6) || pc.WorstNode == "" || pc.WorstInput == "" {
		t.Fatalf("check %+v", pc)
	}
	if n := pc.Nodes[len(pc.Nodes)-1]; n.Node != "z = matmul(x, dense.W)" || len(n.Inputs) != 1 || n.Inputs[0].Name != "dense.W" || n.Inputs[0].Checked != 1 {
		t.Fatalf("the backward pass's last node: %+v", n)
	}
}

// A lesson the trainer does not drive, no --steps, a run already over:
// one line, exit code 2 (after the transcript for the last, which only
// the run shows).
func TestGradCheckErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lesson", "linreg", "--plain", "--gradcheck"}, "--gradcheck needs --steps N"},
		{[]string{"lesson", "linreg", "--json", "--steps", "0", "--gradcheck"}, "--gradcheck needs --steps N"},
		{[]string{"lesson", "gan", "--plain", "--steps", "1", "--gradcheck"}, "lesson gan has no gradient check"},
		{[]string{"lesson", "linreg", "--plain", "--steps", "1", "--gradcheck", "--branch", "lr=0.1"}, "--gradcheck and --branch"},
		{[]string{"lesson", "logreg", "--plain", "--steps", "1", "--gradcheck", "--mine"}, "--gradcheck and --mine"},
	} {
		code, out, errs := dl(t, c.args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "dlearn: ") || !strings.Contains(errs, c.want) {
			t.Errorf("%v: code %d, stdout %d bytes, stderr %q; want exit 2, no output, one line with %q", c.args, code, len(out), errs, c.want)
		}
	}
	code, out, errs := dl(t, "lesson", "linreg", "--plain", "--granularity", "end", "--steps", "1", "--gradcheck")
	if code != 2 || !strings.Contains(out, "finished") || errs != "dlearn: --gradcheck: the run has ended, no backward pass is left to check: give fewer --steps\n" {
		t.Errorf("a run over: code %d, stderr %q", code, errs)
	}
}

// The verdict: the worst input over every node, and a disagreement (or
// nothing checked) is not agreement.
func TestPassCheckVerdict(t *testing.T) {
	in := func(name string, checked, kinks int, rel float64) scene.GradCheckInput {
		return scene.GradCheckInput{Name: name, Checked: checked, Kinks: kinks, MaxRelErr: rel}
	}
	gcs := []*scene.GradCheck{
		{Node: "a", Inputs: []scene.GradCheckInput{in("x", 8, 0, 1e-10), in("k", 0, 3, 0)}},
		{Node: "b", Inputs: []scene.GradCheckInput{in("y", 4, 1, 2e-9)}},
	}
	pc := summarizePass(gcs, 7)
	if !pc.Agrees || pc.WorstNode != "b" || pc.WorstInput != "y" || pc.Checked != 12 || pc.Kinks != 4 || pc.MaxRelErr != 2e-9 {
		t.Fatalf("%+v", pc)
	}
	if v := pc.verdict(); !strings.Contains(v, "at b, ∂L/∂y · 2 nodes, 12 elements checked, 4 at a kink left out · agrees") {
		t.Fatalf("verdict %q", v)
	}
	gcs[0].Inputs[0].MaxRelErr = 3e-6
	if pc = summarizePass(gcs, 7); pc.Agrees || pc.WorstNode != "a" || !strings.Contains(pc.verdict(), "DISAGREES") {
		t.Fatalf("a disagreement: %+v %q", pc, pc.verdict())
	}
	if pc = summarizePass([]*scene.GradCheck{{Node: "c", Inputs: []scene.GradCheckInput{in("k", 0, 2, 0)}}}, 1); pc.Agrees {
		t.Fatal("nothing checked agrees")
	}
}
