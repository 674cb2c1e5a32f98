package gan

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's gan exercise, written here (in this process: the harness
// is tested in lessons/mine).

func meanOf(v []float64, f func(float64) float64) float64 {
	s := 0.0
	for _, x := range v {
		s += f(x)
	}
	return s / float64(len(v))
}

func scaled(v []float64, f func(float64) float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = f(x) / float64(len(v))
	}
	return out
}

func negSoftplus(x float64) float64   { return softplus(-x) }
func sigmoidMinus1(x float64) float64 { return sigmoid(x) - 1 }

func rightGAN() *checks.GANImpl {
	return &checks.GANImpl{
		DiscriminatorLoss: func(real, fake []float64) float64 { return meanOf(real, negSoftplus) + meanOf(fake, softplus) },
		GeneratorLoss:     func(fake []float64) float64 { return meanOf(fake, negSoftplus) },
		DiscriminatorGrad: func(real, fake []float64) ([]float64, []float64) {
			return scaled(real, sigmoidMinus1), scaled(fake, sigmoid)
		},
		GeneratorGrad: func(fake []float64) []float64 { return scaled(fake, sigmoidMinus1) },
	}
}

func mineRun(t *testing.T, impl *checks.GANImpl, set lessons.Settings) *lessons.Run {
	t.Helper()
	r := start(t, set)
	r.SetMine(&lessons.Mine{Impls: map[string]any{"gan": impl}})
	return r
}

func sameWeights(t *testing.T, a, b *machine) {
	t.Helper()
	for k, ps := range [][2][][]float64{{values(a.gParams), values(b.gParams)}, {values(a.dParams), values(b.dParams)}} {
		for i := range ps[0] {
			for j := range ps[0][i] {
				if d := math.Abs(ps[0][i][j] - ps[1][i][j]); d > 1e-9 {
					t.Fatalf("network %d, parameter %d[%d]: %v, the engine's %v", k, i, j, ps[0][i][j], ps[1][i][j])
				}
			}
		}
	}
}

func TestMineTrainsLikeTheEngine(t *testing.T) {
	for _, set := range []lessons.Settings{{"steps": "25", "width": "16"}, {"steps": "6", "width": "16", "dsteps": "2", "gloss": Saturating}} {
		r, eng := mineRun(t, rightGAN(), set), start(t, set)
		r.Advance(lessons.End)
		eng.Advance(lessons.End)
		sameWeights(t, mach(r), mach(eng))
		rep := mach(r).MineReport()
		// The backward pass meets the fake half of L_D first (recorded last).
		want := []string{"L_D = bce(D(x), 1) + bce(D(G(z)), 0)", "∂L_D/∂ D(G(z)) logits", "∂L_D/∂ D(x) logits", "L_G = bce(D(G(z)), 1)", "∂L_G/∂ D(G(z)) logits"}
		if set["dsteps"] == "2" {
			// Two D steps, then a saturating G loss, which has no exercise.
			want = []string{"D step 1: " + want[0], "D step 1: " + want[1], "D step 1: " + want[2],
				"D step 2: " + want[0], "D step 2: " + want[1], "D step 2: " + want[2]}
		}
		if rep.Stopped() || rep.Step != mach(r).step || len(rep.Checks) != len(want) {
			t.Fatalf("%v: report %+v", set, rep)
		}
		for i, c := range rep.Checks {
			if c.Node != want[i] || !c.OK || c.Used != c.Total || c.Used == 0 || (c.Total != 1 && c.Total != Batch) {
				t.Errorf("%v: check %+v, want %s used", set, c, want[i])
			}
		}
		got, wantSc := r.Scene(), eng.Scene()
		if got.Pos != wantSc.Pos || got.Goal.Measure != wantSc.Goal.Measure {
			t.Errorf("%v: mine run at %+v %s, the engine's at %+v %s", set, got.Pos, got.Goal.Measure, wantSc.Pos, wantSc.Goal.Measure)
		}
	}
}

// The learner's values are the ones the step goes on with: a loss off by
// less than the tolerance is the loss shown.
func TestMineTrainsWithYours(t *testing.T) {
	im := rightGAN()
	right := im.DiscriminatorLoss
	im.DiscriminatorLoss = func(real, fake []float64) float64 { return right(real, fake) + 5e-10 }
	r := mineRun(t, im, lessons.Settings{"width": "16"})
	r.Advance(lessons.Step)
	m := mach(r)
	if want := right(m.live.realLogits, m.live.fakeLogits); m.cur.LossD != m.hist.lossD[0] || m.hist.lossD[0] == want {
		t.Fatalf("L_D %v, the engine's %v", m.hist.lossD[0], want)
	}
}

// Stepping back restores a snapshot with its report, and the run goes on
// as one that never went back.
func TestMineStepsBack(t *testing.T) {
	set := lessons.Settings{"steps": "40", "width": "16"}
	r, eng := mineRun(t, rightGAN(), set), start(t, set)
	for range 30 {
		r.Advance(lessons.Step)
	}
	for range 12 {
		r.Back()
	}
	if rep := mach(r).MineReport(); rep == nil || rep.Step != 18 {
		t.Fatalf("report after stepping back to step 18: %+v", rep)
	}
	r.Advance(lessons.End)
	eng.Advance(lessons.End)
	sameWeights(t, mach(r), mach(eng))
}

func TestMineStopsAtTheWrongOp(t *testing.T) {
	for _, c := range []struct {
		name  string
		wrong func(*checks.GANImpl)
		op    int // ops of the step revealed
		node  string
		says  string
		hint  string // in the diagnosis
	}{
		{"D grad without 1/n", func(im *checks.GANImpl) {
			im.DiscriminatorGrad = func(real, fake []float64) ([]float64, []float64) {
				dr, df := rightGAN().DiscriminatorGrad(real, fake)
				for i := range dr {
					dr[i] *= float64(len(dr))
				}
				return dr, df
			}
		}, 3, "∂L_D/∂ D(x) logits", "[0]", ""},
		{"D loss with the labels swapped", func(im *checks.GANImpl) {
			im.DiscriminatorLoss = func(real, fake []float64) float64 { return meanOf(real, softplus) + meanOf(fake, negSoftplus) }
		}, 3, "L_D = bce(D(x), 1) + bce(D(G(z)), 0)", "", "labels are swapped"},
		{"G loss saturating", func(im *checks.GANImpl) {
			im.GeneratorLoss = func(fake []float64) float64 { return -meanOf(fake, softplus) }
		}, 4, "L_G = bce(D(G(z)), 1)", "", "saturating loss"},
		{"G grad short", func(im *checks.GANImpl) {
			im.GeneratorGrad = func(fake []float64) []float64 { return scaled(fake[:3], sigmoidMinus1) }
		}, 5, "∂L_G/∂ D(G(z)) logits", "returned 3 values for 64 logits", ""},
		{"D grad panics", func(im *checks.GANImpl) {
			im.DiscriminatorGrad = func(real, fake []float64) ([]float64, []float64) { panic("TODO: implement gan.DiscriminatorGrad") }
		}, 3, "∂L_D/∂ D(x) logits", "panic: TODO", ""},
		{"G grad of the saturating loss", func(im *checks.GANImpl) {
			im.GeneratorGrad = func(fake []float64) []float64 { return scaled(fake, func(l float64) float64 { return -sigmoid(l) }) }
		}, 5, "∂L_G/∂ D(G(z)) logits", "[0]", "saturating loss"},
	} {
		t.Run(c.name, func(t *testing.T) {
			im := rightGAN()
			c.wrong(im)
			r := mineRun(t, im, lessons.Settings{"width": "16"})
			before := values(mach(r).dParams)
			r.Advance(lessons.End)
			m := mach(r)
			rep := m.MineReport()
			if !rep.Stopped() || rep.Step != 1 || !r.Done() || m.ops != c.op || m.step != 0 {
				t.Fatalf("report %+v, %d ops of step %d", rep, m.ops, m.step+1)
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || !strings.Contains(first.Index+" "+first.Problem, c.says) || !strings.Contains(first.Diagnosis, c.hint) {
				t.Errorf("first failure %+v, want %s at %q", first, c.node, c.says)
			}
			if c.op == 3 {
				for i, v := range values(m.dParams) {
					for j := range v {
						if v[j] != before[i][j] {
							t.Fatalf("D was updated although its step stopped")
						}
					}
				}
			}
			sc := r.Scene()
			if want := []string{"", "", "", "D update", "G forward", "G update"}[c.op]; sc.Phase != want {
				t.Errorf("phase %q, want %q (the op revealed)", sc.Phase, want)
			}
			if sc.Question != nil || !strings.Contains(sc.Status.Message, c.node) {
				t.Errorf("question %v, status %q", sc.Question, sc.Status.Message)
			}
		})
	}
}
