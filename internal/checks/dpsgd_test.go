package checks

import (
	"strings"
	"testing"
)

// The dpsgd reference against the hand-computed step of dpHand (see its
// comment), and every known mistake changes some answer.
func TestDPSGDReference(t *testing.T) {
	g := dpRun(dpVariant{}, dpHand)
	near(t, "noisyGrad[0]", g[0], 1.4/3, 1e-15)
	near(t, "noisyGrad[1]", g[1], -1.6/3, 1e-15)
	w := dpStep(dpHand.w, g, dpHand.lr)
	near(t, "newW[0]", w[0], 1-0.14/3, 1e-15)
	near(t, "newW[1]", w[1], -1+0.16/3, 1e-15)
	// C = 2 tells σ·z from σ·C·z, which C = 1 cannot.
	wide := dpCase{w: []float64{0.2, -0.4}, grads: [][]float64{{5, 0}, {0, -0.5}, {0.3, 0.4}},
		C: 2, sigma: 1.1, lr: 0.05, z: []float64{-1.5, 0.7}}
	for _, m := range dpMistakes {
		if sameVec(dpRun(m.v, dpHand), g) && sameVec(dpRun(m.v, wide), dpRun(dpVariant{}, wide)) {
			t.Errorf("mistake %q gives the right answer", m.hint)
		}
	}
}

func TestDPSGDCheckPassesTheReference(t *testing.T) {
	ref := func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		k := dpCase{w: w, grads: grads, C: C, sigma: sigma, lr: lr, z: z}
		g := dpRun(dpVariant{}, k)
		return dpStep(w, g, lr), g
	}
	if p := CheckDPSGD(DPSGDImpl{Step: ref}); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	p := CheckDPSGD(DPSGDImpl{Step: func(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) ([]float64, []float64) {
		panic("TODO: implement dpsgd.Step")
	}})
	if len(p) != len(dpsgdCases(DPSGDImpl{})) {
		t.Fatalf("stub: %d problems\n%s", len(p), Summary(p))
	}
	for _, q := range p {
		if q.Kind != NotImplemented || !strings.HasPrefix(q.Message, NotImplementedPrefix+"dpsgd.Step") {
			t.Errorf("[%s] %s %q", q.Check, q.Kind, q.Message)
		}
	}
}
