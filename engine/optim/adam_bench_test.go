package optim

import (
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// BenchmarkAdamStep times one Adam step over the parameters of W3's MLP
// (2→64→64→3: 4547 weights).
func BenchmarkAdamStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	var params []*autograd.Var
	for _, s := range [][]int{{2, 64}, {64}, {64, 64}, {64}, {64, 3}, {3}} {
		p := autograd.NewParam("p", tensor.RandN(rng, s...))
		p.Grad = tensor.RandN(rng, s...)
		params = append(params, p)
	}
	o := NewAdam(1e-3)
	b.ReportAllocs()
	for b.Loop() {
		o.Step(params)
	}
}
