package rnn

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

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

func panel(t *testing.T, sc scene.Scene, title string) scene.Panel {
	t.Helper()
	for _, p := range sc.Panels {
		if strings.HasPrefix(p.Title, title) {
			return p
		}
	}
	t.Fatalf("no panel %q in the scene", title)
	return scene.Panel{}
}

// TestOpIsOneTimeStep walks one training step op by op: T forward time
// steps, the loss, the loss backwards, T time steps of BPTT from t = T down
// to 1, the update; and it ends with exactly the weights of a whole step.
func TestOpIsOneTimeStep(t *testing.T) {
	for _, cell := range Cells {
		t.Run(cell, func(t *testing.T) {
			const T = 10
			set := lessons.Settings{"cell": cell, "length": "10"}
			ops, whole := start(t, set), start(t, set)
			whole.Advance(lessons.Step)
			var want []string
			for i := 1; i <= T; i++ {
				want = append(want, "fwd-step "+strconv.Itoa(i))
			}
			want = append(want, "fwd-loss", "bwd-loss")
			for i := T; i >= 1; i-- {
				want = append(want, "bwd-step "+strconv.Itoa(i))
			}
			want = append(want, "update")
			for k, w := range want {
				ops.Advance(lessons.Op)
				sc := ops.Scene()
				_, got := mach(ops).phase()
				if strings.HasSuffix(got, "-step") {
					got += " " + strconv.Itoa(mach(ops).view().Tt)
				}
				if got != w || sc.Pos.Op != k+1 || sc.Pos.OpsPerStep != 2*T+3 {
					t.Fatalf("op %d: %q (op %d/%d), want %q (op %d/%d)", k+1, got, sc.Pos.Op, sc.Pos.OpsPerStep, w, k+1, 2*T+3)
				}
			}
			for i, p := range mach(ops).params {
				if !slices.Equal(p.Value.Data, mach(whole).params[i].Value.Data) {
					t.Fatalf("%s after the op walk differs from one whole step", p.Name)
				}
			}
		})
	}
}

// TestProbeIsTheProductOfJacobians checks the gradient-through-time panel
// against the narrative's formula, worked by hand from the recorded hidden
// states: g_T = 2(ŷ_T − y_T)/B · W_yᵀ, g_t−1 = (g_t ⊙ (1 − h_t²))·W_hhᵀ.
func TestProbeIsTheProductOfJacobians(t *testing.T) {
	r := start(t, lessons.Settings{"length": "25"})
	r.Advance(lessons.Step)
	r.Advance(lessons.Op) // the forward pass of step 2 is recorded with the weights probed
	m := mach(r)
	T := m.cfg.steps
	wh, wy := m.net.rnn.Wh.Value.Data, m.net.head.W.Value.Data
	g := make([]float64, Batch*Hidden)
	for b := range Batch {
		e := 2 * (m.rec.preds[T-1].Value.Data[b] - m.ys[T-1].Value.Data[b]) / Batch
		for u := range Hidden {
			g[b*Hidden+u] = e * wy[u]
		}
	}
	pr := m.probe()
	for t0 := T - 1; t0 >= 0; t0-- {
		if got, want := pr.norms[t0], l2(g); math.Abs(got-want) > 1e-12*want+1e-300 {
			t.Fatalf("‖∂ℓ/∂h_%d‖ = %g, by hand %g", t0+1, got, want)
		}
		h := m.rec.hs[t0].Value.Data
		next := make([]float64, len(g))
		for b := range Batch {
			for i := range Hidden {
				for j := range Hidden {
					d := g[b*Hidden+j] * (1 - h[b*Hidden+j]*h[b*Hidden+j])
					next[b*Hidden+i] += d * wh[i*Hidden+j]
				}
			}
		}
		g = next
	}
}

func l2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func TestSigmaMax(t *testing.T) {
	for _, c := range []struct {
		w          []float64
		rows, cols int
		want       float64
	}{
		{[]float64{3, 0, 4, 5}, 2, 2, math.Sqrt(45)}, // AᵀA has eigenvalues 45 and 5
		{[]float64{0.5, 0, 0, 0, -0.9, 0, 0, 0, 0.2}, 3, 3, 0.9},
		{[]float64{1, 2, 3}, 1, 3, math.Sqrt(14)},
		{[]float64{0, 0, 0, 0}, 2, 2, 0},
	} {
		if got := sigmaMax(c.w, c.rows, c.cols); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("σ_max(%v) = %.12g, want %.12g", c.w, got, c.want)
		}
	}
	// A matrix's spectral norm bounds how much it can stretch any vector.
	m := mach(start(t, nil))
	w := m.used[1]
	s := sigmaMax(w, Hidden, Hidden)
	for k := range Hidden {
		row := w[k*Hidden : (k+1)*Hidden] // eₖᵀ·W
		if l2(row) > s*(1+1e-9) {
			t.Fatalf("row %d has norm %g > σ_max %g", k, l2(row), s)
		}
	}
}

// TestScaleMakesTheGradientVanishOrExplode is the lesson's claim in
// numbers: a small W_hh (σ_max < 1) must shrink the gradient through time,
// a large one here makes it grow, and the LSTM starts with more of it left
// than the vanilla RNN.
func TestScaleMakesTheGradientVanishOrExplode(t *testing.T) {
	small := mach(start(t, lessons.Settings{"scale": "0.5"})).view()
	if small.Sigma >= 1 || small.Ratio > 1e-10 {
		t.Errorf("scale 0.5: σ_max %g, ratio %g; want < 1 and vanishing", small.Sigma, small.Ratio)
	}
	pr := mach(start(t, lessons.Settings{"scale": "0.5"})).probe().norms
	for k := 1; k < len(pr); k++ {
		if pr[k-1] > small.Sigma*pr[k]*(1+1e-12) {
			t.Fatalf("scale 0.5: one step back shrank the gradient by less than σ_max: %g → %g", pr[k], pr[k-1])
		}
	}
	r := start(t, lessons.Settings{"scale": "3"})
	big := mach(r).view()
	if big.Ratio < 100 || r.Scene().Status.Level == scene.LevelWarning {
		t.Errorf("scale 3 at the start: ratio %g, status %+v; want an exploding gradient, not yet flagged (the learner predicts it)", big.Ratio, r.Scene().Status)
	}
	r.Advance(lessons.Step)
	if r.Scene().Status.Level != scene.LevelWarning {
		t.Errorf("scale 3 after step 1: status %+v; want the exploding gradient flagged", r.Scene().Status)
	}
	rnn, lstm := mach(start(t, nil)).view(), mach(start(t, lessons.Settings{"cell": "lstm"})).view()
	if lstm.Ratio < 100*rnn.Ratio || rnn.OtherRatio != lstm.Ratio || lstm.OtherRatio != rnn.Ratio {
		t.Errorf("at initialisation: RNN %g (says LSTM %g), LSTM %g (says RNN %g)", rnn.Ratio, rnn.OtherRatio, lstm.Ratio, lstm.OtherRatio)
	}
	first := start(t, nil)
	if sc := first.Scene(); strings.Contains(sc.Narrative, trainer.Num(rnn.Ratio)) || len(panel(t, sc, "gradient through time").Plot.Series[0].X) != 0 {
		t.Error("the intro or the gradient panel gives away the ratio the learner is asked to predict")
	}
	first.Advance(lessons.Step)
	if !strings.Contains(first.Scene().Narrative, "**"+trainer.Num(rnn.Ratio)+"**") {
		t.Error("the first update does not give the live ratio")
	}
}

func TestClippingBoundsTheNormAndContinues(t *testing.T) {
	r := start(t, lessons.Settings{"scale": "3"})
	r.Advance(lessons.Step)
	if restarted, err := r.Set("clip", "1"); err != nil || restarted {
		t.Fatalf("Set clip: restarted %v, err %v", restarted, err)
	}
	r.Advance(lessons.Step)
	m := mach(r)
	if m.after[0] != m.before[0] || m.before[1] <= 1 || math.Abs(m.after[1]-1) > 1e-5 {
		t.Fatalf("norms before %v, after %v; want step 2 clipped to 1", m.before, m.after)
	}
	sc := r.Scene()
	if !strings.Contains(sc.Narrative, "Clipping rescaled the whole gradient to norm 1") {
		t.Fatalf("update narrative:\n%s", sc.Narrative)
	}
	if len(panel(t, sc, "loss").Plot.Series) != 3 {
		t.Fatal("the loss panel does not show the norm after clipping")
	}
	r.Back()
	r.Back()
	if r.Settings()["clip"] != "off" || mach(r).clip != 0 {
		t.Fatal("stepping back over the change did not undo it")
	}
}

func TestTrainingFitsTheWave(t *testing.T) {
	r := start(t, nil)
	r.Advance(lessons.End)
	sc := r.Scene()
	v := mach(r).view()
	if sc.Phase != "finished" || !sc.Status.Finished || v.Loss > 0.005 || v.Loss > v.StartMSE/100 {
		t.Fatalf("after 200 epochs: phase %q, loss %g from %g", sc.Phase, v.Loss, v.StartMSE)
	}
	if !strings.Contains(sc.Narrative, trainer.Num(v.Loss)) || !strings.Contains(sc.Narrative, trainer.Num(v.Sigma)) {
		t.Fatalf("the finished narrative lacks the live loss or σ_max:\n%s", sc.Narrative)
	}
}

// TestScenesAreFinite drives extreme settings: every scene must encode as
// JSON (no NaN or Inf in a panel).
func TestScenesAreFinite(t *testing.T) {
	for _, set := range []lessons.Settings{{"scale": "3", "lr": "1"}, {"cell": "lstm", "scale": "3", "lr": "1", "length": "25"}} {
		r := start(t, set)
		for i := range 25 {
			r.Advance([]lessons.Granularity{lessons.Step, lessons.Op}[i%2])
			if _, err := json.Marshal(r.Scene()); err != nil {
				t.Fatalf("%v, action %d: %v", set, i, err)
			}
		}
	}
}

func TestRewindRestoresTheStep(t *testing.T) {
	r := start(t, lessons.Settings{"length": "10"})
	for range 40 { // into the third step, past snapshots
		r.Advance(lessons.Op)
	}
	want := r.Scene()
	r.Advance(lessons.Step)
	r.Advance(lessons.Op)
	r.Back()
	r.Back()
	if !reflect.DeepEqual(r.Scene(), want) {
		t.Fatal("two steps back does not give the scene before them")
	}
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, set := range []lessons.Settings{{"cell": "transformer"}, {"length": "1"}, {"scale": "-1"}, {"clip": "2"}, {"lr": "0"}} {
		if _, err := lessons.Start(Lesson(), 1, set); err == nil {
			t.Errorf("Start with %v: no error", set)
		}
	}
}
