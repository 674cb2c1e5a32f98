package autograd

import (
	"runtime"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestRNNSequenceSameBitsOnAnyCores: RNNSequence splits the batch's rows
// between the cores for the recurrence and for backpropagation through
// time; with 1, 2, 3 and 5 cores and on a recycling tape, at workload
// W5's size and at odd sizes, its values and gradients are the same bits.
func TestRNNSequenceSameBitsOnAnyCores(t *testing.T) {
	rng := tensor.NewRNG(6)
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	defer tensor.SetParallelThresholds(1<<10, 1<<10)() // split at these sizes too
	for _, sz := range [][4]int{{50, 16, 1, 32}, {7, 13, 3, 20}, {3, 2, 2, 5}} {
		steps, bs, in, n := sz[0], sz[1], sz[2], sz[3]
		x, h0 := NewParam("x", tensor.RandN(rng, steps, bs, in)), NewParam("h0", tensor.RandN(rng, bs, n))
		wx, wh, b := NewParam("wx", tensor.RandN(rng, in, n)), NewParam("wh", tensor.Scaled(tensor.RandN(rng, n, n), 0.2)), NewParam("b", tensor.RandN(rng, n))
		f := func(tp *Tape) *Var { return tp.RNNSequence(x, h0, wx, wh, b) }
		runtime.GOMAXPROCS(1)
		wantV, wantG := valueAndGrads(f, false, x, h0, wx, wh, b)
		for _, procs := range []int{2, 3, 5} {
			runtime.GOMAXPROCS(procs)
			gotV, gotG := valueAndGrads(f, true, x, h0, wx, wh, b)
			if !slices.Equal(gotV, wantV) {
				t.Fatalf("%v, GOMAXPROCS %d: values differ from one core's", sz, procs)
			}
			for i := range wantG {
				if !slices.Equal(gotG[i], wantG[i]) {
					t.Fatalf("%v, GOMAXPROCS %d: gradient %d differs from one core's", sz, procs, i)
				}
			}
		}
	}
}
