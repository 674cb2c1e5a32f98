package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestExpLogGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 0, 3, 4)
		a := randParam(rt, "a", shape...)
		pos := uniformParam(rt, "pos", 0.2, 5, shape...)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Exp(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Log(pos) }, pos)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Log(tp.Exp(a)) }, a)
	})
}

func TestExpLogValuesAndLocal(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{0, 1, 2}, 3))
	e := tp.Exp(a)
	l := tp.Log(tp.AddScalar(a, 1))
	for i, x := range a.Value.Data {
		if e.Value.Data[i] != math.Exp(x) || e.Node().Local(0).Data[i] != math.Exp(x) {
			t.Errorf("exp(%g): %g local %g", x, e.Value.Data[i], e.Node().Local(0).Data[i])
		}
		if l.Value.Data[i] != math.Log(x+1) || l.Node().Local(0).Data[i] != 1/(x+1) {
			t.Errorf("log(%g): %g local %g", x+1, l.Value.Data[i], l.Node().Local(0).Data[i])
		}
	}
}
