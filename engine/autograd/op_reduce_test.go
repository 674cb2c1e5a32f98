package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// distinctParam returns a parameter whose elements are a random
// permutation of 0, 0.1, 0.2, …, so maxima are unique and at least 0.1
// from the runner-up: finite differences never cross the kink of max.
func distinctParam(rt *rapid.T, name string, shape ...int) *Var {
	n := tensor.Size(shape)
	perm := rapid.Permutation(iota(n)).Draw(rt, name+".perm")
	v := tensor.New(shape...)
	for i, p := range perm {
		v.Data[i] = 0.1*float64(p) - 0.05*float64(n)
	}
	return NewParam(name, v)
}

func TestReduceGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 3, 4)
		a := randParam(rt, "a", shape...)
		d := distinctParam(rt, "d", shape...)
		axis := rapid.IntRange(-len(shape), len(shape)-1).Draw(rt, "axis")
		keep := rapid.Bool().Draw(rt, "keepdims")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Sum(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Mean(a) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.SumAxis(a, axis, keep) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.MeanAxis(a, axis, keep) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Max(d) }, d)
		checkGrad(rt, func(tp *Tape) *Var { return tp.MaxAxis(d, axis, keep) }, d)
	})
}

func TestReduceValues(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 5, 3, 4, 2, 6}, 2, 3))
	cases := []struct {
		v     *Var
		shape []int
		want  []float64
		attrs string
	}{
		{tp.Sum(a), []int{}, []float64{21}, ""},
		{tp.Mean(a), []int{}, []float64{3.5}, ""},
		{tp.Max(a), []int{}, []float64{6}, ""},
		{tp.SumAxis(a, 0, false), []int{3}, []float64{5, 7, 9}, "axis=0"},
		{tp.MeanAxis(a, -1, true), []int{2, 1}, []float64{3, 4}, "axis=1, keepdims"},
		{tp.MaxAxis(a, 1, false), []int{2}, []float64{5, 6}, "axis=1"},
		{tp.MaxAxis(a, 0, true), []int{1, 3}, []float64{4, 5, 6}, "axis=0, keepdims"},
	}
	for _, c := range cases {
		if !slices.Equal(c.v.Value.Shape, c.shape) || !slices.Equal(c.v.Value.Data, c.want) || c.v.Node().Attrs != c.attrs {
			t.Errorf("%s: %v, want shape %v values %v", c.v.Node().Label(), c.v.Value, c.shape, c.want)
		}
	}
	// Ties: the gradient goes to the first maximum only.
	b := NewParam("b", tensor.FromValues([]float64{2, 7, 7}, 3))
	tp.Backward(tp.Max(b))
	if !slices.Equal(b.Grad.Data, []float64{0, 1, 0}) {
		t.Errorf("max tie gradient %v", b.Grad)
	}
}

func TestReducePanics(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.New(2, 3))
	mustPanic(t, func() { tp.SumAxis(a, 2, false) }, "SumAxis", "axis 2", "[2 3]")
	mustPanic(t, func() { tp.MaxAxis(a, -3, false) }, "MaxAxis", "axis -3", "[2 3]")
	mustPanic(t, func() { tp.MeanAxis(NewParam("e", tensor.New(2, 0)), 1, false) }, "MeanAxis", "[2 0]")
	mustPanic(t, func() { tp.Max(NewParam("e", tensor.New(0))) }, "Max", "[0]")
}
