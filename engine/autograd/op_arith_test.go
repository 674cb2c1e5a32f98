package autograd

import (
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestArithGrad(t *testing.T) {
	ops := map[string]func(tp *Tape, a, b *Var) *Var{
		"add": (*Tape).Add, "sub": (*Tape).Sub, "mul": (*Tape).Mul, "div": (*Tape).Div,
	}
	for name, op := range ops {
		t.Run(name, rapid.MakeCheck(func(rt *rapid.T) {
			sa, sb := broadcastPair(rt)
			a := randParam(rt, "a", sa...)
			b := awayFromZero(randParam(rt, "b", sb...), 0.5)
			checkGrad(rt, func(tp *Tape) *Var { return op(tp, a, b) }, a, b)
		}))
	}
}

// TestArithBroadcastCases checks the broadcasting cases named in the
// design explicitly, on top of the random shapes above.
func TestArithBroadcastCases(t *testing.T) {
	cases := [][2][]int{{{3, 1}, {1, 4}}, {{2, 3}, {3}}, {{}, {5}}, {{5}, {}}, {{2, 1, 3}, {4, 1}}, {{4, 1}, {4, 3}}}
	rng := tensor.NewRNG(1)
	for _, c := range cases {
		a := NewParam("a", tensor.RandN(rng, c[0]...))
		b := awayFromZero(NewParam("b", tensor.RandN(rng, c[1]...)), 0.5)
		for _, op := range []func(tp *Tape, a, b *Var) *Var{(*Tape).Add, (*Tape).Sub, (*Tape).Mul, (*Tape).Div} {
			checkGrad(t, func(tp *Tape) *Var { return op(tp, a, b) }, a, b)
		}
	}
}

func TestUnaryArithGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a := randParam(rt, "a", shapeGen(rt, "shape", 0, 3, 4)...)
		c := rapid.Float64Range(-3, 3).Draw(rt, "c")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Neg(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Scale(a, c) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.AddScalar(a, c) }, a)
	})
}

func TestArithValuesAndLocal(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 2, 3, 4, 5, 6}, 2, 3))
	b := NewParam("b", tensor.FromValues([]float64{2, 4}, 2, 1))
	for _, c := range []struct {
		v            *Var
		want, la, lb []float64
	}{
		{tp.Add(a, b), []float64{3, 4, 5, 8, 9, 10}, []float64{1, 1, 1, 1, 1, 1}, []float64{1, 1, 1, 1, 1, 1}},
		{tp.Sub(a, b), []float64{-1, 0, 1, 0, 1, 2}, []float64{1, 1, 1, 1, 1, 1}, []float64{-1, -1, -1, -1, -1, -1}},
		{tp.Mul(a, b), []float64{2, 4, 6, 16, 20, 24}, []float64{2, 2, 2, 4, 4, 4}, []float64{1, 2, 3, 4, 5, 6}},
		{tp.Div(a, b), []float64{0.5, 1, 1.5, 1, 1.25, 1.5}, []float64{0.5, 0.5, 0.5, 0.25, 0.25, 0.25},
			[]float64{-0.25, -0.5, -0.75, -0.25, -0.3125, -0.375}},
	} {
		n := c.v.Node()
		for i, w := range c.want {
			if c.v.Value.Data[i] != w || n.Local(0).Data[i] != c.la[i] || n.Local(1).Data[i] != c.lb[i] {
				t.Fatalf("%s: value %v local %v %v, want %v %v %v", n.Label(), c.v.Value, n.Local(0), n.Local(1), c.want, c.la, c.lb)
			}
		}
	}
	if l := tp.Scale(a, 3).Node().Label(); l != "v4 = scale(a, c=3)" {
		t.Errorf("label %q", l)
	}
}

func TestArithShapePanics(t *testing.T) {
	tp := NewTape()
	a, b := NewParam("a", tensor.New(2, 3)), NewParam("b", tensor.New(4))
	mustPanic(t, func() { tp.Add(a, b) }, "Add", "[2 3]", "[4]")
	mustPanic(t, func() { tp.Sub(a, b) }, "Sub", "[2 3]", "[4]")
	mustPanic(t, func() { tp.Mul(a, b) }, "Mul", "[2 3]", "[4]")
	mustPanic(t, func() { tp.Div(a, b) }, "Div", "[2 3]", "[4]")
}
