package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestConcatStackGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 3, 3)
		axis := rapid.IntRange(-len(shape), len(shape)-1).Draw(rt, "axis")
		ax := (axis + len(shape)) % len(shape)
		k := rapid.IntRange(1, 3).Draw(rt, "k")
		var vs []*Var
		for i := range k {
			s := slices.Clone(shape)
			s[ax] = rapid.IntRange(0, 3).Draw(rt, "size")
			vs = append(vs, randParam(rt, "v"+string(rune('0'+i)), s...))
		}
		checkGrad(rt, func(tp *Tape) *Var { return tp.Concat(axis, vs...) }, vs...)
		var same []*Var
		for i := range k {
			same = append(same, randParam(rt, "s"+string(rune('0'+i)), shape...))
		}
		sax := rapid.IntRange(-len(shape)-1, len(shape)).Draw(rt, "stackAxis")
		checkGrad(rt, func(tp *Tape) *Var { return tp.Stack(sax, same...) }, same...)
		// A constant among the inputs takes no gradient.
		c := Const("c", tensor.New(shape...))
		checkGrad(rt, func(tp *Tape) *Var { return tp.Stack(sax, append([]*Var{c}, same...)...) }, same...)
	})
}

func TestConcatStackValues(t *testing.T) {
	tp := NewTape()
	a := NewParam("a", tensor.FromValues([]float64{1, 2, 3, 4}, 2, 2))
	b := NewParam("b", tensor.FromValues([]float64{5, 6}, 2, 1))
	c := tp.Concat(1, a, b)
	if !slices.Equal(c.Value.Data, []float64{1, 2, 5, 3, 4, 6}) || !slices.Equal(c.Value.Shape, []int{2, 3}) {
		t.Errorf("concat: %v", c.Value)
	}
	if c.Node().Label() != "v0 = concat(a, b, axis=1)" {
		t.Errorf("label %q", c.Node().Label())
	}
	s := tp.Stack(1, a, a)
	if !slices.Equal(s.Value.Shape, []int{2, 2, 2}) || !slices.Equal(s.Value.Data, []float64{1, 2, 1, 2, 3, 4, 3, 4}) {
		t.Errorf("stack: %v", s.Value)
	}
}

func TestConcatStackPanics(t *testing.T) {
	tp := NewTape()
	a, b := NewParam("a", tensor.New(2, 3)), NewParam("b", tensor.New(3, 3))
	mustPanic(t, func() { tp.Concat(1, a, b) }, "Concat", "[2 3]", "[3 3]")
	mustPanic(t, func() { tp.Stack(0, a, b) }, "Stack", "[2 3]", "[3 3]")
	mustPanic(t, func() { tp.Concat(2, a, a) }, "Concat", "axis 2", "[2 3]")
	mustPanic(t, func() { tp.Concat(0) }, "Concat")
}
