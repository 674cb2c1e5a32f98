package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestGradCheckCatchesWrongBackward makes sure the checker the op tests
// rely on fails on a wrong backward rule: an op computing 2a but sending
// back 3g.
func TestGradCheckCatchesWrongBackward(t *testing.T) {
	a := NewParam("a", tensor.FromValues([]float64{1, 2}, 2))
	wrong := func(tp *Tape) *Var {
		out := tensor.Scaled(a.Value, 2)
		y := tp.record("double", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
			return []*tensor.Tensor{tensor.Scaled(g, 3)}
		}, nil)
		return tp.Sum(y)
	}
	res := GradCheck(wrong, []*Var{a}, 1e-6)
	if res.MaxRelErr < 0.3 || res.Worst != "a" || res.Analytic != 3 {
		t.Errorf("GradCheck missed a wrong gradient: %v", res)
	}
	right := func(tp *Tape) *Var { return tp.Sum(tp.Scale(a, 2)) }
	if res := GradCheck(right, []*Var{a}, 1e-6); res.MaxRelErr > 1e-9 {
		t.Errorf("GradCheck flags a right gradient: %v", res)
	}
	mustPanic(t, func() { GradCheck(func(tp *Tape) *Var { return tp.Scale(a, 2) }, []*Var{a}, 1e-6) }, "GradCheck", "[2]")
}
