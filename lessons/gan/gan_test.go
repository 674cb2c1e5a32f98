package gan

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
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

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestOpsOfAStep(t *testing.T) {
	r := start(t, lessons.Settings{"dsteps": "2"})
	want := []string{"D on real", "D on fake", "D update", "D on real", "D on fake", "D update", "G forward", "G update"}
	for i, ph := range want {
		r.Advance(lessons.Op)
		sc := r.Scene()
		if sc.Phase != ph || sc.Pos.Op != i+1 || sc.Pos.OpsPerStep != 8 {
			t.Fatalf("op %d: phase %q, pos %+v; want %q, op %d of 8", i+1, sc.Phase, sc.Pos, ph, i+1)
		}
	}
	if sc := r.Scene(); sc.Pos.Step != 1 || !strings.Contains(sc.Narrative, "After step 1") {
		t.Fatalf("after the G update: step %d\n%s", sc.Pos.Step, sc.Narrative)
	}
	r.Advance(lessons.Step)
	if sc := r.Scene(); sc.Phase != "step done" || sc.Pos.Step != 2 || !strings.Contains(sc.Narrative, "## Step 2 of 2000") {
		t.Fatalf("by step: phase %q step %d\n%s", sc.Phase, sc.Pos.Step, sc.Narrative)
	}
}

func TestOpByOpEqualsWholeSteps(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	for range 3 * 5 {
		ops.Advance(lessons.Op)
	}
	for range 3 {
		whole.Advance(lessons.Step)
	}
	a, b := mach(ops), mach(whole)
	if !reflect.DeepEqual(values(a.gParams), values(b.gParams)) || !reflect.DeepEqual(values(a.dParams), values(b.dParams)) {
		t.Fatal("three steps op by op and three whole steps end with different weights")
	}
	if !reflect.DeepEqual(a.hist, b.hist) {
		t.Fatal("different histories")
	}
}

// TestEachStepMovesOnlyItsNetwork: D's update leaves G alone, and G's
// update leaves D alone although the backward pass runs through D.
func TestEachStepMovesOnlyItsNetwork(t *testing.T) {
	r := start(t, nil)
	m := mach(r)
	g0, d0 := values(m.gParams), values(m.dParams)
	for range 3 {
		r.Advance(lessons.Op)
	}
	if !reflect.DeepEqual(values(m.gParams), g0) || reflect.DeepEqual(values(m.dParams), d0) {
		t.Fatal("D's update must change D and only D")
	}
	d1 := values(m.dParams)
	r.Advance(lessons.Op)
	r.Advance(lessons.Op)
	if reflect.DeepEqual(values(m.gParams), g0) || !reflect.DeepEqual(values(m.dParams), d1) {
		t.Fatal("G's update must change G and only G")
	}
}

// TestLossesInClosedForm checks the numbers the narrative quotes against
// their formulas on the logits the engine computed.
func TestLossesInClosedForm(t *testing.T) {
	for _, loss := range []string{NonSaturating, Saturating} {
		r := start(t, lessons.Settings{"gloss": loss})
		r.Advance(lessons.Step)
		for range 3 {
			r.Advance(lessons.Op)
		}
		m := mach(r)
		c := m.cur
		var lr, lf float64
		for i := range Batch {
			lr -= math.Log(sigmoid(m.live.realLogits[i])) / Batch
			lf -= math.Log(1-sigmoid(m.live.fakeLogits[i])) / Batch
		}
		if !near(c.LossReal, lr, 1e-12) || !near(c.LossFake, lf, 1e-12) || !near(c.LossD, lr+lf, 1e-12) {
			t.Fatalf("L_D = %v + %v = %v, closed form %v + %v", c.LossReal, c.LossFake, c.LossD, lr, lf)
		}
		r.Advance(lessons.Op) // G's forward pass
		var ns, sa, pullNS, pullSa float64
		for _, l := range m.live.gl {
			ns -= math.Log(sigmoid(l)) / Batch
			sa += math.Log(1-sigmoid(l)) / Batch
			pullNS += (1 - sigmoid(l)) / Batch
			pullSa += sigmoid(l) / Batch
		}
		want := ns
		if loss == Saturating {
			want = sa
		}
		if !near(m.cur.LossG, want, 1e-12) || !near(m.cur.LossNS, ns, 1e-12) || !near(m.cur.LossSa, sa, 1e-12) {
			t.Fatalf("%s: L_G = %v (ns %v, sat %v), closed forms %v, %v", loss, m.cur.LossG, m.cur.LossNS, m.cur.LossSa, ns, sa)
		}
		r.Advance(lessons.Op) // G's update
		if !near(m.cur.PullNS, pullNS, 1e-12) || !near(m.cur.PullSa, pullSa, 1e-12) {
			t.Fatalf("pulls %v %v, want %v %v", m.cur.PullNS, m.cur.PullSa, pullNS, pullSa)
		}
	}
}

// TestPushIsUphillOnD checks that the push on G's first point is the
// gradient of D's logit there times 1 − D (non-saturating) or D
// (saturating), by finite differences through the D that G's step saw.
func TestPushIsUphillOnD(t *testing.T) {
	for _, loss := range []string{NonSaturating, Saturating} {
		r := start(t, lessons.Settings{"gloss": loss})
		r.Advance(lessons.Step)
		for range 5 {
			r.Advance(lessons.Op)
		}
		m := mach(r)
		logit := func(x, y float64) float64 {
			in := autograd.Const("x", tensor.FromValues([]float64{x, y}, 1, 2))
			return m.d.Forward(autograd.NoGradTape(), in).Value.Data[0]
		}
		x, y, h := m.cur.G0[0], m.cur.G0[1], 1e-6
		gx := (logit(x+h, y) - logit(x-h, y)) / (2 * h)
		gy := (logit(x, y+h) - logit(x, y-h)) / (2 * h)
		s := sigmoid(m.cur.GLogit0)
		k := 1 - s
		if loss == Saturating {
			k = s
		}
		if !near(m.cur.Push0[0], k*gx, 1e-5) || !near(m.cur.Push0[1], k*gy, 1e-5) {
			t.Fatalf("%s: push %v, want %v·(%v, %v)", loss, m.cur.Push0, k, gx, gy)
		}
	}
}

func TestSettingsTakeEffectNextStep(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Op)
	if _, err := r.Set("lrd", "0.01"); err != nil {
		t.Fatal(err)
	}
	r.Set("dsteps", "3")
	m := mach(r)
	if m.optD.LearningRate() != 0.001 || m.OpsPerStep() != 5 {
		t.Fatalf("mid-step: lr %v, %d ops", m.optD.LearningRate(), m.OpsPerStep())
	}
	r.Advance(lessons.Step)
	r.Advance(lessons.Op)
	if m.optD.LearningRate() != 0.01 || m.OpsPerStep() != 11 {
		t.Fatalf("next step: lr %v, %d ops", m.optD.LearningRate(), m.OpsPerStep())
	}
}

func TestSampleSeedChangesOnlyTheShownPoints(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	before := r.Scene()
	w := values(mach(r).gParams)
	r.Set("samples", "2")
	after := r.Scene()
	if !reflect.DeepEqual(values(mach(r).gParams), w) {
		t.Fatal("the sample seed changed G")
	}
	if reflect.DeepEqual(before.Panels[0].Plot.Series[0], after.Panels[0].Plot.Series[0]) {
		t.Fatal("the sample seed did not change the shown points")
	}
	if !reflect.DeepEqual(before.Panels[2], after.Panels[2]) {
		t.Fatal("the sample seed changed the loss curves")
	}
}

func TestEpochDealsTheTrainingSetOnce(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Epoch)
	if sc := r.Scene(); sc.Pos.Epoch != 1 || sc.Pos.Step != N/Batch {
		t.Fatalf("after one epoch: %+v, want epoch 1 at step %d", sc.Pos, N/Batch)
	}
}

func TestSnapshotRestore(t *testing.T) {
	r := start(t, nil)
	for range 30 {
		r.Advance(lessons.Step)
	}
	m := mach(r)
	st, ok := m.Snapshot()
	if !ok {
		t.Fatal("no snapshot between steps")
	}
	for range 7 {
		r.Advance(lessons.Step)
	}
	r.Advance(lessons.Op)
	want := r.Scene()
	if _, ok := m.Snapshot(); ok {
		t.Fatal("a snapshot in the middle of a step")
	}
	m.Restore(st)
	for range 7 {
		r.Advance(lessons.Step)
	}
	r.Advance(lessons.Op)
	if !reflect.DeepEqual(r.Scene(), want) {
		t.Fatal("restore and replay give a different scene")
	}
}

func TestScenePanels(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	sc := r.Scene()
	// The lesson's four, then the training-health gauges (a table).
	kinds := []scene.Kind{scene.KindPlot, scene.KindBars, scene.KindPlot, scene.KindPlot, scene.KindTable}
	for i, p := range sc.Panels {
		if i >= len(kinds) || p.Kind != kinds[i] {
			t.Fatalf("panel %d is a %s, want %v", i, p.Kind, kinds)
		}
	}
	if len(sc.Panels) != len(kinds) || sc.Panels[4].ID != "health" {
		t.Fatalf("%d panels, the last %q; want %d, the health gauges last", len(sc.Panels), sc.Panels[len(sc.Panels)-1].ID, len(kinds))
	}
	pl := sc.Panels[0].Plot
	if reg := pl.Region; reg == nil || len(reg.Values) != reg.Rows*reg.Cols {
		t.Fatal("no p(real) region")
	}
	for _, v := range pl.Region.Values {
		if !(v > 0 && v < 1) {
			t.Fatalf("region value %v is not a probability", v)
		}
	}
	if n := len(pl.Series[0].X); n != Shown {
		t.Fatalf("%d generated points shown, want %d", n, Shown)
	}
	bars := sc.Panels[1].Bars
	if len(bars.Values) != 9 || math.Abs(sum(bars.Values)-100) > 0.5 {
		t.Fatalf("coverage bars %v %v do not share 100%%", bars.Labels, bars.Values)
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func TestCoverage(t *testing.T) {
	// 16 points on mode 0 (0°), 3 on mode 2 (90°), 1 just off mode 4, 12 far off.
	var pts []float64
	for range 16 {
		pts = append(pts, 2.1, 0)
	}
	for range 3 {
		pts = append(pts, 0, 1.9)
	}
	pts = append(pts, -2.3, 0)
	for range 12 {
		pts = append(pts, 0, 4)
	}
	c := coverageOf(tensor.FromValues(pts, len(pts)/2, 2))
	if c.Counts[0] != 16 || c.Counts[2] != 3 || c.Off != 13 || c.Outside != 12 {
		t.Fatalf("counts %v, off %d, outside %d", c.Counts, c.Off, c.Outside)
	}
	if c.Covered != 2 || !near(c.OnRing, 19.0/32, 1e-12) { // 3 of 32 is above 2%
		t.Fatalf("covered %d, on ring %v", c.Covered, c.OnRing)
	}
}

func TestDivergedRunShowsNoNaN(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	m.dParams[0].Value.Data[0] = math.NaN()
	r.Advance(lessons.Step)
	sc := r.Scene()
	if !r.Done() || !sc.Status.Diverged || sc.Phase != "diverged" || !strings.Contains(sc.Status.Message, "diverged · try: lower the ") {
		t.Fatalf("status %+v, phase %q", sc.Status, sc.Phase)
	}
	if _, err := json.Marshal(sc); err != nil {
		t.Fatalf("the diverged scene does not encode: %v", err)
	}
	if strings.Contains(sc.Narrative, "NaN") {
		t.Fatalf("NaN in the narrative:\n%s", sc.Narrative)
	}
}

// TestSnapshotIntoANewMachine: a snapshot restored into another machine —
// as the runtime does for a look-ahead copy — carries Adam's state over, so
// the copy trains exactly as the original.
func TestSnapshotIntoANewMachine(t *testing.T) {
	r := start(t, nil)
	for range 30 {
		r.Advance(lessons.Step)
	}
	m := mach(r)
	st, _ := m.Snapshot()
	c := Lesson().New(lessons.DefaultSeed, Lesson().Defaults()).(*machine)
	c.Restore(st)
	for range 5 {
		m.Advance(lessons.Step)
		c.Advance(lessons.Step)
	}
	if !reflect.DeepEqual(values(m.gParams), values(c.gParams)) || !reflect.DeepEqual(values(m.dParams), values(c.dParams)) {
		t.Fatal("the copy trains differently from the original")
	}
}

// pushSeries is the plane's series of G's push, if it has one.
func pushSeries(sc scene.Scene) (scene.Series, bool) {
	for _, s := range sc.Panels[0].Plot.Series {
		if s.Name == PushName {
			return s, true
		}
	}
	return scene.Series{}, false
}

// The arrows on the plane are G's push −∂ℓ/∂x on the first Arrows shown
// points, as the engine's backward pass gives it: they agree with central
// differences of G's loss for one point, ℓ(x) through D, for both forms of
// the loss. They are finite, the same for the same run, and taking them
// leaves D's gradients as the training step left them.
func TestPushArrows(t *testing.T) {
	for _, loss := range []string{NonSaturating, Saturating} {
		runAt := func() *lessons.Run {
			r := start(t, lessons.Settings{"gloss": loss})
			for range 40 {
				r.Advance(lessons.Step)
			}
			for range 3 { // into the G step: D's gradients are set
				r.Advance(lessons.Op)
			}
			return r
		}
		r := runAt()
		m := mach(r)
		before := make([][]float64, len(m.dParams))
		for i, p := range m.dParams {
			if p.Grad != nil {
				before[i] = append([]float64(nil), p.Grad.Data...)
			}
		}
		sc := r.Scene()
		for i, p := range m.dParams {
			if p.Grad != nil && !reflect.DeepEqual(before[i], p.Grad.Data) {
				t.Fatalf("%s: drawing the arrows changed the gradient of %s", loss, p.Name)
			}
		}
		push, ok := pushSeries(sc)
		if !ok || len(push.X) != Arrows || len(push.Y) != Arrows || len(push.DX) != Arrows || len(push.DY) != Arrows {
			t.Fatalf("%s: push series %v (found %v), want %d points with arrows", loss, push, ok, Arrows)
		}
		pts := m.samples()
		logit := func(x, y float64) float64 {
			in := autograd.Const("x", tensor.FromValues([]float64{x, y}, 1, 2))
			return m.d.Forward(autograd.NoGradTape(), in).Value.Data[0]
		}
		ell := func(x, y float64) float64 {
			if loss == Saturating {
				return -softplus(logit(x, y)) // log(1 − σ(l))
			}
			return softplus(-logit(x, y)) // −log σ(l)
		}
		const h = 1e-6
		longest := 0.0
		for i := range Arrows {
			x, y := push.X[i], push.Y[i]
			if x != pts.Data[2*i] || y != pts.Data[2*i+1] {
				t.Fatalf("%s: arrow %d starts at (%v, %v), not at shown point (%v, %v)", loss, i, x, y, pts.Data[2*i], pts.Data[2*i+1])
			}
			gx := (ell(x+h, y) - ell(x-h, y)) / (2 * h)
			gy := (ell(x, y+h) - ell(x, y-h)) / (2 * h)
			if !finite(push.DX[i]) || !finite(push.DY[i]) || !near(push.DX[i], -gx, 1e-5) || !near(push.DY[i], -gy, 1e-5) {
				t.Fatalf("%s: arrow %d is (%v, %v), finite differences give −∂ℓ/∂x = (%v, %v)", loss, i, push.DX[i], push.DY[i], -gx, -gy)
			}
			longest = math.Max(longest, math.Hypot(gx, gy))
		}
		if longest == 0 {
			t.Fatalf("%s: every arrow is zero", loss)
		}
		again, _ := pushSeries(runAt().Scene())
		if !reflect.DeepEqual(push, again) {
			t.Fatalf("%s: the same run draws other arrows", loss)
		}
	}
}

// While the question on the push of G's first point waits (after G's
// first forward pass), the plane has no arrows, and the narrative says
// why; they are back at the next op, and the narrative gives the longest.
func TestPushArrowsWaitForTheQuestion(t *testing.T) {
	r := start(t, nil)
	for range 4 {
		r.Advance(lessons.Op)
	}
	sc := r.Scene()
	if sc.Question == nil || sc.Question.ID != "push-dir" {
		t.Fatalf("after G's first forward pass the question is %+v, want push-dir", sc.Question)
	}
	if _, ok := pushSeries(sc); ok {
		t.Fatal("the arrows show while the question on the push waits")
	}
	if !strings.Contains(flat(sc.Narrative), "off the plane until G's backward pass") {
		t.Fatalf("the narrative does not say where the arrows went:\n%s", sc.Narrative)
	}
	r.Advance(lessons.Op)
	sc = r.Scene()
	push, ok := pushSeries(sc)
	if !ok || len(push.DX) != Arrows {
		t.Fatalf("after G's update: push series %v", push)
	}
	if !strings.Contains(flat(sc.Narrative), "same push for 20 of the shown points") || !strings.Contains(sc.Narrative, trainer.Num(longest(push))) {
		t.Fatalf("the narrative does not explain the arrows and their longest, %s:\n%s", trainer.Num(longest(push)), sc.Narrative)
	}
}
