package checks

import (
	"math"
	"strings"
	"testing"
)

// The intgrad reference against numbers worked out independently (in
// plain Python, the gradient by central differences), and every known
// mistake changes the attributions of the random models.
func TestIntGradReference(t *testing.T) {
	g := igHand
	near(t, "f(x)", g.f(g.x), 0.15876833765078463, 1e-15)
	near(t, "f(x′)", g.f(g.x0), 0.9684067082454004, 1e-15)
	for i, want := range []float64{1.015587456798528, -0.6372416959110616, 0.3704000349769032} {
		near(t, "grad", g.grad(g.x)[i], want, 1e-9)
	}
	attr := g.attr(igVariant{}, 2)
	for i, want := range []float64{0.7823875463941476, -0.45156284006475644, -0.6789378480087649} {
		near(t, "attr (m = 2)", attr[i], want, 1e-9)
	}
	near(t, "gap (m = 2)", g.gapOf(attr), 0.46152522891524206, 1e-9)

	// Completeness: the right Riemann sum's gap shrinks like 1/m.
	r := randomIG(newRand(7), 4, 3)
	g1000 := math.Abs(r.gapOf(r.attr(igVariant{}, 1000)))
	if g10 := math.Abs(r.gapOf(r.attr(igVariant{}, 10))); !(g1000 < g10/50) {
		t.Errorf("gap at m = 10: %g, at m = 1000: %g; want about 100 times smaller", g10, g1000)
	}
	for _, mk := range igMistakes {
		if sameVec(r.attr(mk.v, 7), r.attr(igVariant{}, 7)) {
			t.Errorf("mistake %q gives the right attributions", mk.hint)
		}
	}
}

func TestIntGradCheckPassesTheReference(t *testing.T) {
	model := func(W1 [][]float64, b1, w2 []float64, b2 float64, x, x0 []float64) igModel {
		return igModel{W1: W1, b1: b1, w2: w2, b2: b2, x: x, x0: x0}
	}
	impl := IntGradImpl{
		Forward: func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 {
			return model(W1, b1, w2, b2, x, nil).f(x)
		},
		Gradient: func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 {
			return model(W1, b1, w2, b2, x, nil).grad(x)
		},
		IntegratedGradients: func(W1 [][]float64, b1, w2 []float64, b2 float64, x, x0 []float64, m int) ([]float64, float64) {
			g := model(W1, b1, w2, b2, x, x0)
			a := g.attr(igVariant{}, m)
			return a, g.gapOf(a)
		},
	}
	if p := CheckIntGrad(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	stub := IntGradImpl{
		Forward: func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) float64 {
			panic("TODO: implement intgrad.Forward")
		},
		Gradient: func(W1 [][]float64, b1, w2 []float64, b2 float64, x []float64) []float64 {
			panic("TODO: implement intgrad.Gradient")
		},
		IntegratedGradients: func(W1 [][]float64, b1, w2 []float64, b2 float64, x, x0 []float64, m int) ([]float64, float64) {
			panic("TODO: implement intgrad.IntegratedGradients")
		},
	}
	p := CheckIntGrad(stub)
	if len(p) != len(intgradCases(IntGradImpl{})) {
		t.Fatalf("stubs: %d problems\n%s", len(p), Summary(p))
	}
	for _, q := range p {
		if q.Kind != NotImplemented || !strings.HasPrefix(q.Message, NotImplementedPrefix+"intgrad.") {
			t.Errorf("[%s] %s %q", q.Check, q.Kind, q.Message)
		}
	}
}
