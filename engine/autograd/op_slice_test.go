package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestSliceSelectGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 3, 4)
		a := randParam(rt, "a", shape...)
		ax := rapid.IntRange(0, len(shape)-1).Draw(rt, "axis")
		start := rapid.IntRange(0, shape[ax]).Draw(rt, "start")
		end := rapid.IntRange(start, shape[ax]).Draw(rt, "end")
		i := rapid.IntRange(0, shape[ax]-1).Draw(rt, "i")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Slice(a, ax, start, end) }, a)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Select(a, ax-len(shape), i) }, a)
	})
}

func TestSliceSelectValues(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 2, 3, 4, 5, 6}, 2, 3))
	s := tp.Slice(a, 1, 1, 3)
	if !slices.Equal(s.Value.Data, []float64{2, 3, 5, 6}) || s.Node().Attrs != "axis=1, 1:3" {
		t.Errorf("slice: %v %q", s.Value, s.Node().Attrs)
	}
	c := tp.Select(a, -1, 2)
	if !slices.Equal(c.Value.Data, []float64{3, 6}) || !slices.Equal(c.Value.Shape, []int{2}) {
		t.Errorf("select: %v", c.Value)
	}
}

func TestSliceSelectPanics(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.New(2, 3))
	mustPanic(t, func() { tp.Slice(a, 1, 2, 4) }, "Slice", "2:4", "[2 3]")
	mustPanic(t, func() { tp.Select(a, 0, 2) }, "Select", "index 2", "[2 3]")
	mustPanic(t, func() { tp.Select(a, 2, 0) }, "Select", "axis 2", "[2 3]")
}
