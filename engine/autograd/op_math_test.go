package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestPowSquareSqrtGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 0, 3, 4)
		pos := uniformParam(rt, "pos", 0.5, 3, shape...)
		a := randParam(rt, "a", shape...)
		nz := awayFromZero(randParam(rt, "nz", shape...), 0.3)
		p := rapid.Float64Range(-2, 3).Draw(rt, "p")
		k := float64(rapid.IntRange(-2, 4).Draw(rt, "k"))
		checkGrad(rt, func(tp *Tape) *Var { return tp.Pow(pos, p) }, pos)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Pow(nz, k) }, nz)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Square(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Sqrt(pos) }, pos)
	})
}

func TestPowValuesAndLocal(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 4, 9}, 3))
	cases := []struct {
		v           *Var
		want, local []float64
	}{
		{tp.Pow(a, 1.5), []float64{1, 8, 27}, []float64{1.5, 3, 4.5}},
		{tp.Square(a), []float64{1, 16, 81}, []float64{2, 8, 18}},
		{tp.Sqrt(a), []float64{1, 2, 3}, []float64{0.5, 0.25, 1.0 / 6}},
	}
	for _, c := range cases {
		for i := range c.want {
			if !near(c.v.Value.Data[i], c.want[i], 1e-15) || !near(c.v.Node().Local(0).Data[i], c.local[i], 1e-15) {
				t.Fatalf("%s: %v local %v, want %v %v", c.v.Node().Label(), c.v.Value, c.v.Node().Local(0), c.want, c.local)
			}
		}
	}
	if l := cases[0].v.Node().Label(); l != "v0 = pow(a, p=1.5)" {
		t.Errorf("label %q", l)
	}
	if s := tp.Sqrt(Const("z", tensor.FromValues([]float64{-1}, 1))); !math.IsNaN(s.Value.Data[0]) {
		t.Errorf("sqrt(-1) = %v, want NaN", s.Value)
	}
}

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
