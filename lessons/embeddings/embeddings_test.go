package embeddings

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/data"
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

func panel(t *testing.T, sc scene.Scene, kind scene.Kind, prefix string) scene.Panel {
	t.Helper()
	for _, p := range sc.Panels {
		if p.Kind == kind && strings.HasPrefix(p.Title, prefix) {
			return p
		}
	}
	t.Fatalf("no %s panel titled %q… in phase %s", kind, prefix, sc.Phase)
	return scene.Panel{}
}

func TestCorpusPairsAndReferences(t *testing.T) {
	m := mach(start(t, nil))
	words := data.NewWords(data.Corpus())
	if m.words.Size() != words.Size() || len(m.pairs) != len(data.SkipGrams(words.IDs(data.Corpus()), 2)) {
		t.Fatalf("V = %d, %d pairs", m.words.Size(), len(m.pairs))
	}
	// The best possible loss is the conditional entropy of the counts: it
	// lies between 0 and log V, and no model does better than it.
	if !(m.bestLoss > 0 && m.bestLoss < m.uniformLoss) || math.Abs(m.uniformLoss-math.Log(float64(m.words.Size()))) > 1e-12 {
		t.Fatalf("best %v, uniform %v", m.bestLoss, m.uniformLoss)
	}
	// Window 1: "the cat chases the mouse …" gives cat → the, cat → chases.
	w1 := mach(start(t, lessons.Settings{"window": "1"}))
	if len(w1.pairs) >= len(m.pairs) || w1.pairs[0] != (data.SkipGram{Center: words.Index["the"], Context: words.Index["cat"]}) {
		t.Fatalf("window 1: %d pairs, first %v", len(w1.pairs), w1.pairs[0])
	}
}

func TestOpByOpEqualsOneStep(t *testing.T) {
	ops, whole := start(t, nil), start(t, nil)
	whole.Advance(lessons.Step)
	ops.Advance(lessons.Op)
	n := ops.Scene().Pos.OpsPerStep
	if n != 13 {
		t.Fatalf("ops per step = %d, want 13 (6 forward, 6 backward, update)", n)
	}
	var phases []string
	for range n - 1 {
		phases = append(phases, ops.Scene().Phase)
		ops.Advance(lessons.Op)
	}
	if phases[5] != "forward" || phases[6] != "backward" || ops.Scene().Phase != "update" {
		t.Fatalf("phases %v, then %s", phases, ops.Scene().Phase)
	}
	for i, p := range mach(ops).params() {
		if !slices.Equal(p.Value.Data, mach(whole).params()[i].Value.Data) {
			t.Fatalf("%s differs between op by op and one step", p.Name)
		}
	}
}

// TestGradientsAreSoftmaxMinusOneHot checks the engine's gradients after
// the backward pass against their closed forms: with g = p − onehot(t),
// dL/db = g, dL/dU = eᵀg, and dL/dE is zero except row c, which is U·gᵀ.
func TestGradientsAreSoftmaxMinusOneHot(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	for range 12 {
		r.Advance(lessons.Op)
	}
	m := mach(r)
	if r.Scene().Phase != "backward" || !strings.Contains(r.Scene().Narrative, "scatter-add") {
		t.Fatalf("after 12 ops: phase %s\n%s", r.Scene().Phase, r.Scene().Narrative)
	}
	p, v, d := m.pair(), m.words.Size(), m.dim()
	lp := m.loop.Cur.Tape.Nodes()[nodeLogP].Out.Value.Data
	e := m.loop.Cur.Tape.Nodes()[nodeE].Out.Value.Data
	g := make([]float64, v)
	for j := range g {
		g[j] = math.Exp(lp[j])
	}
	g[p.Context]--
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
	for j := range v {
		near("dL/db", m.out.B.Grad.Data[j], g[j])
		for i := range d {
			near("dL/dU", m.out.W.Grad.Data[i*v+j], e[i]*g[j])
		}
	}
	gradE := m.loop.Cur.GradSoFar(m.emb.W)
	for w := range v {
		for i := range d {
			want := 0.0
			if w == p.Center {
				for j := range v {
					want += m.out.W.Value.Data[i*v+j] * g[j]
				}
			}
			near("dL/dE", gradE[w*d+i], want)
		}
	}
	// The rows panel shows the same gradient: E[c] non-zero, E[t] zero.
	mat := panel(t, r.Scene(), scene.KindMatrix, "row").Matrix
	if mat.Grads[0] != gradE[p.Center*d] || slices.ContainsFunc(mat.Grads[d:2*d], func(x float64) bool { return x != 0 }) {
		t.Fatalf("rows panel grads %v", mat.Grads)
	}
}

func TestUpdateMovesOnlyTheCentreRow(t *testing.T) {
	r := start(t, nil)
	m := mach(r)
	before := slices.Clone(m.emb.W.Value.Data)
	u := slices.Clone(m.out.W.Value.Data)
	r.Advance(lessons.Step)
	c, d := m.pair().Center, m.dim()
	for w := range m.words.Size() {
		same := slices.Equal(before[w*d:(w+1)*d], m.emb.W.Value.Data[w*d:(w+1)*d])
		if same == (w == c) {
			t.Fatalf("row %d (%s) changed = %v; the centre is %s", w, m.words.List[w], !same, m.words.List[c])
		}
	}
	moved := 0
	for j := range m.words.Size() {
		if u[j] != m.out.W.Value.Data[j] {
			moved++
		}
	}
	if moved != m.words.Size() {
		t.Fatalf("%d of %d columns of U moved in their first entry; the full softmax moves all", moved, m.words.Size())
	}
	sc := r.Scene()
	v := m.view()
	if !(v.PNew > v.PT) || !strings.Contains(sc.Narrative, trainer.Num(v.PT)+" → **"+trainer.Num(v.PNew)) {
		t.Fatalf("p(t|c) %v → %v; narrative:\n%s", v.PT, v.PNew, sc.Narrative)
	}
}

func TestNarrativeMatchesPanels(t *testing.T) {
	r := start(t, nil)
	for range 4 {
		r.Advance(lessons.Op)
	}
	sc := r.Scene()
	bars := panel(t, sc, scene.KindBars, "p(word |").Bars
	v := mach(r).view()
	if sc.Phase != "forward" || bars.Highlight < 0 || bars.Values[bars.Highlight] != v.PT ||
		!strings.HasPrefix(bars.Labels[bars.Highlight], v.Context) {
		t.Fatalf("bars %+v, p(t|c) = %v for %s", bars, v.PT, v.Context)
	}
	if !strings.Contains(sc.Narrative, "p = **"+trainer.Num(v.PT)+"**") || math.Abs(math.Log(v.PT)-v.LogPT) > 1e-12 {
		t.Fatalf("log-softmax narrative:\n%s", sc.Narrative)
	}
	sum := 0.0
	for _, x := range mach(r).loop.Cur.Tape.Nodes()[nodeLogP].Out.Value.Data {
		sum += math.Exp(x)
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("probabilities sum to %v", sum)
	}
	for range 5 {
		r.Advance(lessons.Op)
	}
	if n := r.Scene().Narrative; !strings.Contains(n, "softmax minus one-hot") || !strings.Contains(n, trainer.Num(v.PT-1)) {
		t.Fatalf("log-softmax backward narrative:\n%s", n)
	}
}

// TestTrainingGathersTopics runs the default lesson to the end: the loss
// falls towards (not below) the best possible, and words of a topic end
// up next to each other far more often than at the start or by chance.
func TestTrainingGathersTopics(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	m := mach(r)
	sc := r.Scene()
	v := m.view()
	if !sc.Status.Finished || sc.Status.Level != scene.LevelSuccess || sc.Pos.Step != 10*len(m.pairs) {
		t.Fatalf("status %+v at step %d", sc.Status, sc.Pos.Step)
	}
	if !(v.FullLoss < 3 && v.FullLoss > m.bestLoss && m.startLoss > m.uniformLoss) {
		t.Fatalf("loss %v (start %v, best %v)", v.FullLoss, m.startLoss, m.bestLoss)
	}
	if v.StartAgree > 5 || v.Agree < 13 || v.ChancePercent > 10 {
		t.Fatalf("topic agreement %d at the start, %d at the end (chance %d%%)", v.StartAgree, v.Agree, v.ChancePercent)
	}
	for probe, topic := range map[string]int{"cat": 0, "red": 2} {
		if n := m.neighbours(m.words.Index[probe], 1)[0]; m.topic[n.id] != topic {
			t.Errorf("nearest to %s is %s", probe, m.words.List[n.id])
		}
	}
	if !strings.Contains(sc.Narrative, "Nobody told the model") || !strings.Contains(sc.Narrative, trainer.Num(v.FullLoss)) {
		t.Fatalf("finished narrative:\n%s", sc.Narrative)
	}
	if len(m.epochLoss) != 10 || m.epochLoss[9] != v.FullLoss || m.epochLoss[0] < m.epochLoss[9] {
		t.Fatalf("epoch losses %v", m.epochLoss)
	}
}

func TestProjectionIsPCA(t *testing.T) {
	m := mach(start(t, nil))
	pr := m.project()
	v, d := m.words.Size(), m.dim()
	variance := func(xs []float64) float64 {
		s, ss := 0.0, 0.0
		for _, x := range xs {
			s += x
			ss += x * x
		}
		return ss/float64(len(xs)) - (s/float64(len(xs)))*(s/float64(len(xs)))
	}
	// No unit direction (here: 500 random ones) spreads the rows more
	// than the first principal component.
	rng := rand.New(rand.NewPCG(1, 2))
	best := variance(pr.X)
	for range 500 {
		dir := make([]float64, d)
		for i := range dir {
			dir[i] = rng.NormFloat64()
		}
		normalise(dir)
		xs := make([]float64, v)
		for i := range v {
			xs[i] = dot(m.row(i), dir)
		}
		if variance(xs) > best*(1+1e-9) {
			t.Fatalf("direction %v has variance %v > PC1's %v", dir, variance(xs), best)
		}
	}
	cov := 0.0
	for i := range v {
		cov += pr.X[i] * pr.Y[i]
	}
	if variance(pr.Y) > best || math.Abs(cov/float64(v)) > 1e-9 || !(pr.Explained > 0.2 && pr.Explained < 1) {
		t.Fatalf("PC2 variance %v (PC1 %v), covariance %v, explained %v", variance(pr.Y), best, cov, pr.Explained)
	}
	// With d = 2 the projection is a rotation: it keeps all the spread.
	if e := mach(start(t, lessons.Settings{"dim": "2"})).project().Explained; math.Abs(e-1) > 1e-9 {
		t.Fatalf("d = 2 explains %v", e)
	}
}

func TestProbeWordContinuesAndRewinds(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	restarted, err := r.Set("probe", "red")
	if err != nil || restarted || r.Scene().Pos.Step != 1 {
		t.Fatalf("Set probe: restarted %v, err %v", restarted, err)
	}
	tb := panel(t, r.Scene(), scene.KindTable, "nearest").Table
	if tb.Columns[0] != "nearest to red" || len(tb.Rows) != neighboursShown {
		t.Fatalf("table %+v", tb)
	}
	if title := panel(t, r.Scene(), scene.KindPlot, "PCA").Title; !strings.Contains(title, "◆ red") {
		t.Fatalf("projection title %q", title)
	}
	r.Advance(lessons.Step)
	r.Back()
	r.Back()
	if got := panel(t, r.Scene(), scene.KindTable, "nearest").Table.Columns[0]; got != "nearest to cat" || r.Settings()["probe"] != "cat" {
		t.Fatalf("after stepping back over the change: %q, setting %s", got, r.Settings()["probe"])
	}
	if restarted, _ := r.Set("dim", "4"); !restarted || mach(r).dim() != 4 {
		t.Fatal("the embedding size does not restart the run")
	}
}

func TestScenePanels(t *testing.T) {
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
	between := []scene.Kind{scene.KindBars, scene.KindPlot, scene.KindTable, scene.KindPlot, scene.KindMatrix}
	if !reflect.DeepEqual(kinds(), between) {
		t.Fatalf("ready: %v", kinds())
	}
	r.Advance(lessons.Op)
	inStep := []scene.Kind{scene.KindBars, scene.KindGraph, scene.KindTable, scene.KindPlot, scene.KindMatrix}
	if !reflect.DeepEqual(kinds(), inStep) {
		t.Fatalf("forward: %v", kinds())
	}
	g := r.Scene().Panels[1].Graph
	if g.Current < 0 || g.Nodes[g.Current].Label != "e" || g.Nodes[g.Current].Op != "embedding" {
		t.Fatalf("graph after one op: %+v", g.Nodes)
	}
	r.Advance(lessons.Step)
	if !reflect.DeepEqual(kinds(), between) {
		t.Fatalf("update: %v", kinds())
	}
}

// TestLargeLearningRatesAreShownWithoutNaN runs learning rates that
// explode (1) and diverge (10): every scene encodes as JSON (which
// refuses NaN and ±Inf) and says what happened.
func TestLargeLearningRatesAreShownWithoutNaN(t *testing.T) {
	for _, c := range []struct{ lr, want string }{{"1", "exploding"}, {"10", "diverged"}} {
		r := start(t, lessons.Settings{"lr": c.lr, "epochs": "1"})
		for !r.Done() {
			r.Advance(lessons.Step)
			if mach(r).loop.Step%100 == 0 || r.Done() {
				sc := r.Scene()
				if _, err := json.Marshal(sc); err != nil || strings.Contains(sc.Narrative, "NaN") {
					t.Fatalf("lr %s, step %d: %v\n%s", c.lr, sc.Pos.Step, err, sc.Narrative)
				}
			}
		}
		sc := r.Scene()
		if !strings.Contains(sc.Status.Message, c.want) || !strings.Contains(sc.Status.Message, "lower the learning rate") {
			t.Fatalf("lr %s: status %+v", c.lr, sc.Status)
		}
		if c.want == "diverged" && (!sc.Status.Diverged || !r.Back() || r.Scene().Status.Diverged) {
			t.Fatalf("lr %s: cannot step back from the divergence", c.lr)
		}
	}
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, set := range []lessons.Settings{{"dim": "0"}, {"dim": "64"}, {"window": "9"}, {"probe": "zebra"}, {"lr": "-1"}} {
		if _, err := lessons.Start(Lesson(), 1, set); err == nil {
			t.Errorf("Start with %v: no error", set)
		}
	}
}

// TestBrokenUpdateShowsTheWeightsBeforeIt poisons the parameters as an
// update that overflowed would, and checks the diverged scene shows the
// last finite ones.
func TestBrokenUpdateShowsTheWeightsBeforeIt(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.Step)
	m := mach(r)
	c, d := m.pair().Center, m.dim()
	want := slices.Clone(m.safe[0][c*d : (c+1)*d])
	m.emb.W.Value.Data[c*d] = math.Inf(1)
	m.out.W.Value.Data[0] = math.NaN()
	m.loop.Diverged, m.loop.DivStep = true, m.loop.Step
	sc := r.Scene()
	if _, err := json.Marshal(sc); err != nil || sc.Phase != "diverged" {
		t.Fatalf("phase %s: %v", sc.Phase, err)
	}
	if got := panel(t, sc, scene.KindMatrix, "row").Matrix.Values[:d]; !slices.Equal(got, want) {
		t.Fatalf("E[c] shown %v, want the row before the update %v", got, want)
	}
}
