package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestShapeOpsGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 4, 4)
		a := randParam(rt, "a", shape...)
		axes := rapid.Permutation(iota(len(shape))).Draw(rt, "axes")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Permute(a, axes...) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Reshape(a, -1) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Flatten(a) }, a)
		m := randParam(rt, "m", shapeGen(rt, "mshape", 2, 2, 5)...)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Transpose(m) }, m)
		// Reshape shares data with its input; composing with a later op
		// must still give the right gradient.
		checkGrad(rt, func(tp *Tape) *Var { return tp.Mul(tp.Reshape(a, len(a.Value.Data)), tp.Reshape(a, -1)) }, a)
	})
}

func iota(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestShapeOpsValues(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 2, 3, 4, 5, 6}, 2, 3))
	if p := tp.Permute(a, 1, 0); !slices.Equal(p.Value.Data, []float64{1, 4, 2, 5, 3, 6}) || p.Node().Attrs != "axes=[1 0]" {
		t.Errorf("permute: %v %q", p.Value, p.Node().Attrs)
	}
	r := tp.Reshape(a, 3, -1)
	if !slices.Equal(r.Value.Shape, []int{3, 2}) || r.Node().Label() != "v1 = reshape(a, shape=[3 2])" {
		t.Errorf("reshape: %v %q", r.Value.Shape, r.Node().Label())
	}
	if f := tp.Flatten(NewParam("x", tensor.New(2, 3, 4))); !slices.Equal(f.Value.Shape, []int{2, 12}) {
		t.Errorf("flatten: %v", f.Value.Shape)
	}
}

func TestShapeOpsPanics(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.New(2, 3))
	mustPanic(t, func() { tp.Reshape(a, 4, 2) }, "Reshape", "[2 3]", "[4 2]")
	mustPanic(t, func() { tp.Permute(a, 0, 0) }, "Permute", "[0 0]", "[2 3]")
	mustPanic(t, func() { tp.Transpose(NewParam("v", tensor.New(3))) }, "Transpose", "[3]")
	mustPanic(t, func() { tp.Flatten(NewParam("s", tensor.Scalar(1))) }, "Flatten")
}
