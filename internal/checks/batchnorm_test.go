package checks

import (
	"strings"
	"testing"
)

// The batchnorm check's reference: the running statistics worked out by
// hand, the backward pass against finite differences of the training
// forward pass, and every known mistake changing what it claims to.
func TestBatchNormReference(t *testing.T) {
	// Column 0 of the hand batch: 1, 3, −1, 5: μ = 2, σ² = 5, unbiased 20/3.
	_, nm, nv := bnHand.train(bnVariant{})
	near(t, "newMean[0]", nm[0], 0.9*0.5+0.1*2, 1e-15)
	near(t, "newVar[0]", nv[0], 0.9*2+0.1*20.0/3, 1e-15)
	y := bnHand.eval(bnVariant{})
	near(t, "eval y[0][0]", y[0][0], 1*(1-0.5)/1.449137674618944+0.5, 1e-12) // √2.1

	for _, b := range []bnCase{bnHand, randomBN(newRand(99), 5, 3, 0.1, 1e-2)} {
		want := b.backward(bnVariant{})
		c := b
		c.rows, c.gamma, c.beta = convClone(b.rows), append([]float64(nil), b.gamma...), append([]float64(nil), b.beta...)
		loss := func() float64 {
			y, _, _ := c.train(bnVariant{})
			s := 0.0
			for i := range y {
				for j := range y[i] {
					s += b.dy[i][j] * y[i][j]
				}
			}
			return s
		}
		var fdx [][]float64
		for _, r := range c.rows {
			fdx = append(fdx, centralDiff(loss, r))
		}
		fd := lnGrads{dx: fdx, dgamma: centralDiff(loss, c.gamma), dbeta: centralDiff(loss, c.beta)}
		for _, part := range lnParts {
			for i, v := range want.flat(part) {
				near(t, part, fd.flat(part)[i], v, 1e-7)
			}
		}
	}

	ry, rm, rv := bnHand.train(bnVariant{})
	for _, m := range bnTrainMistakes {
		my, mm, mv := bnHand.train(m.v)
		if sameVec(convFlat(my), convFlat(ry)) && sameVec(mm, rm) && sameVec(mv, rv) {
			t.Errorf("TrainForward mistake %q gives the right answer", m.hint)
		}
	}
	for _, m := range bnEvalMistakes {
		if sameVec(convFlat(bnHand.eval(m.v)), convFlat(bnHand.eval(bnVariant{}))) {
			t.Errorf("EvalForward mistake %q gives the right answer", m.hint)
		}
	}
	an := bnHand.backward(bnVariant{})
	for _, m := range bnBackMistakes {
		w, same := bnHand.backward(m.v), true
		for _, part := range lnParts {
			same = same && sameVec(w.flat(part), an.flat(part))
		}
		if same {
			t.Errorf("Backward mistake %q gives the right answer", m.hint)
		}
	}
}

func TestBatchNormCheckPassesTheReference(t *testing.T) {
	impl := BatchNormImpl{
		TrainForward: func(x [][]float64, gamma, beta, runMean, runVar []float64, momentum, eps float64) ([][]float64, []float64, []float64) {
			return bnCase{rows: x, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar, momentum: momentum, eps: eps}.train(bnVariant{})
		},
		EvalForward: func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
			return bnCase{rows: x, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar, eps: eps}.eval(bnVariant{})
		},
		Backward: func(x [][]float64, gamma []float64, eps float64, dy [][]float64) ([][]float64, []float64, []float64) {
			g := bnCase{rows: x, gamma: gamma, eps: eps, dy: dy}.backward(bnVariant{})
			return g.dx, g.dgamma, g.dbeta
		},
	}
	if p := CheckBatchNorm(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.EvalForward = func(x [][]float64, gamma, beta, runMean, runVar []float64, eps float64) [][]float64 {
		panic("TODO: implement batchnorm.EvalForward")
	}
	p := CheckBatchNorm(impl)
	if len(p) != 2 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"batchnorm.EvalForward") {
		t.Fatalf("stub EvalForward: %d problems\n%s", len(p), Summary(p))
	}
}
