package bench

import (
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// stepCost returns the median, over n calls of w.Step made after warm
// steps of warm-up (enough for every batch shape of an epoch to have been
// seen once), of the heap allocations and bytes of one call. The median,
// because the matrix product keeps its packing buffers in a sync.Pool,
// which now and then hands a goroutine a new one (a pool's per-core
// buffers cannot be taken by another core); the collector is off while
// it counts, since a collection empties those pools.
func stepCost(w Workload, warm, n int) (allocs, bytes float64) {
	for range warm {
		w.Step()
	}
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	as, bs := make([]float64, n), make([]float64, n)
	var before, after runtime.MemStats
	for i := range n {
		runtime.ReadMemStats(&before)
		w.Step()
		runtime.ReadMemStats(&after)
		as[i], bs[i] = float64(after.Mallocs-before.Mallocs), float64(after.TotalAlloc-before.TotalAlloc)
	}
	slices.Sort(as)
	slices.Sort(bs)
	return as[n/2], bs[n/2]
}

// arenaOf returns the arena of w's training tape.
func arenaOf(w Workload) *tensor.Arena {
	switch w := w.(type) {
	case *Linreg:
		return w.tp.Arena()
	case *Logreg:
		return w.tp.Arena()
	case *MLP:
		return w.tp.Arena()
	case *CNN:
		return w.tp.Arena()
	case *RNN:
		return w.tp.Arena()
	case *Attention:
		return w.tp.Arena()
	case *GAN:
		return w.tp.Arena()
	}
	panic("arenaOf: unknown workload")
}

// TestStepAllocatesAlmostNothing checks that, once the first epoch has
// run, a training step of each workload W1–W7 reuses its tape's memory:
// every tensor its tape hands out comes back from the tape's arena, the
// bytes it allocates per step stay below a small bound (before the
// recycling tape, W4 allocated 12 MB per step), and the number of
// allocations stays below the recorded op count's small multiple (the
// closures each op keeps for its backward pass). It counts allocations,
// it does not time anything.
func TestStepAllocatesAlmostNothing(t *testing.T) {
	cases := []struct {
		name     string
		w        Workload
		warm     int
		maxAlloc float64 // allocations per step
		maxBytes float64 // bytes per step
	}{
		{"W1 linreg", NewLinreg(benchSeed, RegressionLR), 9, 30, 1 << 10},
		{"W2 logreg", NewLogreg(benchSeed, RegressionLR), 9, 30, 1 << 10},
		{"W3 mlp", NewMLP(benchSeed, MLPLR), 31, 90, 16 << 10},
		{"W4 cnn", NewCNN(benchSeed), 2, 220, 16 << 10},
		{"W5 rnn", NewRNN(benchSeed), 2, 1400, 48 << 10},
		{"W6 attention", NewAttention(benchSeed), 2, 360, 32 << 10},
		{"W7 gan", NewGAN(benchSeed), 2, 360, 16 << 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			allocs, bytes := stepCost(c.w, c.warm, 11)
			t.Logf("%s: %.0f allocations, %.0f bytes per step (median of 11 steps)", c.name, allocs, bytes)
			ar := arenaOf(c.w)
			_, fresh := ar.Stats()
			c.w.Step()
			served, fresh2 := ar.Stats()
			if served == 0 || fresh2 != fresh {
				t.Errorf("%s: the tape's arena allocated %d tensors in a step after warm-up (%d served in all), want 0", c.name, fresh2-fresh, served)
			}
			if allocs > c.maxAlloc {
				t.Errorf("%s: %.0f allocations per step after warm-up, want ≤ %.0f", c.name, allocs, c.maxAlloc)
			}
			if bytes > c.maxBytes {
				t.Errorf("%s: %.0f bytes allocated per step after warm-up, want ≤ %.0f", c.name, bytes, c.maxBytes)
			}
		})
	}
}

// TestRecyclingTapeChangesNothing trains each workload W1–W7 for two
// epochs' worth of steps (or 12 steps) on its recycling tape and again on
// an ordinary tape, and checks that every loss and every parameter agree
// to the last bit: reusing memory must not change a single value.
func TestRecyclingTapeChangesNothing(t *testing.T) {
	type model struct {
		w      Workload
		params []*autograd.Var
		plain  func() // switches the workload to an ordinary tape
	}
	makers := []struct {
		name  string
		steps int
		make  func() model
	}{
		{"W1 linreg", 12, func() model {
			w := NewLinreg(benchSeed, RegressionLR)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W2 logreg", 12, func() model {
			w := NewLogreg(benchSeed, RegressionLR)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W3 mlp", 32, func() model {
			w := NewMLP(benchSeed, MLPLR)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W4 cnn", 3, func() model {
			w := NewCNN(benchSeed)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W5 rnn", 6, func() model {
			w := NewRNN(benchSeed)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W6 attention", 6, func() model {
			w := NewAttention(benchSeed)
			return model{w, w.params, func() { w.tp = autograd.NewTape() }}
		}},
		{"W7 gan", 6, func() model {
			w := NewGAN(benchSeed)
			return model{w, append(slices.Clone(w.paramG), w.paramD...), func() {
				w.tp = autograd.NewTape()
				w.noGrad = autograd.NoGradTape()
			}}
		}},
	}
	for _, m := range makers {
		t.Run(m.name, func(t *testing.T) {
			rec, plain := m.make(), m.make()
			plain.plain()
			for s := range m.steps {
				lr, lp := rec.w.Step(), plain.w.Step()
				if math.Float64bits(lr) != math.Float64bits(lp) {
					t.Fatalf("%s step %d: loss %v on the recycling tape, %v on an ordinary one", m.name, s, lr, lp)
				}
			}
			for i, p := range rec.params {
				q := plain.params[i]
				for j, v := range p.Value.Data {
					if math.Float64bits(v) != math.Float64bits(q.Value.Data[j]) {
						t.Fatalf("%s: %s[%d] = %v on the recycling tape, %v on an ordinary one", m.name, p.Name, j, v, q.Value.Data[j])
					}
				}
			}
		})
	}
}
