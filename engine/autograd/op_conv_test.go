package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

// convCase draws a small NCHW input and a window that fits it.
func convCase(rt *rapid.T) (n, c, h, w, k, stride, pad int) {
	n, c = rapid.IntRange(1, 2).Draw(rt, "n"), rapid.IntRange(1, 3).Draw(rt, "c")
	h, w = rapid.IntRange(1, 6).Draw(rt, "h"), rapid.IntRange(1, 6).Draw(rt, "w")
	pad = rapid.IntRange(0, 2).Draw(rt, "pad")
	k = rapid.IntRange(1, min(3, h+2*pad, w+2*pad)).Draw(rt, "k")
	stride = rapid.IntRange(1, 3).Draw(rt, "stride")
	return
}

func TestConv2DGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, h, w, k, stride, pad := convCase(rt)
		f := rapid.IntRange(1, 3).Draw(rt, "f")
		x := randParam(rt, "x", n, c, h, w)
		wt := randParam(rt, "w", f, c, k, k)
		b := randParam(rt, "b", f)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Conv2D(x, wt, b, stride, pad) }, x, wt, b)
		checkGrad(rt, func(tp *Tape) *Var { return tp.Conv2D(x, wt, nil, stride, pad) }, x, wt)
	})
}

func TestPool2DGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, h, w, _, stride, _ := convCase(rt)
		k := rapid.IntRange(1, min(h, w)).Draw(rt, "pool")
		x := distinctParam(rt, "x", n, c, h, w)
		checkGrad(rt, func(tp *Tape) *Var { return tp.MaxPool2D(x, k, stride) }, x)
		checkGrad(rt, func(tp *Tape) *Var { return tp.AvgPool2D(x, k, stride) }, x)
	})
}

func TestPool2DValues(t *testing.T) {
	tp := NewTape()
	x := NewParam("x", tensor.FromValues([]float64{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 1, 2, 3,
		4, 5, 6, 0}, 1, 1, 4, 4))
	m, a := tp.MaxPool2D(x, 2, 2), tp.AvgPool2D(x, 2, 2)
	if !slices.Equal(m.Value.Data, []float64{6, 8, 9, 6}) || !slices.Equal(m.Value.Shape, []int{1, 1, 2, 2}) {
		t.Errorf("maxpool: %v", m.Value)
	}
	if !slices.Equal(a.Value.Data, []float64{3.5, 5.5, 4.75, 2.75}) {
		t.Errorf("avgpool: %v", a.Value)
	}
	if m.Node().Label() != "v0 = maxpool2d(x, k=2, stride=2)" {
		t.Errorf("label %q", m.Node().Label())
	}
	c := tp.Conv2D(x, NewParam("w", tensor.Ones(1, 1, 3, 3)), nil, 2, 1)
	// 3×3 box sums at (0,0), (0,2), (2,0), (2,2) with one pixel of padding.
	if !slices.Equal(c.Value.Data, []float64{14, 30, 30, 38}) || c.Node().Attrs != "stride=2, pad=1" {
		t.Errorf("conv: %v %q", c.Value, c.Node().Attrs)
	}
}

func TestConvPoolPanics(t *testing.T) {
	tp := NewTape()
	x := NewParam("x", tensor.New(1, 3, 5, 5))
	mustPanic(t, func() { tp.Conv2D(x, NewParam("w", tensor.New(2, 2, 3, 3)), nil, 1, 0) }, "Conv2D", "[1 3 5 5]", "[2 2 3 3]")
	mustPanic(t, func() { tp.Conv2D(x, NewParam("w", tensor.New(2, 3, 7, 7)), nil, 1, 0) }, "Conv2D", "[1 3 5 5]", "[2 3 7 7]")
	mustPanic(t, func() { tp.Conv2D(x, NewParam("w", tensor.New(2, 3, 3, 3)), NewParam("b", tensor.New(3)), 1, 0) }, "Conv2D", "[3]")
	mustPanic(t, func() { tp.Conv2D(x, NewParam("w", tensor.New(2, 3, 3, 3)), nil, 0, 0) }, "Conv2D", "stride 0")
	mustPanic(t, func() { tp.MaxPool2D(NewParam("v", tensor.New(3, 4)), 2, 2) }, "MaxPool2D", "[3 4]")
	mustPanic(t, func() { tp.AvgPool2D(x, 6, 1) }, "AvgPool2D", "[1 3 5 5]")
}

// BenchmarkConv2D times forward and backward of the first convolution of
// workload W4: 32×1×28×28 input, 8 filters of 3×3, padding 1.
func BenchmarkConv2D(b *testing.B) {
	rng := tensor.NewRNG(1)
	x := Const("x", tensor.RandN(rng, 32, 1, 28, 28))
	w := NewParam("w", tensor.RandN(rng, 8, 1, 3, 3))
	bias := NewParam("b", tensor.New(8))
	tp := NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(tp.Sum(tp.Conv2D(x, w, bias, 1, 1)))
	}
}

// BenchmarkConv2DSecond is W4's second convolution: 32×8×14×14 input, 16
// filters of 3×3, padding 1, with the input's gradient too.
func BenchmarkConv2DSecond(b *testing.B) {
	rng := tensor.NewRNG(1)
	x := NewParam("x", tensor.RandN(rng, 32, 8, 14, 14))
	w := NewParam("w", tensor.RandN(rng, 16, 8, 3, 3))
	bias := NewParam("b", tensor.New(16))
	tp := NewTape()
	for b.Loop() {
		tp.Reset()
		tp.Backward(tp.Sum(tp.Conv2D(x, w, bias, 1, 1)))
	}
}

// TestConv2DReusedTape checks that recycling a convolution's columns at
// Reset leaves later steps exact: the same step on a reused tape gives the
// same bits as on a fresh one.
func TestConv2DReusedTape(t *testing.T) {
	rng := tensor.NewRNG(4)
	x := NewParam("x", tensor.RandN(rng, 2, 3, 6, 6))
	w := NewParam("w", tensor.RandN(rng, 4, 3, 3, 3))
	step := func(tp *Tape) ([]float64, []float64) {
		ZeroGrad(x, w)
		y := tp.Conv2D(x, w, nil, 1, 1)
		tp.Backward(tp.Sum(tp.Square(y)))
		return slices.Clone(y.Value.Data), slices.Clone(w.Grad.Data)
	}
	y0, g0 := step(NewTape())
	tp := NewTape()
	for range 3 {
		tp.Reset()
		y, g := step(tp)
		if !slices.Equal(y, y0) || !slices.Equal(g, g0) {
			t.Fatalf("a reused tape gives different values or gradients")
		}
	}
	s := tensor.Scratch(100)
	tensor.ReleaseScratch(s)
	if len(tensor.Scratch(70)) != 70 || tensor.Scratch(0) != nil {
		t.Errorf("Scratch lengths")
	}
}
