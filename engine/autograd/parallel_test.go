package autograd

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestActivationsSameBitsOnAnyCores: the activations, which split large
// tensors between goroutines, give the values and gradients of the plain
// serial formulas, bit for bit, with 1, 2, 3 and 8 goroutines.
func TestActivationsSameBitsOnAnyCores(t *testing.T) {
	defer tensor.SetParallelThresholds(1<<12, 1<<12)()
	const n = 3<<12 + 7 // split, with uneven parts
	a := NewParam("a", tensor.RandN(tensor.NewRNG(6), n))
	g := tensor.RandN(tensor.NewRNG(7), n)
	ops := map[string]struct {
		op        func(tp *Tape, v *Var) *Var
		val, grad func(x, gi float64) float64
	}{
		"relu": {(*Tape).ReLU, func(x, _ float64) float64 { return max(x, 0) }, func(x, gi float64) float64 {
			if x > 0 {
				return gi
			}
			return 0
		}},
		"tanh": {(*Tape).Tanh, func(x, _ float64) float64 { return math.Tanh(x) }, func(x, gi float64) float64 {
			y := math.Tanh(x)
			return gi * (1 - y*y)
		}},
		"sigmoid": {(*Tape).Sigmoid, func(x, _ float64) float64 { return sigmoid(x) }, func(x, gi float64) float64 {
			y := sigmoid(x)
			return gi * y * (1 - y)
		}},
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	for name, o := range ops {
		for _, p := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(p)
			tp := NewTape()
			out := o.op(tp, a)
			d := out.Node().backward(g)[0]
			for i, x := range a.Value.Data {
				if out.Value.Data[i] != o.val(x, 0) || d.Data[i] != o.grad(x, g.Data[i]) {
					t.Fatalf("%s with GOMAXPROCS %d: element %d: %g (grad %g), want %g (grad %g)",
						name, p, i, out.Value.Data[i], d.Data[i], o.val(x, 0), o.grad(x, g.Data[i]))
				}
			}
			if !slices.Equal(out.Shape(), []int{n}) {
				t.Fatalf("%s: shape %v", name, out.Shape())
			}
		}
	}
}
