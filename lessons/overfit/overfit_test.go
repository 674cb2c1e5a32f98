package overfit

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
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

// flat joins the words of a narrative with single spaces, so checks do
// not depend on where its lines break.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// last returns the last entry of a history.
func last(xs []float64) float64 { return xs[len(xs)-1] }

func TestDataAndNetwork(t *testing.T) {
	m := mach(start(t, nil))
	if m.train.len() != 30 || m.val.len() != ValN || m.net.count() != 4417 {
		t.Fatalf("%d training points, %d validation points, %d parameters", m.train.len(), m.val.len(), m.net.count())
	}
	// A larger training set keeps the smaller one's points.
	big := mach(start(t, lessons.Settings{"train": "100"}))
	if !slices.Equal(big.train.X.Data[:60], m.train.X.Data) {
		t.Fatal("100 training points do not start with the 30")
	}
	// The validation set is not the training set.
	if slices.Equal(m.val.X.Data[:60], m.train.X.Data) {
		t.Fatal("validation points repeat the training points")
	}
	if n := mach(start(t, lessons.Settings{"width": "8"})).net.count(); n != 105 {
		t.Fatalf("width 8: %d parameters, want 105 (the narrative says so)", n)
	}
}

// TestL2Update checks the update the narrative writes out: every weight
// moves by −lr·(∂L/∂w + λ·w), every bias by −lr·∂L/∂b.
func TestL2Update(t *testing.T) {
	const lr, lambda = 0.3, 0.01
	r := start(t, lessons.Settings{"l2": "0.01"})
	r.Advance(lessons.Step)
	m := mach(r)
	before := m.paramValues()
	r.Advance(lessons.Step)
	for i, p := range m.net.params() {
		decay := lambda
		if i >= 3 { // biases
			decay = 0
		}
		for k, w := range p.Value.Data {
			want := before[i][k] - lr*(p.Grad.Data[k]+decay*before[i][k])
			if math.Abs(w-want) > 1e-15 {
				t.Fatalf("%s[%d] = %v, want %v", p.Name, k, w, want)
			}
		}
	}
	v := m.view()
	if v.WOld != before[1][0] || v.WNew != m.net.layers[1].W.Value.Data[0] || v.Factor != 1-lr*lambda {
		t.Fatalf("view: w %v → %v, factor %v", v.WOld, v.WNew, v.Factor)
	}
	if !strings.Contains(r.Scene().Narrative, "w ← w − lr·(∂L/∂w + λ·w)") {
		t.Fatal("the update block does not write out the L2 update")
	}
}

// TestL2ContinuesAndShrinksTheNorms turns L2 on in the middle of a run:
// the run continues, and from then on the weights' norm falls.
func TestL2ContinuesAndShrinksTheNorms(t *testing.T) {
	r := start(t, lessons.Settings{"epochs": "200"})
	for range 50 {
		r.Advance(lessons.Epoch)
	}
	before := total(mach(r).net.norms())
	if restarted, err := r.Set("l2", "0.03"); err != nil || restarted {
		t.Fatalf("Set l2: restarted %v, err %v", restarted, err)
	}
	for range 50 {
		r.Advance(lessons.Epoch)
	}
	m := mach(r)
	if m.loop.Epoch != 100 || m.hist.lambdaFrom != 50 {
		t.Fatalf("epoch %d, λ set at %d", m.loop.Epoch, m.hist.lambdaFrom)
	}
	after := total(m.net.norms())
	if after > 0.75*before {
		t.Fatalf("‖W‖ %v → %v in 50 epochs of λ = 0.03", before, after)
	}
	if n := flat(r.Scene().Narrative); !strings.Contains(n, "Since λ became 0.03 at epoch 50") {
		t.Fatalf("narrative does not report the norm since λ changed:\n%s", n)
	}
}

// TestDropoutTrainsOnlyAndIsInverted: in training, masks hold 0 or
// 1/(1−p) and drop about p of the values; in evaluation (losses, regions)
// the network is the same with or without dropout.
func TestDropoutTrainsOnlyAndIsInverted(t *testing.T) {
	const p = 0.3
	r := start(t, lessons.Settings{"dropout": "0.3"})
	plain := start(t, nil)
	if !reflect.DeepEqual(r.Scene().Panels, plain.Scene().Panels) {
		t.Fatal("with the same weights, dropout changed what evaluation shows")
	}
	r.Advance(lessons.Op)
	m := mach(r)
	masks := 0
	for _, n := range m.loop.Cur.Tape.Nodes() {
		if n.Op != "dropout" {
			continue
		}
		masks++
		dropped := 0
		for _, v := range n.Local(0).Data {
			switch v {
			case 0:
				dropped++
			case 1 / (1 - p):
			default:
				t.Fatalf("mask value %v, want 0 or %v", v, 1/(1-p))
			}
		}
		if f := float64(dropped) / float64(len(n.Local(0).Data)); math.Abs(f-p) > 0.05 {
			t.Fatalf("%s dropped %v of the values, want about %v", n.Out.Name, f, p)
		}
	}
	if masks != 2 {
		t.Fatalf("%d dropout nodes, want one per hidden layer", masks)
	}
	sc := r.Scene()
	if len(kinds(sc)) != 3 || sc.Panels[0].Kind != scene.KindGraph || sc.Panels[1].ID != "regions-train" || sc.Panels[1].Priority != 1 || sc.Panels[2].Matrix == nil {
		t.Fatalf("in a step with dropout: panels %v", kinds(sc))
	}
	if m.loop.Cur.OpsPerStep() != 23 {
		t.Fatalf("%d ops per step with dropout, want 23", m.loop.Cur.OpsPerStep())
	}
}

// TestEarlyStopping stops Patience epochs after the best validation loss
// and puts the best weights back.
func TestEarlyStopping(t *testing.T) {
	r := start(t, lessons.Settings{"early": "on"})
	r.Advance(lessons.End)
	m := mach(r)
	h := m.hist
	if !h.stopped || h.stoppedAt != h.best+Patience || m.loop.Epoch != h.stoppedAt {
		t.Fatalf("stopped %v at %d, best %d, epoch %d", h.stopped, h.stoppedAt, h.best, m.loop.Epoch)
	}
	if !reflect.DeepEqual(m.paramValues(), h.bestParams) {
		t.Fatal("the best weights were not put back")
	}
	if l, _ := m.net.eval(m.val); l != h.valLoss[h.best] {
		t.Fatalf("validation loss %v after restoring, best was %v", l, h.valLoss[h.best])
	}
	sc := r.Scene()
	// The runtime's verdict replaces the status: the best epoch's weights
	// meet the goal.
	if !sc.Status.Finished || sc.Goal.Verdict == nil || !sc.Goal.Verdict.Success || !strings.Contains(sc.Narrative, "Stopped early") {
		t.Fatalf("status %+v\n%s", sc.Status, sc.Narrative)
	}
	// Stepping back over the stop resumes the run, exactly where it was.
	r2 := start(t, lessons.Settings{"early": "on"})
	for range h.stoppedAt - 1 {
		r2.Advance(lessons.Step)
	}
	before := r2.Scene()
	r2.Advance(lessons.Step)
	if !mach(r2).hist.stopped {
		t.Fatal("the run did not stop at the same epoch")
	}
	r2.Back()
	if mach(r2).hist.stopped || r2.Done() || !reflect.DeepEqual(r2.Scene(), before) {
		t.Fatal("stepping back over the stop did not undo it exactly")
	}
}

func TestPanels(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	sc := r.Scene()
	if got := kinds(sc); !slices.Equal(got, []scene.Kind{scene.KindPlot, scene.KindPlot, scene.KindPlot, scene.KindBars, scene.KindTable}) {
		t.Fatalf("between steps: panels %v", got)
	}
	reg := sc.Panels[0].Plot.Region
	if reg == nil || len(reg.Values) != reg.Rows*reg.Cols || sc.Panels[1].Plot.Region != reg {
		t.Fatal("the two region plots must share one grid")
	}
	if len(sc.Panels[0].Plot.Series[0].X) != 30 || len(sc.Panels[1].Plot.Series[0].X) != ValN {
		t.Fatal("training and validation points are not on their plots")
	}
	r.Advance(lessons.Op)
	if got := kinds(r.Scene()); !slices.Equal(got, []scene.Kind{scene.KindGraph, scene.KindPlot}) {
		t.Fatalf("in a step without dropout: panels %v", got)
	}
}

// TestTooLargeARate: a learning rate that wrecks training is not
// called overfitting, and its scenes still encode.
func TestTooLargeARate(t *testing.T) {
	r := start(t, lessons.Settings{"lr": "30", "epochs": "100"})
	r.Advance(lessons.End)
	sc := r.Scene()
	if n := flat(sc.Narrative); strings.Contains(n, "That is overfitting") || !strings.Contains(n, "steps are too large") {
		t.Fatalf("lr 30:\n%s", sc.Narrative)
	}
	if _, err := json.Marshal(sc); err != nil {
		t.Fatal(err)
	}
}

// TestEveryOpHasItsNarrative walks a step with L2 and dropout op by op:
// every block exists and fills in.
func TestEveryOpHasItsNarrative(t *testing.T) {
	r := start(t, lessons.Settings{"l2": "0.01", "dropout": "0.2"})
	r.Advance(lessons.Step)
	seen := map[string]bool{}
	for range 23 {
		r.Advance(lessons.Op)
		_, block := mach(r).loop.Phase()
		seen[block] = true
		if n := r.Scene().Narrative; !strings.HasPrefix(n, "## ") || strings.Contains(n, "<no value>") {
			t.Fatalf("block %s:\n%s", block, n)
		}
	}
	if len(seen) != 11 {
		t.Fatalf("blocks %v", seen)
	}
	// The walked step ends where a whole step would.
	whole := start(t, lessons.Settings{"l2": "0.01", "dropout": "0.2"})
	whole.Advance(lessons.Step)
	whole.Advance(lessons.Step)
	if !reflect.DeepEqual(mach(r).paramValues(), mach(whole).paramValues()) {
		t.Fatal("op by op and step by step end with different weights")
	}
}

func kinds(sc scene.Scene) []scene.Kind {
	var out []scene.Kind
	for _, p := range sc.Panels {
		if p.ID != "health" { // the runtime's training-health panel, not the lesson's
			out = append(out, p.Kind)
		}
	}
	return out
}

// TestStepsBackExactlyWithEveryRemedy goes forward through ops, steps,
// epochs and changes of λ, p and the learning rate, then back one action
// at a time: every scene on the way back equals the one seen on the way
// forward. (A narrow network keeps it quick; rewinding does not depend on
// the width.)
func TestStepsBackExactlyWithEveryRemedy(t *testing.T) {
	r := start(t, lessons.Settings{"dropout": "0.2", "width": "16"})
	acts := []func(){
		func() { r.Advance(lessons.Op) },
		func() { r.Advance(lessons.Step) },
		func() { r.Advance(lessons.Epoch) },
		func() { r.Set("l2", "0.003") },
		func() { r.Advance(lessons.Op) },
		func() { r.Set("dropout", "0.4") },
		func() { r.Advance(lessons.Step) },
		func() { r.Set("lr", "0.1") },
	}
	var stack []scene.Scene
	for i := range 48 {
		before, n := r.Scene(), r.Actions()
		acts[i%len(acts)]()
		if r.Actions() == n+1 {
			stack = append(stack, before)
		}
	}
	for r.CanBack() {
		r.Back()
		want := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if got := r.Scene(); !reflect.DeepEqual(got, want) {
			t.Fatalf("back to action %d: phase %q %+v, want %q %+v", len(stack), got.Phase, got.Pos, want.Phase, want.Pos)
		}
	}
}

// TestDivergedScenesHoldNoNaN breaks a weight on purpose: the run stops as
// diverged, says to lower the learning rate, and its scenes still encode
// (JSON has no NaN).
func TestDivergedScenesHoldNoNaN(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	mach(r).net.layers[1].W.Value.Data[0] = math.Inf(1)
	r.Advance(lessons.Step)
	r.Advance(lessons.Step)
	sc := r.Scene()
	if !r.Done() || !sc.Status.Diverged || !strings.Contains(sc.Narrative, "Lower it") {
		t.Fatalf("status %+v\n%s", sc.Status, sc.Narrative)
	}
	if _, err := json.Marshal(sc); err != nil {
		t.Fatal(err)
	}
}
