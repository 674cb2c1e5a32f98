package checks

import (
	"math"
	"strings"
	"testing"
)

// The layernorm check's reference: each row of x̂ has mean 0 and variance
// σ²/(σ²+ε); the backward pass agrees with finite differences of the
// forward one; every known mistake changes what it claims to.
func TestLayerNormReference(t *testing.T) {
	// Row 0 of the hand case: μ = 3, σ² = (4+1+0+9)/4 = 3.5.
	xh, inv := lnHand.normalize(lnVariant{})
	near(t, "1/σ row 0", inv[0], 1/math.Sqrt(3.6), 1e-15)
	near(t, "x̂[0][0]", xh[0][0], -2/math.Sqrt(3.6), 1e-15)
	for i, row := range xh {
		m, v := 0.0, 0.0
		for _, x := range row {
			m += x / 4
		}
		for _, x := range row {
			v += (x - m) * (x - m) / 4
		}
		s2 := 1/(inv[i]*inv[i]) - lnHand.eps
		near(t, "mean of x̂", m, 0, 1e-15)
		near(t, "variance of x̂", v, s2/(s2+lnHand.eps), 1e-14)
	}

	for _, l := range []lnCase{lnHand, randomLN(newRand(99), 3, 5, 1e-2)} {
		want := l.backward(lnVariant{})
		x, gamma, beta := convClone(l.x), append([]float64(nil), l.gamma...), append([]float64(nil), l.beta...)
		loss := func() float64 {
			c := lnCase{x: x, gamma: gamma, beta: beta, eps: l.eps}
			y := c.forward(lnVariant{})
			s := 0.0
			for i := range y {
				for j := range y[i] {
					s += l.dy[i][j] * y[i][j]
				}
			}
			return s
		}
		var fdx [][]float64
		for _, r := range x {
			fdx = append(fdx, centralDiff(loss, r))
		}
		fd := lnGrads{dx: fdx, dgamma: centralDiff(loss, gamma), dbeta: centralDiff(loss, beta)}
		for _, part := range lnParts {
			for i, v := range want.flat(part) {
				near(t, part, fd.flat(part)[i], v, 1e-7)
			}
		}
	}

	right := convFlat(lnHand.forward(lnVariant{}))
	for _, m := range lnForwardMistakes {
		if sameVec(convFlat(lnHand.forward(m.v)), right) {
			t.Errorf("Forward mistake %q gives the right answer", m.hint)
		}
	}
	an := lnHand.backward(lnVariant{})
	for _, m := range lnBackMistakes {
		w, same := lnHand.backward(m.v), true
		for _, part := range lnParts {
			same = same && sameVec(w.flat(part), an.flat(part))
		}
		if same {
			t.Errorf("Backward mistake %q gives the right answer", m.hint)
		}
	}
}

func TestLayerNormCheckPassesTheReference(t *testing.T) {
	impl := LayerNormImpl{
		Forward: func(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
			return lnCase{x: x, gamma: gamma, beta: beta, eps: eps}.forward(lnVariant{})
		},
		Backward: func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
			g := lnCase{x: x, gamma: gamma, eps: eps, dy: dy}.backward(lnVariant{})
			return g.dx, g.dgamma, g.dbeta
		},
	}
	if p := CheckLayerNorm(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Forward = func(x [][]float64, gamma, beta []float64, eps float64) [][]float64 {
		panic("TODO: implement layernorm.Forward")
	}
	p := CheckLayerNorm(impl)
	if len(p) != 5 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"layernorm.Forward") {
		t.Fatalf("stub Forward: %d problems\n%s", len(p), Summary(p))
	}
}
