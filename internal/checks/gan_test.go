package checks

import (
	"math"
	"testing"
)

// The references of the gan check against numbers worked out by hand:
// σ(0) = ½, σ(ln 3) = ¾, σ(−ln 3) = ¼, and softplus(±1000) is 1000 or 0.
func TestGANReference(t *testing.T) {
	ln3 := math.Log(3)
	near(t, "L_D([0], [0])", ganDLoss([]float64{0}, []float64{0}), 2*math.Ln2, 1e-15)
	near(t, "L_D([ln 3], [−ln 3])", ganDLoss([]float64{ln3}, []float64{-ln3}), 2*math.Log(4.0/3), 1e-15)
	near(t, "L_D([0 ln 3], [0])", ganDLoss([]float64{0, ln3}, []float64{0}), (math.Ln2+math.Log(4.0/3))/2+math.Ln2, 1e-15)
	near(t, "L_D([1000 −40 800], [−1000 40])", ganDLoss([]float64{1000, -40, 800}, []float64{-1000, 40}), 40.0/3+20, 1e-15)
	near(t, "L_D([−1000], [1000])", ganDLoss([]float64{-1000}, []float64{1000}), 2000, 0)
	near(t, "L_D([1000], [−1000])", ganDLoss([]float64{1000}, []float64{-1000}), 0, 0)
	near(t, "L_G([0])", ganGLoss([]float64{0}), math.Ln2, 1e-15)
	near(t, "L_G([−1000 1000 −40])", ganGLoss([]float64{-1000, 1000, -40}), 1040.0/3, 1e-15)
	dr, df := ganDGrad([]float64{0, ln3}, []float64{0, -ln3})
	for i, want := range []float64{-0.25, -0.125} {
		near(t, "dReal", dr[i], want, 1e-15)
	}
	for i, want := range []float64{0.25, 0.125} {
		near(t, "dFake", df[i], want, 1e-15)
	}
	g := ganGGrad([]float64{ln3, -1000, 1000})
	for i, want := range []float64{-0.25 / 3, -1.0 / 3, 0} {
		near(t, "∂L_G", g[i], want, 1e-15)
	}
	// The checks' hand cases tell every known mistake from the truth.
	real, fake := []float64{0, ln3}, []float64{0}
	for _, m := range dLossMistakes(real, fake) {
		if sameVec(m.vals, []float64{ganDLoss(real, fake)}) {
			t.Errorf("loss mistake %q gives the right answer", m.hint)
		}
	}
	fake = []float64{2, -0.5, 1, -3}
	for _, m := range gLossMistakes(fake) {
		if sameVec(m.vals, []float64{ganGLoss(fake)}) {
			t.Errorf("generator loss mistake %q gives the right answer", m.hint)
		}
	}
	real, fake = []float64{0, ln3, -2}, []float64{0, -ln3}
	wr, wf := ganDGrad(real, fake)
	for _, m := range dGradMistakes(real, fake) {
		if sameVec(m.vals, append(append([]float64(nil), wr...), wf...)) {
			t.Errorf("gradient mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range gGradMistakes(real) {
		if sameVec(m.vals, ganGGrad(real)) {
			t.Errorf("generator gradient mistake %q gives the right answer", m.hint)
		}
	}
}

func TestGANCheckPassesTheReference(t *testing.T) {
	impl := GANImpl{DiscriminatorLoss: ganDLoss, GeneratorLoss: ganGLoss, DiscriminatorGrad: ganDGrad, GeneratorGrad: ganGGrad}
	if p := CheckGAN(impl); len(p) > 0 {
		t.Errorf("the reference fails its own check:\n%s", Summary(p))
	}
}

func TestGANStubIsNotImplemented(t *testing.T) {
	stub := func(name string) func() { return func() { panic("TODO: implement gan." + name) } }
	impl := GANImpl{
		DiscriminatorLoss: func([]float64, []float64) float64 { stub("DiscriminatorLoss")(); return 0 },
		GeneratorLoss:     func([]float64) float64 { stub("GeneratorLoss")(); return 0 },
		DiscriminatorGrad: func([]float64, []float64) ([]float64, []float64) { stub("DiscriminatorGrad")(); return nil, nil },
		GeneratorGrad:     func([]float64) []float64 { stub("GeneratorGrad")(); return nil },
	}
	problems := CheckGAN(impl)
	if len(problems) != 11 {
		t.Fatalf("%d problems, want one per case:\n%s", len(problems), Summary(problems))
	}
	for _, p := range problems {
		if p.Kind != NotImplemented {
			t.Errorf("[%s] %s: %s", p.Check, p.Kind, p.Message)
		}
	}
}
