package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestActivationGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 0, 3, 4)
		a := randParam(rt, "a", shape...)
		a.Value = tensor.Scaled(a.Value, 3)
		kinked := awayFromZero(randParam(rt, "k", shape...), 1e-3)
		slope := rapid.Float64Range(0, 0.5).Draw(rt, "slope")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Sigmoid(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Tanh(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.ReLU(kinked) }, kinked)
		checkGrad(rt, func(tp *Tape) *Var { return tp.LeakyReLU(kinked, slope) }, kinked)
	})
}

func TestActivationValuesAndLocal(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{-1000, -2, 0, 3, 1000}, 5))
	s, th, r, l := tp.Sigmoid(a), tp.Tanh(a), tp.ReLU(a), tp.LeakyReLU(a, 0.1)
	for i, x := range a.Value.Data {
		if want := 1 / (1 + math.Exp(-x)); s.Value.Data[i] != want {
			t.Errorf("sigmoid(%g) = %g, want %g", x, s.Value.Data[i], want)
		}
		y := s.Value.Data[i]
		if s.Node().Local(0).Data[i] != y*(1-y) {
			t.Errorf("sigmoid local at %g", x)
		}
		if y := math.Tanh(x); th.Value.Data[i] != y || th.Node().Local(0).Data[i] != 1-y*y {
			t.Errorf("tanh at %g: %g local %g", x, th.Value.Data[i], th.Node().Local(0).Data[i])
		}
		wr, wl, dr, dl := 0.0, 0.1*x, 0.0, 0.1
		if x > 0 {
			wr, wl, dr, dl = x, x, 1, 1
		}
		if r.Value.Data[i] != wr || l.Value.Data[i] != wl || r.Node().Local(0).Data[i] != dr || l.Node().Local(0).Data[i] != dl {
			t.Errorf("relu/leaky at %g: %g %g", x, r.Value.Data[i], l.Value.Data[i])
		}
	}
	if s.Value.HasNaNOrInf() || s.Value.Data[0] != 0 || s.Value.Data[4] != 1 {
		t.Errorf("sigmoid at ±1000: %v", s.Value)
	}
	if got := l.Node().Label(); got != "v3 = leaky_relu(a, slope=0.1)" {
		t.Errorf("label %q", got)
	}
}
