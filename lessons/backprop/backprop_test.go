package backprop

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func start(t *testing.T, set lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mach(r *lessons.Run) *machine { return lessons.MachineOf(r).(*machine) }

func ops(r *lessons.Run, n int) {
	for range n {
		r.Advance(lessons.Op)
	}
}

// panel returns the first panel with the given title, or fails.
func panel(t *testing.T, sc scene.Scene, title string) scene.Panel {
	t.Helper()
	for _, p := range sc.Panels {
		if p.Title == title || strings.HasPrefix(p.Title, title) {
			return p
		}
	}
	t.Fatalf("phase %s: no panel %q", sc.Phase, title)
	return scene.Panel{}
}

func TestSameSeedSameScenes(t *testing.T) {
	a, b := start(t, nil), start(t, nil)
	for i := range 60 {
		g := []lessons.Granularity{lessons.Op, lessons.Op, lessons.Step, lessons.Op, lessons.Epoch}[i%5]
		a.Advance(g)
		b.Advance(g)
		if !reflect.DeepEqual(a.Scene(), b.Scene()) {
			t.Fatalf("scenes differ after action %d", i)
		}
	}
}

func TestRewindThenForwardIsIdentical(t *testing.T) {
	r := start(t, nil)
	ops(r, 12) // into the backward pass
	want := r.Scene()
	r.Advance(lessons.Op)
	r.Advance(lessons.Step)
	r.Advance(lessons.Op)
	for range 3 {
		if !r.Back() {
			t.Fatal("Back refused with actions in the log")
		}
	}
	if got := r.Scene(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after stepping back the scene differs: got %s op %d, want %s op %d", got.Phase, got.Pos.Op, want.Phase, want.Pos.Op)
	}
	r.Advance(lessons.Op)
	r.Advance(lessons.Step)
	r2 := start(t, nil)
	ops(r2, 13)
	r2.Advance(lessons.Step)
	if !reflect.DeepEqual(r.Scene(), r2.Scene()) {
		t.Fatal("forward again after rewinding differs from a run that never rewound")
	}
}

func TestOpByOpEqualsOneStep(t *testing.T) {
	for _, act := range Activations {
		set := lessons.Settings{"act": act}
		byOp, whole := start(t, set), start(t, set)
		whole.Advance(lessons.Step)
		whole.Advance(lessons.Step)
		byOp.Advance(lessons.Step)
		byOp.Advance(lessons.Op)
		n := byOp.Scene().Pos.OpsPerStep
		if n != 19 {
			t.Fatalf("%s: ops per step = %d, want 19 (9 forward, 9 backward, 1 update)", act, n)
		}
		ops(byOp, n-1)
		if sc := byOp.Scene(); sc.Phase != "update" || sc.Pos.Step != 2 {
			t.Fatalf("%s: after %d ops: phase %q step %d", act, n, sc.Phase, sc.Pos.Step)
		}
		mo, mw := mach(byOp), mach(whole)
		for i, p := range mo.params() {
			if q := mw.params()[i]; !reflect.DeepEqual(p.Value.Data, q.Value.Data) {
				t.Fatalf("%s: %s op by op = %v, one step = %v", act, p.Name, p.Value.Data, q.Value.Data)
			}
		}
	}
}

// TestNodeByNodeGradientsEqualBackward replays each step's forward pass on
// a fresh tape with copies of the parameters, runs the engine's Backward,
// and compares every parameter gradient with the sum of the gradients the
// revealed backward steps sent — exactly.
func TestNodeByNodeGradientsEqualBackward(t *testing.T) {
	for _, act := range Activations {
		r := start(t, lessons.Settings{"act": act})
		for step := range 3 {
			ops(r, 18) // 9 forward + 9 backward: the whole backward pass, not yet the update
			m := mach(r)
			if m.loop.Cur.Phase != trainer.Backward || len(m.loop.Cur.Steps) != 9 {
				t.Fatalf("%s step %d: phase %v with %d backward steps", act, step, m.loop.Cur.Phase, len(m.loop.Cur.Steps))
			}
			fresh := *m
			fresh.l1 = &nn.Dense{W: autograd.NewParam("W1", m.l1.W.Value.Clone()), B: autograd.NewParam("b1", m.l1.B.Value.Clone())}
			fresh.l2 = &nn.Dense{W: autograd.NewParam("W2", m.l2.W.Value.Clone()), B: autograd.NewParam("b2", m.l2.B.Value.Clone())}
			build, _ := fresh.startStep(nil)
			tp := autograd.NewTape()
			tp.Backward(build(tp))
			for i, p := range m.params() {
				got := m.loop.Cur.GradSoFar(p)
				want := fresh.params()[i].Grad.Data
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s step %d: %s node by node = %v, Backward = %v", act, step, p.Name, got, want)
				}
			}
			r.Advance(lessons.Op) // the update
		}
	}
}

// TestChainRuleTableIsUpstreamTimesLocal checks every row of every
// backward table: product = upstream × local (to display precision), and
// each Σ row is the engine's gradient of that parameter.
func TestChainRuleTableIsUpstreamTimesLocal(t *testing.T) {
	r := start(t, lessons.Settings{"act": "relu"})
	ops(r, 9)
	for range 9 {
		r.Advance(lessons.Op)
		sc := r.Scene()
		tab := panel(t, sc, "chain rule at").Table
		if tab.Columns[0] != "∂L/∂" || tab.Columns[2] != "upstream" {
			t.Fatalf("chain-rule columns %q", tab.Columns)
		}
		var sum, size float64 // the rows' sum, and the sum of their sizes for the rounding tolerance
		for _, row := range tab.Rows {
			if row[1] == sumPoint {
				got := parse(t, row[4])
				if math.Abs(got-sum) > 1e-3*(size+math.Abs(got)) {
					t.Errorf("%s: %s total %v, sum of its rows %v", sc.Panels[1].Title, row[0], got, sum)
				}
				sum, size = 0, 0
				continue
			}
			up, loc, prod := parse(t, row[2]), parse(t, row[3]), parse(t, row[4])
			if math.Abs(up*loc-prod) > 2e-3*math.Abs(prod) {
				t.Errorf("%s %s: %v × %v ≠ %v", row[0], row[1], up, loc, prod)
			}
			sum += prod
			size += math.Abs(prod)
		}
	}
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		t.Fatalf("table cell %q is not a number", s)
	}
	return v
}

// TestNarrativeMatchesPanels checks that the numbers the backward text
// works out are the ones in the table row of the point (1,1).
func TestNarrativeMatchesPanels(t *testing.T) {
	r := start(t, nil)
	ops(r, 9)
	for range 9 {
		r.Advance(lessons.Op)
		sc := r.Scene()
		v := mach(r).view()
		claim := fmt.Sprintf("upstream %s × local %s = %s", num(v.Up), num(v.Loc), num(v.Prod))
		if !strings.Contains(sc.Narrative, claim) {
			t.Fatalf("backward narrative lacks %q:\n%s", claim, sc.Narrative)
		}
		found := false
		for _, row := range panel(t, sc, "chain rule at").Table.Rows {
			if row[1] == pointNames[focusPoint] && row[2] == num(v.Up) && row[3] == num(v.Loc) && row[4] == num(v.Prod) {
				found = true
			}
		}
		if !found {
			t.Fatalf("no table row for %s with %s", pointNames[focusPoint], claim)
		}
	}
	// The path product is the point's share of ∂L/∂W1[1,j].
	v := mach(r).view()
	g := mach(r).loop.Cur.Steps[8].Upstream.Data[focusPoint*4+mach(r).focus]
	if math.Abs(v.PathProd-g) > 1e-12 {
		t.Fatalf("path product %v, engine's ∂L/∂xW1 at (1,1) %v", v.PathProd, g)
	}
	r.Advance(lessons.Op)
	sc := r.Scene()
	w := mach(r).l2.W
	if !strings.Contains(sc.Narrative, num(w.Value.Data[mach(r).focus])) {
		t.Fatalf("update narrative lacks the new W2 value %s", num(w.Value.Data[mach(r).focus]))
	}
}

func TestDefaultRunSolvesXOR(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	sc := r.Scene()
	if sc.Phase != "finished" || !sc.Status.Finished || sc.Status.Level != scene.LevelSuccess || sc.Pos.Step != 500 {
		t.Fatalf("end of the default run: phase %q, status %+v, pos %+v", sc.Phase, sc.Status, sc.Pos)
	}
	m := mach(r)
	if m.accuracy() != 1 {
		t.Fatalf("default run: accuracy %v, want 1", m.accuracy())
	}
	if !strings.Contains(sc.Narrative, "the network does XOR") {
		t.Fatalf("finished narrative:\n%s", sc.Narrative)
	}
	reg := panel(t, sc, "decision regions").Plot.Region
	if len(reg.Values) != reg.Rows*reg.Cols {
		t.Fatalf("region grid has %d values for %d×%d", len(reg.Values), reg.Rows, reg.Cols)
	}
	// The region must agree with the points: corners are the XOR points.
	at := func(x, y float64) float64 {
		c := int(math.Round((x - regionLo) / (regionHi - regionLo) * (regionCells - 1)))
		rr := int(math.Round((y - regionLo) / (regionHi - regionLo) * (regionCells - 1)))
		return reg.Values[rr*reg.Cols+c]
	}
	for i, p := range xorX {
		if !right1(at(p[0], p[1]), xorY[i]) {
			t.Fatalf("region at %v = %v, class %v", p, at(p[0], p[1]), xorY[i])
		}
	}
}

func TestEveryChoiceRunsToTheEnd(t *testing.T) {
	for _, act := range Activations {
		for _, h := range []string{"1", "2", "8"} {
			r := start(t, lessons.Settings{"act": act, "hidden": h, "epochs": "300"})
			for range 19 { // every narrative block of a step, for this activation
				r.Advance(lessons.Op)
				if r.Scene().Narrative == "" {
					t.Fatalf("%s/%s: empty narrative in phase %s", act, h, r.Scene().Phase)
				}
			}
			r.Advance(lessons.End)
			sc := r.Scene()
			if !sc.Status.Finished || sc.Phase != "finished" || sc.Narrative == "" {
				t.Fatalf("%s/%s: phase %q status %+v", act, h, sc.Phase, sc.Status)
			}
			if h == "1" && mach(r).accuracy() == 1 {
				t.Fatalf("%s with one hidden unit solved XOR, which a single line cannot", act)
			}
		}
	}
}

func TestHugeLearningRateWarns(t *testing.T) {
	for _, act := range Activations {
		r := start(t, lessons.Settings{"act": act, "lr": "300"})
		r.Advance(lessons.End)
		sc := r.Scene()
		if sc.Status.Level != scene.LevelWarning && sc.Status.Level != scene.LevelError {
			t.Fatalf("%s lr 300: status %+v", act, sc.Status)
		}
		if v := sc.Goal.Verdict; v == nil || v.Success || !strings.Contains(sc.Status.Message, "goal missed") {
			t.Fatalf("%s lr 300: verdict %+v, status %q", act, v, sc.Status.Message)
		}
		if !strings.Contains(strings.ToLower(sc.Narrative), "lower the learning rate") {
			t.Fatalf("%s lr 300: the finished text does not advise a lower rate:\n%s", act, sc.Narrative)
		}
		if r.Advance(lessons.Step) {
			t.Fatal("a finished run advanced")
		}
	}
}

func TestDeadReLUUnitsAreNamed(t *testing.T) {
	r := start(t, lessons.Settings{"act": "relu"})
	ops(r, 3) // h = relu(z1)
	m := mach(r)
	w, b := m.l1.W.Value.Data, m.l1.B.Value.Data
	var dead []string
	for j := range m.hidden {
		alive := false
		for _, x := range xorX {
			if x[0]*w[j]+x[1]*w[m.hidden+j]+b[j] > 0 {
				alive = true
			}
		}
		if !alive {
			dead = append(dead, fmt.Sprintf("h%d", j+1))
		}
	}
	if len(dead) == 0 {
		// The default seed starts with a dead ReLU unit; the test relies on
		// it, so a change of seed or initialisation must pick another case.
		t.Fatal("no dead unit at the start for the default seed: choose a setting that has one")
	}
	sc := r.Scene()
	if !strings.Contains(sc.Narrative, strings.Join(dead, ", ")) || !strings.Contains(sc.Narrative, "dead") {
		t.Fatalf("dead units %v not named:\n%s", dead, sc.Narrative)
	}
	r2 := start(t, lessons.Settings{"act": "relu", "lr": "10"})
	r2.Advance(lessons.End)
	if msg := r2.Scene().Status.Message; !strings.Contains(msg, "dead") {
		t.Fatalf("relu lr 10 (every unit dies): status %q", msg)
	}
}

func TestControls(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	restarted, err := r.Set("lr", "0.3")
	if err != nil || restarted || r.Scene().Pos.Step != 1 || mach(r).opt.LR != 0.3 {
		t.Fatalf("Set lr: restarted=%v err=%v", restarted, err)
	}
	r.Back()
	if got := r.Settings()["lr"]; got != "1" || mach(r).opt.LR != 1 {
		t.Fatalf("after undoing the change lr = %s", got)
	}
	for _, set := range [][2]string{{"act", "sigmoid"}, {"hidden", "3"}, {"epochs", "20"}} {
		r.Advance(lessons.Step)
		restarted, err := r.Set(set[0], set[1])
		if err != nil || !restarted || r.Scene().Pos.Step != 0 {
			t.Fatalf("Set %s: restarted=%v err=%v", set[0], restarted, err)
		}
	}
	sc := r.Scene()
	if w1 := panel(t, sc, "layer 1").Matrix; w1.Rows != 3 || w1.Cols != 3 || sc.Pos.Steps != 20 {
		t.Fatalf("hidden 3, epochs 20: W1 %d×%d, %d steps", w1.Rows, w1.Cols, sc.Pos.Steps)
	}
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, set := range []lessons.Settings{
		{"act": "softmax"}, {"lr": "abc"}, {"lr": "-1"}, {"lr": "0"}, {"lr": "NaN"},
		{"hidden": "0"}, {"hidden": "9"}, {"hidden": "2.5"}, {"epochs": "0"}, {"nosuch": "1"},
	} {
		if _, err := lessons.Start(Lesson(), 1, set); err == nil {
			t.Errorf("Start with %v: no error", set)
		}
	}
}

func TestScenePanels(t *testing.T) {
	r := start(t, nil)
	sc := r.Scene()
	if sc.Phase != "ready" || ownPanels(sc) != 4 {
		t.Fatalf("before the first step: phase %s, %d panels, want layer 1, layer 2, regions, loss", sc.Phase, ownPanels(sc))
	}
	ops(r, 1)
	sc = r.Scene()
	g := panel(t, sc, "computation graph").Graph
	if g.Current < 0 || g.Nodes[g.Current].State != scene.NodeCurrent || g.Pass != "forward" {
		t.Fatalf("graph after one op: %+v", g)
	}
	if ownPanels(sc) != 5 {
		t.Fatalf("forward: %d panels, want graph, node, layer 1, layer 2, regions", ownPanels(sc))
	}
	if hl := panel(t, sc, "layer 1").Matrix.Highlight; len(hl) != 2 || hl[0].Col != mach(r).focus {
		t.Fatalf("forward x·W1 highlights %v in W1", hl)
	}
	ops(r, 9) // backward through the mean
	sc = r.Scene()
	if sc.Phase != "backward" || ownPanels(sc) != 6 || panel(t, sc, "layer 2").Matrix.Grads != nil {
		t.Fatalf("W2 has a gradient before the backward pass reached it (phase %s)", sc.Phase)
	}
	if d := panel(t, sc, "computation graph").Graph; d.Nodes[d.Current].Detail == "" {
		t.Fatal("current backward node has no chain-rule detail")
	}
	ops(r, 5) // through h·W2
	sc = r.Scene()
	w2 := panel(t, sc, "layer 2").Matrix
	if len(w2.Grads) != w2.Rows || len(w2.Highlight) != 1 || panel(t, sc, "layer 1").Matrix.Grads != nil {
		t.Fatalf("after h·W2: W2 grads %v highlight %v", w2.Grads, w2.Highlight)
	}
	ops(r, 4) // the update
	sc = r.Scene()
	if sc.Phase != "update" || len(panel(t, sc, "update").Table.Rows) != 5 {
		t.Fatalf("update phase %s", sc.Phase)
	}
	if loss := panel(t, sc, "loss and accuracy").Plot.Series; len(loss[0].Y) != 1 || len(loss[1].Y) != 1 {
		t.Fatalf("loss series after one step: %+v", loss)
	}
}

// ownPanels counts the lesson's panels, leaving out the runtime's
// training-health panel.
func ownPanels(sc scene.Scene) int {
	n := 0
	for _, p := range sc.Panels {
		if p.ID != "health" {
			n++
		}
	}
	return n
}
