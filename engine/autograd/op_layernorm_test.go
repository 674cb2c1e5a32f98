package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestLayerNormGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := shapeGen(rt, "shape", 1, 3, 4)
		d := shape[len(shape)-1]
		x := randParam(rt, "x", shape...)
		gain, bias := randParam(rt, "gain", d), randParam(rt, "bias", d)
		eps := rapid.Float64Range(1e-5, 1e-1).Draw(rt, "eps")
		checkGrad(rt, func(tp *Tape) *Var { return tp.LayerNorm(x, gain, bias, eps) }, x, gain, bias)
	})
}

func TestLayerNormValues(t *testing.T) {
	tp := NewTape()
	x := NewParam("x", tensor.FromValues([]float64{1, 2, 3, 4, 10, 10, 10, 10}, 2, 4))
	y := tp.LayerNorm(x, NewParam("ln.g", tensor.Ones(4)), NewParam("ln.b", tensor.New(4)), 1e-5)
	// Row 0: mean 2.5, variance 1.25.
	r := 1 / math.Sqrt(1.25+1e-5)
	for i, want := range []float64{-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r, 0, 0, 0, 0} {
		if !near(y.Value.Data[i], want, 1e-14) {
			t.Errorf("y[%d] = %g, want %g", i, y.Value.Data[i], want)
		}
	}
	if y.Node().Label() != "v0 = layernorm(x, ln.g, ln.b, eps=1e-05)" {
		t.Errorf("label %q", y.Node().Label())
	}
	gb := tp.LayerNorm(x, NewParam("g", tensor.Full(2, 4)), NewParam("b", tensor.Full(1, 4)), 1e-5)
	for i := range 4 {
		if !near(gb.Value.Data[i], 2*y.Value.Data[i]+1, 1e-14) {
			t.Errorf("gain and bias not applied at %d", i)
		}
	}
}

func TestLayerNormPanics(t *testing.T) {
	tp := NewTape()
	x := NewParam("x", tensor.New(2, 4))
	mustPanic(t, func() { tp.LayerNorm(x, NewParam("g", tensor.New(3)), NewParam("b", tensor.New(4)), 1e-5) }, "LayerNorm", "[2 4]", "[3]")
	mustPanic(t, func() { tp.LayerNorm(NewParam("s", tensor.Scalar(1)), x, x, 1e-5) }, "LayerNorm")
}
