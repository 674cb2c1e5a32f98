package cnn

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

func start(t testing.TB, set lessons.Settings) *lessons.Run {
	t.Helper()
	r, err := lessons.Start(Lesson(), lessons.DefaultSeed, set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mach(r *lessons.Run) *machine { return lessons.MachineOf(r).(*machine) }

// walk advances r by n ops.
func walk(r *lessons.Run, n int) {
	for range n {
		r.Advance(lessons.Op)
	}
}

func TestShapesChangeLayerByLayer(t *testing.T) {
	for _, f := range []int{2, 4} {
		r := start(t, lessons.Settings{"filters": strconv.Itoa(f)})
		r.Advance(lessons.Op)
		if n := r.Scene().Pos.OpsPerStep; n != 21 {
			t.Fatalf("ops per step = %d, want 21 (10 forward, 10 backward, update)", n)
		}
		want := map[string][]int{
			"a1": {32, f, 28, 28}, "h1": {32, f, 28, 28}, "p1": {32, f, 14, 14},
			"a2": {32, 2 * f, 14, 14}, "h2": {32, 2 * f, 14, 14}, "p2": {32, 2 * f, 7, 7},
			"f": {32, 2 * f * 49}, "z": {32, 10}, "s": {32, 10}, "L": {},
		}
		for i, nd := range mach(r).loop.Cur.Tape.Nodes() {
			if w, ok := want[nd.Out.Name]; !ok || !slices.Equal(nd.Out.Value.Shape, w) {
				t.Errorf("filters %d: node %d %s has shape %v, want %v", f, i, nd.Out.Name, nd.Out.Value.Shape, w)
			}
		}
	}
}

// TestNarrativeNumbersAreTheEngines recomputes the numbers the forward
// narrative quotes and compares them with the tape.
func TestNarrativeNumbersAreTheEngines(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	blocks := []string{"fwd-a1", "fwd-h1", "fwd-p1", "fwd-a2", "fwd-h2", "fwd-p2", "fwd-f", "fwd-z", "fwd-s", "fwd-L"}
	for i, b := range blocks {
		r.Advance(lessons.Op)
		if _, got := m.phase(); got != b {
			t.Fatalf("op %d: block %q, want %q", i+1, got, b)
		}
		v := m.view("forward")
		switch b {
		case "fwd-a1", "fwd-a2":
			if math.Abs(v.Sum+v.Bias-v.Out) > 1e-9 {
				t.Errorf("%s: %v + %v ≠ %v", b, v.Sum, v.Bias, v.Out)
			}
		case "fwd-p1", "fwd-p2":
			if mx := slices.Max(v.Win[:]); mx != v.Out {
				t.Errorf("%s: max of window %v is %v, narrative says %v", b, v.Win, mx, v.Out)
			}
		case "fwd-L":
			p := softmax(m.loop.Cur.Tape.Nodes()[8].Out.Value.Data[:Classes])
			if math.Abs(v.PLabel-p[m.yb[0]]) > 1e-12 || math.Abs(v.NegLog+math.Log(p[m.yb[0]])) > 1e-12 {
				t.Errorf("fwd-L: p = %v, −log p = %v", v.PLabel, v.NegLog)
			}
		}
		if !strings.Contains(r.Scene().Narrative, trainer.Num(v.Out)) && b != "fwd-h1" && b != "fwd-h2" && v.Out != 0 {
			t.Errorf("%s: the narrative does not quote %s", b, trainer.Num(v.Out))
		}
	}
	// Backward through the loss: ∂L/∂s for the true class is (p − 1)/n.
	r.Advance(lessons.Op)
	st := m.loop.Cur.Steps[0]
	v := m.view("backward")
	if got := st.Grads[0].Data[m.yb[0]]; math.Abs(got-v.DSLabel) > 1e-12 {
		t.Fatalf("∂L/∂s of the label: engine %v, narrative %v", got, v.DSLabel)
	}
}

func TestOpByOpEqualsOneStep(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	walk(ops, 21)
	whole.Advance(lessons.Step)
	for i, p := range mach(ops).params {
		if !slices.Equal(p.Value.Data, mach(whole).params[i].Value.Data) {
			t.Fatalf("%s differs between op by op and one step", p.Name)
		}
	}
}

// TestScenesLeaveTrainingAlone draws every scene of a step (the saliency
// map runs its own backward pass) and checks that the step ends exactly
// as one that drew none.
func TestScenesLeaveTrainingAlone(t *testing.T) {
	drawn, plain := start(t, nil), start(t, nil)
	drawn.Advance(lessons.Step)
	plain.Advance(lessons.Step)
	for range 21 {
		drawn.Scene()
		drawn.Advance(lessons.Op)
		drawn.Scene()
	}
	plain.Advance(lessons.Step)
	for i, p := range mach(drawn).params {
		if !slices.Equal(p.Value.Data, mach(plain).params[i].Value.Data) {
			t.Fatalf("drawing scenes changed the training of %s", p.Name)
		}
	}
}

// TestSaliencyIsTheInputGradient checks ∂s/∂x against central finite
// differences of the score at every pixel of a digit jittered by up to
// 0.001. Jitter breaks the ties that MNIST's many equal pixels cause in
// max-pooling windows: at a tie the score has no single derivative, the
// engine picks the first maximum, and a finite difference need not agree.
func TestSaliencyIsTheInputGradient(t *testing.T) {
	r := start(t, nil)
	for range 30 {
		r.Advance(lessons.Step)
	}
	m := mach(r)
	img := image(m.test, 3)
	if ex := m.net.explain(img); ex.Ties < 0.05 {
		t.Fatalf("only %v of the pooling windows of a real digit hold a tie", ex.Ties)
	}
	rng := tensor.NewRNG(5)
	for i := range img.Data {
		img.Data[i] += 1e-3 * rng.Float64()
	}
	ex := m.net.explain(img)
	if ex.Ties != 0 {
		t.Fatalf("jitter left %v of the windows tied", ex.Ties)
	}
	const h = 1e-7
	for i, x := range img.Data {
		if i%2 != 0 {
			continue
		}
		up, down := img.Clone(), img.Clone()
		up.Data[i] += h
		down.Data[i] -= h
		fd := (m.net.score(up, ex.pred) - m.net.score(down, ex.pred)) / (2 * h)
		if math.Abs(fd-ex.saliency[i]) > 1e-5+1e-3*math.Abs(fd) {
			t.Errorf("pixel %d (ink %.2f): saliency %v, finite difference %v", i, x, ex.saliency[i], fd)
		}
	}
	if ex.SmallPred != ex.Eps*ex.TopG || math.Abs(ex.SmallReal-ex.SmallPred) > 0.5*math.Abs(ex.SmallPred) {
		t.Errorf("small edit: predicted %v, real %v", ex.SmallPred, ex.SmallReal)
	}
	for _, p := range m.params {
		for _, g := range p.Grad.Data {
			if math.IsNaN(g) {
				t.Fatal("NaN gradient")
			}
		}
	}
}

func TestInspectedDigitFollowsTheControl(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	if _, err := r.Set("digit", "7"); err != nil {
		t.Fatal(err)
	}
	sc := r.Scene()
	if !strings.Contains(sc.Panels[0].Title, "#7") || !strings.Contains(sc.Narrative, "Test digit #7") {
		t.Fatalf("digit 7: title %q", sc.Panels[0].Title)
	}
	label := mach(r).test.Labels[7]
	if b := sc.Panels[1].Bars; b == nil || b.Highlight != label {
		t.Fatalf("the probabilities do not highlight label %d", label)
	}
	r.Back()
	if !strings.Contains(r.Scene().Panels[0].Title, "#0") {
		t.Fatal("stepping back did not return to test digit 0")
	}
}

func TestPanelsByPhase(t *testing.T) {
	r := start(t, nil)
	kinds := func() []scene.Kind {
		var ks []scene.Kind
		for _, p := range r.Scene().Panels {
			if p.ID != "health" { // the runtime's training-health panel, not the lesson's
				ks = append(ks, p.Kind)
			}
		}
		return ks
	}
	between := []scene.Kind{scene.KindImage, scene.KindBars, scene.KindPlot, scene.KindImage, scene.KindImage}
	if k := kinds(); !slices.Equal(k, between) {
		t.Fatalf("ready: panels %v", k)
	}
	// The inspected digit, the lesson's main picture, leads every phase
	// with one ID: inside a step, before the node's value and the graph.
	main := func(when string) {
		t.Helper()
		p := r.Scene().Panels[0]
		if p.ID != "digit" || p.Priority != 1 || !strings.HasPrefix(p.Title, "test digit #0: read as") || len(p.Image.Tiles) != 2 {
			t.Fatalf("%s: first panel %q (ID %q, priority %d), want the inspected digit and its saliency", when, p.Title, p.ID, p.Priority)
		}
	}
	main("ready")
	r.Advance(lessons.Op)
	if k := kinds(); !slices.Equal(k, []scene.Kind{scene.KindImage, scene.KindImage, scene.KindGraph}) {
		t.Fatalf("forward: panels %v", k)
	}
	main("forward")
	walk(r, 19)
	sc := r.Scene()
	if sc.Phase != "backward" || !strings.HasPrefix(sc.Panels[1].Title, "∂L/∂conv1.W") || len(sc.Panels[1].Image.Tiles) != mach(r).net.f {
		t.Fatalf("last backward op: phase %s, panel %q", sc.Phase, sc.Panels[1].Title)
	}
	main("backward")
	r.Advance(lessons.Op)
	if k := kinds(); !slices.Equal(k, between) {
		t.Fatalf("update: panels %v", k)
	}
	main("update")
}

func TestDivergedSceneHasNoNaN(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	m.net.dense.W.Value.Data[0] = math.NaN()
	r.Advance(lessons.Step)
	sc := r.Scene()
	if !sc.Status.Diverged || sc.Phase != "diverged" {
		t.Fatalf("status %+v", sc.Status)
	}
	if _, err := json.Marshal(sc); err != nil {
		t.Fatalf("diverged scene: %v", err)
	}
}

func TestDeadReLUsAreNamed(t *testing.T) {
	r := start(t, lessons.Settings{"lr": "1"})
	for range 12 {
		r.Advance(lessons.Step)
	}
	if n := r.Scene().Narrative; !strings.Contains(n, "stopped learning") {
		t.Fatalf("learning rate 1:\n%s", n)
	}
	if n := start(t, nil).Scene().Narrative; strings.Contains(n, "stopped learning") {
		t.Fatal("the defaults are said to have stopped learning")
	}
}

func TestRewindRestoresMeasurementsInProgress(t *testing.T) {
	r := start(t, nil)
	for range 27 { // a measurement starts at step 25 and is pending
		r.Advance(lessons.Step)
	}
	want := r.Scene()
	r.Advance(lessons.Step)
	r.Advance(lessons.Step)
	r.Back()
	r.Back()
	if !reflect.DeepEqual(r.Scene(), want) {
		t.Fatal("stepping back over a pending measurement changed the scene")
	}
	for range 5 {
		r.Advance(lessons.Step)
	}
	if e := mach(r).lastEval(); e.Step != 25 {
		t.Fatalf("the measurement started at step 25 ended as step %d", e.Step)
	}
}

// BenchmarkStep is one training step with the defaults (a test chunk is
// measured on most steps).
func BenchmarkStep(b *testing.B) {
	r := start(b, nil)
	for b.Loop() {
		if r.Done() {
			b.StopTimer()
			r = start(b, nil)
			b.StartTimer()
		}
		r.Advance(lessons.Step)
	}
}

// BenchmarkSceneBetweenSteps is the scene after an update: the inspected
// digit's forward pass, saliency map and the two checks of it.
func BenchmarkSceneBetweenSteps(b *testing.B) {
	r := start(b, nil)
	r.Advance(lessons.Step)
	for b.Loop() {
		r.Scene()
	}
}

// TestFinishedStepLetsGoOfItsTape: between steps the cursor holds no
// activations, gradients or im2col buffers, so snapshots stay small.
func TestFinishedStepLetsGoOfItsTape(t *testing.T) {
	r := start(t, nil)
	walk(r, 21)
	cur := &mach(r).loop.Cur
	if cur.Phase != trainer.Updated || cur.Tape.Len() != 0 || cur.Loss.Node() != nil || cur.Steps != nil {
		t.Fatalf("after the update: phase %v, %d nodes, loss node %v", cur.Phase, cur.Tape.Len(), cur.Loss.Node())
	}
	if sc := r.Scene(); sc.Pos.Op != 21 || sc.Pos.OpsPerStep != 21 || sc.Phase != "update" {
		t.Fatalf("after the update: phase %s, op %d/%d", sc.Phase, sc.Pos.Op, sc.Pos.OpsPerStep)
	}
}

// Going backward through each convolution, the narrative's gradients are
// summed by hand from the node's input and the gradient arriving at its
// output, and equal the engine's.
func TestConvGradientsInNumbers(t *testing.T) {
	r := start(t, nil)
	seen := 0
	for range 21 {
		r.Advance(lessons.Op)
		sc := r.Scene()
		m := mach(r)
		if sc.Phase != "backward" {
			continue
		}
		v := m.view(sc.Phase)
		if v.Conv == nil {
			continue
		}
		seen++
		c := v.Conv
		if math.Abs(c.WSum-c.W) > 1e-12*(1+math.Abs(c.W)) || c.W == 0 || c.Terms == 0 {
			t.Errorf("∂L/∂W: summed %v, engine %v over %d terms", c.WSum, c.W, c.Terms)
		}
		if c.HasX && (math.Abs(c.XSum-c.X) > 1e-12*(1+math.Abs(c.X)) || c.XTerms == 0) {
			t.Errorf("∂L/∂x: summed %v, engine %v over %d terms", c.XSum, c.X, c.XTerms)
		}
		if !strings.Contains(sc.Narrative, "In numbers") || !strings.Contains(sc.Narrative, trainer.Num(c.WSum)) {
			t.Errorf("narrative lacks the numbers:\n%s", sc.Narrative)
		}
	}
	if seen != 2 {
		t.Errorf("%d convolutions met going backward, want 2", seen)
	}
}
