package autograd

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// valueAndGrads runs f on a fresh tape, backpropagates Σ out ⊙ R for a
// fixed random R and returns the output and the gradients of params. On a
// recycling tape, f and a backward pass from another R run once before,
// and every recorded value is then overwritten with NaN, so that the
// measured run gets recycled buffers holding other numbers (as a training
// step does): an op that reads a buffer before writing it fails.
func valueAndGrads(f func(tp *Tape) *Var, recycling bool, params ...*Var) (val []float64, grads [][]float64) {
	tp := NewTape()
	run := func(seed uint64) *Var {
		for _, p := range params {
			p.Grad = nil
		}
		out := f(tp)
		r := Const("R", tensor.RandN(tensor.NewRNG(seed), out.Value.Shape...))
		tp.Backward(tp.Sum(tp.Mul(out, r)))
		return out
	}
	if recycling {
		tp = NewRecyclingTape()
		run(12)
		for _, n := range tp.Nodes() {
			for i := range n.Out.Value.Data {
				n.Out.Value.Data[i] = math.NaN()
			}
		}
		tp.Reset()
	}
	out := run(11)
	for _, p := range params {
		grads = append(grads, slices.Clone(p.Grad.Data))
	}
	return slices.Clone(out.Value.Data), grads
}

// TestAttentionSameBitsAtWorkloadSizes: at the sizes of workload W6 and of
// the lessons (where the per-head products take the packed, blocked path
// of the matrix product rather than its small loop), Attention and
// SelfAttentionQKV, which read and write each head in place and split the
// heads between the cores, give the values and gradients of the unfused
// composition bit for bit, with any GOMAXPROCS and on a recycling tape.
func TestAttentionSameBitsAtWorkloadSizes(t *testing.T) {
	defer tensor.SetParallelThresholds(1<<10, 1<<10)() // split at these sizes too
	rng := tensor.NewRNG(5)
	type sizes struct{ batch, steps, heads, hd, tk int }
	for _, sz := range []sizes{{16, 16, 4, 8, 16}, {3, 13, 2, 16, 7}, {2, 9, 3, 5, 9}} {
		d := sz.heads * sz.hd
		qkv := NewParam("qkv", tensor.RandN(rng, sz.batch*sz.steps, 3*d))
		units := sz.batch * sz.heads
		q, k, v := NewParam("q", tensor.RandN(rng, units, sz.steps, sz.hd)), NewParam("k", tensor.RandN(rng, units, sz.tk, sz.hd)), NewParam("v", tensor.RandN(rng, units, sz.tk, 2*sz.hd))
		mask := tensor.RandN(rng, units, sz.steps, sz.tk)
		scale := 0.35
		for _, causal := range []bool{false, true} {
			selfFused := func(tp *Tape) *Var {
				r, _ := tp.SelfAttentionQKV(qkv, sz.batch, sz.heads, scale, causal, nil)
				return r
			}
			selfUnfused := func(tp *Tape) *Var {
				x := tp.Reshape(qkv, sz.batch, sz.steps, 3, sz.heads, sz.hd)
				x = tp.Reshape(tp.Permute(x, 2, 0, 3, 1, 4), 3, units, sz.steps, sz.hd)
				s := tp.Scale(tp.BatchMatMul(tp.Select(x, 0, 0), tp.Select(x, 0, 1), false, true), scale)
				if causal {
					s = tp.Add(s, Const("causal", causalMaskOf(sz.steps)))
				}
				ctx := tp.BatchMatMul(tp.Softmax(s), tp.Select(x, 0, 2), false, false)
				ctx = tp.Permute(tp.Reshape(ctx, sz.batch, sz.heads, sz.steps, sz.hd), 0, 2, 1, 3)
				return tp.Reshape(ctx, sz.batch*sz.steps, d)
			}
			cases := [][2]func(tp *Tape) *Var{{selfFused, selfUnfused}}
			params := [][]*Var{{qkv}}
			if !causal || sz.tk == sz.steps {
				attnFused := func(tp *Tape) *Var {
					m := mask
					if causal {
						m = nil
					}
					r, _ := tp.Attention(q, k, v, scale, causal, m)
					return r
				}
				attnUnfused := func(tp *Tape) *Var {
					s := tp.Scale(tp.BatchMatMul(q, k, false, true), scale)
					if causal {
						s = tp.Add(s, Const("causal", causalMaskOf(sz.steps)))
					} else {
						s = tp.Add(s, Const("mask", mask))
					}
					return tp.BatchMatMul(tp.Softmax(s), v, false, false)
				}
				cases = append(cases, [2]func(tp *Tape) *Var{attnFused, attnUnfused})
				params = append(params, []*Var{q, k, v})
			}
			old := runtime.GOMAXPROCS(0)
			for c, fu := range cases {
				runtime.GOMAXPROCS(1)
				wantV, wantG := valueAndGrads(fu[1], false, params[c]...)
				for _, procs := range []int{1, 2, 5} {
					runtime.GOMAXPROCS(procs)
					for _, recycling := range []bool{false, true} {
						gotV, gotG := valueAndGrads(fu[0], recycling, params[c]...)
						if !slices.Equal(gotV, wantV) {
							t.Errorf("%+v causal %v case %d, GOMAXPROCS %d, recycling %v: values differ from the unfused composition", sz, causal, c, procs, recycling)
						}
						for i := range wantG {
							if !slices.Equal(gotG[i], wantG[i]) {
								t.Errorf("%+v causal %v case %d, GOMAXPROCS %d, recycling %v: gradient of %s differs from the unfused composition", sz, causal, c, procs, recycling, params[c][i].Name)
							}
						}
					}
				}
			}
			runtime.GOMAXPROCS(old)
		}
	}
}

// causalMaskOf returns the [n n] mask with −1e9 above the diagonal.
func causalMaskOf(n int) *tensor.Tensor {
	m := tensor.New(n, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			m.Data[i*n+j] = -1e9
		}
	}
	return m
}
