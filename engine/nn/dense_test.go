package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestDenseGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		in, out := rapid.IntRange(1, 4).Draw(rt, "in"), rapid.IntRange(1, 4).Draw(rt, "out")
		init := Init(rapid.IntRange(0, 2).Draw(rt, "init"))
		d := NewDenseInit("d", in, out, init, tensor.NewRNG(seeded(rt, "seed")))
		d.B.Value = tensor.RandN(tensor.NewRNG(1), out)
		lead := rapid.SliceOfN(rapid.IntRange(1, 3), 1, 2).Draw(rt, "lead")
		x := input(rt, append(lead, in)...)
		checkLayer(rt, d, x)
	})
}

func TestDenseShapesAndNames(t *testing.T) {
	d := NewDense("dense1", 3, 2, tensor.NewRNG(1))
	if got := names(d.Params()); got != "dense1.W dense1.b" {
		t.Errorf("params %q", got)
	}
	y := d.Forward(autograd.NoGradTape(), autograd.Const("x", tensor.New(4, 5, 3)))
	if !slices.Equal(y.Value.Shape, []int{4, 5, 2}) {
		t.Errorf("3-D input gives %v, want [4 5 2]", y.Value.Shape)
	}
	mustPanic(t, func() { d.Forward(autograd.NewTape(), autograd.Const("x", tensor.New(4, 2))) }, "nn: Dense dense1", "[4 2]", "[3 2]")
	mustPanic(t, func() { NewDense("d", 0, 1, tensor.NewRNG(1)) }, "nn: NewDense d")
}

// TestDenseInit checks each scheme's range and spread on a large layer.
func TestDenseInit(t *testing.T) {
	in, out := 200, 300
	for _, c := range []struct {
		init     Init
		variance float64
	}{
		{LeCunNormal, 1.0 / 200}, {GlorotUniform, 2.0 / 500}, {HeNormal, 2.0 / 200}, {Zeros, 0},
	} {
		w := NewDenseInit("d", in, out, c.init, tensor.NewRNG(7)).W.Value
		s, ss, lim := 0.0, 0.0, math.Sqrt(6.0/500)
		for _, v := range w.Data {
			s += v
			ss += v * v
			if c.init == GlorotUniform && math.Abs(v) > lim {
				t.Fatalf("glorot value %g outside ±%g", v, lim)
			}
		}
		n := float64(len(w.Data))
		if v := ss/n - (s/n)*(s/n); math.Abs(v-c.variance) > 0.05*c.variance+1e-12 {
			t.Errorf("%v: variance %g, want %g", c.init, v, c.variance)
		}
	}
	// NewDense is LeCun normal, bit for bit as before NewDenseInit existed.
	a := NewDense("d", 3, 2, tensor.NewRNG(3)).W.Value
	b := tensor.RandN(tensor.NewRNG(3), 3, 2)
	for i := range b.Data {
		if a.Data[i] != b.Data[i]*(1/math.Sqrt(3)) {
			t.Fatalf("NewDense weights changed")
		}
	}
	if GlorotUniform.String() != "glorot_uniform" {
		t.Errorf("String %q", GlorotUniform.String())
	}
}
