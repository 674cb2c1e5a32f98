package autograd

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

var fusedActs = []Activation{ActNone, ActReLU, ActTanh, ActSigmoid}

// unfusedAct records the activation's own op on z.
func unfusedAct(tp *Tape, z *Var, act Activation) *Var {
	switch act {
	case ActReLU:
		return tp.ReLU(z)
	case ActTanh:
		return tp.Tanh(z)
	case ActSigmoid:
		return tp.Sigmoid(z)
	}
	return z
}

func TestDenseActGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(1, 4).Draw(rt, "m"), rapid.IntRange(1, 4).Draw(rt, "k"), rapid.IntRange(1, 4).Draw(rt, "n")
		x, w, b := randParam(rt, "x", m, k), randParam(rt, "w", k, n), randParam(rt, "b", n)
		act := rapid.SampledFrom(fusedActs).Draw(rt, "act")
		if act == ActReLU {
			z := tensor.Add(tensor.MatMul(x.Value, w.Value), b.Value)
			for _, v := range z.Data {
				if math.Abs(v) < 1e-3 {
					rt.Skipf("pre-activation %g at ReLU's kink", v)
				}
			}
		}
		checkGrad(rt, func(tp *Tape) *Var { return tp.DenseAct(x, w, b, act) }, x, w, b)
		checkGrad(rt, func(tp *Tape) *Var { return tp.DenseAct(x, w, nil, act) }, x, w)
	})
}

func TestConv2DActGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n, c, h, w, k, stride, pad := convCase(rt)
		f := rapid.IntRange(1, 3).Draw(rt, "f")
		x, wt, b := randParam(rt, "x", n, c, h, w), randParam(rt, "w", f, c, k, k), randParam(rt, "b", f)
		act := rapid.SampledFrom(fusedActs).Draw(rt, "act")
		if act == ActReLU {
			for _, v := range NoGradTape().Conv2D(x, wt, b, stride, pad).Value.Data {
				if math.Abs(v) < 1e-3 {
					rt.Skipf("pre-activation %g at ReLU's kink", v)
				}
			}
		}
		checkGrad(rt, func(tp *Tape) *Var { return tp.Conv2DAct(x, wt, b, stride, pad, act) }, x, wt, b)
	})
}

func TestRNNCellStepGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		bs, in, n := rapid.IntRange(1, 3).Draw(rt, "batch"), rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		x, h := randParam(rt, "x", bs, in), randParam(rt, "h", bs, n)
		wx, wh, b := randParam(rt, "wx", in, n), randParam(rt, "wh", n, n), randParam(rt, "b", n)
		checkGrad(rt, func(tp *Tape) *Var { return tp.RNNCellStep(x, h, wx, wh, b) }, x, h, wx, wh, b)
	})
}

func TestRNNSequenceGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		steps, bs := rapid.IntRange(1, 4).Draw(rt, "T"), rapid.IntRange(1, 3).Draw(rt, "batch")
		in, n := rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		x, h0 := randParam(rt, "x", steps, bs, in), randParam(rt, "h0", bs, n)
		wx, wh, b := randParam(rt, "wx", in, n), randParam(rt, "wh", n, n), randParam(rt, "b", n)
		checkGrad(rt, func(tp *Tape) *Var { return tp.RNNSequence(x, h0, wx, wh, b) }, x, h0, wx, wh, b)
	})
}

func TestLSTMCellStepGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		bs, in, n := rapid.IntRange(1, 3).Draw(rt, "batch"), rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		x, h, c := randParam(rt, "x", bs, in), randParam(rt, "h", bs, n), randParam(rt, "c", bs, n)
		wx, wh, b := randParam(rt, "wx", in, 4*n), randParam(rt, "wh", n, 4*n), randParam(rt, "b", 4*n)
		checkGrad(rt, func(tp *Tape) *Var { return tp.LSTMCellStep(x, h, c, wx, wh, b) }, x, h, c, wx, wh, b)
	})
}

func TestGRUCellStepGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		bs, in, n := rapid.IntRange(1, 3).Draw(rt, "batch"), rapid.IntRange(1, 3).Draw(rt, "in"), rapid.IntRange(1, 3).Draw(rt, "hidden")
		x, h := randParam(rt, "x", bs, in), randParam(rt, "h", bs, n)
		wx, wh := randParam(rt, "wx", in, 3*n), randParam(rt, "wh", n, 3*n)
		bx, bh := randParam(rt, "bx", 3*n), randParam(rt, "bh", 3*n)
		checkGrad(rt, func(tp *Tape) *Var { return tp.GRUCellStep(x, h, wx, wh, bx, bh) }, x, h, wx, wh, bx, bh)
	})
}

func TestAttentionGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		bs, tq, dk, dv := rapid.IntRange(1, 3).Draw(rt, "B"), rapid.IntRange(1, 3).Draw(rt, "Tq"), rapid.IntRange(1, 3).Draw(rt, "dk"), rapid.IntRange(1, 3).Draw(rt, "dv")
		causal := rapid.Bool().Draw(rt, "causal")
		tk := tq
		if !causal {
			tk = rapid.IntRange(1, 3).Draw(rt, "Tk")
		}
		var mask *tensor.Tensor
		switch rapid.IntRange(0, 2).Draw(rt, "mask") {
		case 1:
			mask = randParam(rt, "mask", tq, tk).Value
		case 2:
			mask = randParam(rt, "mask", bs, tq, tk).Value
		}
		q, k, v := randParam(rt, "q", bs, tq, dk), randParam(rt, "k", bs, tk, dk), randParam(rt, "v", bs, tk, dv)
		scale := rapid.Float64Range(0.1, 2).Draw(rt, "scale")
		checkGrad(rt, func(tp *Tape) *Var {
			out, _ := tp.Attention(q, k, v, scale, causal, mask)
			return out
		}, q, k, v)
	})
}

func TestSelfAttentionQKVGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		batch, steps := rapid.IntRange(1, 2).Draw(rt, "batch"), rapid.IntRange(1, 3).Draw(rt, "T")
		heads, hd := rapid.IntRange(1, 2).Draw(rt, "heads"), rapid.IntRange(1, 2).Draw(rt, "hd")
		causal := rapid.Bool().Draw(rt, "causal")
		qkv := randParam(rt, "qkv", batch*steps, 3*heads*hd)
		checkGrad(rt, func(tp *Tape) *Var {
			out, _ := tp.SelfAttentionQKV(qkv, batch, heads, 0.7, causal, nil)
			return out
		}, qkv)
	})
}

// fusedCase is a fused op and its unfused composition over the same
// parameters, with the tolerance they must agree to (0: bit for bit).
type fusedCase struct {
	name           string
	fused, unfused func(tp *Tape) *Var
	params         []*Var
	tol            float64
}

func fusedCases() []fusedCase {
	rng := tensor.NewRNG(7)
	p := func(name string, shape ...int) *Var { return NewParam(name, tensor.RandN(rng, shape...)) }
	const bs, in, n, tq, tk, dk, dv = 5, 3, 4, 4, 6, 3, 2
	var cases []fusedCase

	x, w, b := p("x", bs, in), p("w", in, n), p("b", n)
	for _, act := range fusedActs {
		cases = append(cases, fusedCase{
			name:    "dense_" + act.String(),
			fused:   func(tp *Tape) *Var { return tp.DenseAct(x, w, b, act) },
			unfused: func(tp *Tape) *Var { return unfusedAct(tp, tp.Add(tp.MatMul(x, w), b), act) },
			params:  []*Var{x, w, b},
		})
	}

	cx, cw, cb := p("cx", 2, 3, 6, 5), p("cw", 4, 3, 3, 3), p("cb", 4)
	for _, act := range fusedActs {
		cases = append(cases, fusedCase{
			name:    "conv2d_" + act.String(),
			fused:   func(tp *Tape) *Var { return tp.Conv2DAct(cx, cw, cb, 1, 1, act) },
			unfused: func(tp *Tape) *Var { return unfusedAct(tp, tp.Conv2D(cx, cw, cb, 1, 1), act) },
			params:  []*Var{cx, cw, cb},
		})
	}

	h, c := p("h", bs, n), p("c", bs, n)
	rwx, rwh, rb := p("rnn.wx", in, n), p("rnn.wh", n, n), p("rnn.b", n)
	cases = append(cases, fusedCase{
		name:    "rnn_cell",
		fused:   func(tp *Tape) *Var { return tp.RNNCellStep(x, h, rwx, rwh, rb) },
		unfused: func(tp *Tape) *Var { return tp.Tanh(tp.Add(tp.Add(tp.MatMul(x, rwx), tp.MatMul(h, rwh)), rb)) },
		params:  []*Var{x, h, rwx, rwh, rb},
		tol:     1e-12,
	})

	const steps = 6
	seq := p("seq", steps, bs, in)
	cases = append(cases, fusedCase{
		name:  "rnn_sequence",
		fused: func(tp *Tape) *Var { return tp.RNNSequence(seq, h, rwx, rwh, rb) },
		unfused: func(tp *Tape) *Var {
			hs, ht := make([]*Var, steps), h
			for s := range steps {
				ht = tp.Tanh(tp.Add(tp.Add(tp.MatMul(tp.Select(seq, 0, s), rwx), tp.MatMul(ht, rwh)), rb))
				hs[s] = ht
			}
			return tp.Stack(0, hs...)
		},
		params: []*Var{seq, h, rwx, rwh, rb},
		tol:    1e-12,
	})

	lwx, lwh, lb := p("lstm.wx", in, 4*n), p("lstm.wh", n, 4*n), p("lstm.b", 4*n)
	cases = append(cases, fusedCase{
		name:  "lstm_cell",
		fused: func(tp *Tape) *Var { return tp.LSTMCellStep(x, h, c, lwx, lwh, lb) },
		unfused: func(tp *Tape) *Var { // as nn.LSTMCell.Step
			z := tp.Add(tp.Add(tp.MatMul(x, lwx), tp.MatMul(h, lwh)), lb)
			i := tp.Sigmoid(tp.Slice(z, 1, 0, n))
			f := tp.Sigmoid(tp.Slice(z, 1, n, 2*n))
			g := tp.Tanh(tp.Slice(z, 1, 2*n, 3*n))
			o := tp.Sigmoid(tp.Slice(z, 1, 3*n, 4*n))
			cn := tp.Add(tp.Mul(f, c), tp.Mul(i, g))
			return tp.Concat(1, tp.Mul(o, tp.Tanh(cn)), cn)
		},
		params: []*Var{x, h, c, lwx, lwh, lb},
		tol:    1e-12,
	})

	gwx, gwh, gbx, gbh := p("gru.wx", in, 3*n), p("gru.wh", n, 3*n), p("gru.bx", 3*n), p("gru.bh", 3*n)
	cases = append(cases, fusedCase{
		name:  "gru_cell",
		fused: func(tp *Tape) *Var { return tp.GRUCellStep(x, h, gwx, gwh, gbx, gbh) },
		unfused: func(tp *Tape) *Var { // as nn.GRUCell.Step
			gx := tp.Add(tp.MatMul(x, gwx), gbx)
			gh := tp.Add(tp.MatMul(h, gwh), gbh)
			r := tp.Sigmoid(tp.Add(tp.Slice(gx, 1, 0, n), tp.Slice(gh, 1, 0, n)))
			z := tp.Sigmoid(tp.Add(tp.Slice(gx, 1, n, 2*n), tp.Slice(gh, 1, n, 2*n)))
			cand := tp.Tanh(tp.Add(tp.Slice(gx, 1, 2*n, 3*n), tp.Mul(r, tp.Slice(gh, 1, 2*n, 3*n))))
			return tp.Add(cand, tp.Mul(z, tp.Sub(h, cand)))
		},
		params: []*Var{x, h, gwx, gwh, gbx, gbh},
		tol:    1e-12,
	})

	q, k, v := p("q", bs, tq, dk), p("k", bs, tk, dk), p("v", bs, tk, dv)
	kc, vc := p("kc", bs, tq, dk), p("vc", bs, tq, dv)
	pad := tensor.New(bs, tq, tk)
	for bi := range bs {
		for j := tk - bi%3; j < tk; j++ { // the last bi%3 keys are padding
			for i := range tq {
				pad.Data[(bi*tq+i)*tk+j] = -1e9
			}
		}
	}
	causalMask := tensor.New(tq, tq)
	for i := range tq {
		for j := i + 1; j < tq; j++ {
			causalMask.Data[i*tq+j] = -1e9
		}
	}
	scale := 1 / math.Sqrt(dk)
	attn := func(tp *Tape, q, k, v *Var, mask *tensor.Tensor) *Var {
		s := tp.Scale(tp.BatchMatMul(q, k, false, true), scale)
		if mask != nil {
			s = tp.Add(s, Const("mask", mask))
		}
		return tp.BatchMatMul(tp.Softmax(s), v, false, false)
	}
	cases = append(cases,
		fusedCase{
			name:    "attention",
			fused:   func(tp *Tape) *Var { r, _ := tp.Attention(q, k, v, scale, false, nil); return r },
			unfused: func(tp *Tape) *Var { return attn(tp, q, k, v, nil) },
			params:  []*Var{q, k, v},
		},
		fusedCase{
			name:    "attention_padding",
			fused:   func(tp *Tape) *Var { r, _ := tp.Attention(q, k, v, scale, false, pad); return r },
			unfused: func(tp *Tape) *Var { return attn(tp, q, k, v, pad) },
			params:  []*Var{q, k, v},
		},
		fusedCase{
			name:    "attention_causal",
			fused:   func(tp *Tape) *Var { r, _ := tp.Attention(q, kc, vc, scale, true, nil); return r },
			unfused: func(tp *Tape) *Var { return attn(tp, q, kc, vc, causalMask) },
			params:  []*Var{q, kc, vc},
		})
	const batch, seqLen, heads, hd = 3, 5, 2, 3
	qkv := p("qkv", batch*seqLen, 3*heads*hd)
	for _, causal := range []bool{false, true} {
		name := "self_attention"
		if causal {
			name += "_causal"
		}
		cases = append(cases, fusedCase{
			name: name,
			fused: func(tp *Tape) *Var {
				r, _ := tp.SelfAttentionQKV(qkv, batch, heads, scale, causal, nil)
				return r
			},
			unfused: func(tp *Tape) *Var { // as workload W6 did
				x := tp.Reshape(qkv, batch, seqLen, 3, heads, hd)
				x = tp.Reshape(tp.Permute(x, 2, 0, 3, 1, 4), 3, batch*heads, seqLen, hd)
				ctx, _ := tp.Attention(tp.Select(x, 0, 0), tp.Select(x, 0, 1), tp.Select(x, 0, 2), scale, causal, nil)
				ctx = tp.Permute(tp.Reshape(ctx, batch, heads, seqLen, hd), 0, 2, 1, 3)
				return tp.Reshape(ctx, batch*seqLen, heads*hd)
			},
			params: []*Var{qkv},
		})
	}
	return cases
}

// TestFusedMatchesUnfused: every fused op gives the values and the
// gradients of its unfused composition (the dense layer and attention bit
// for bit, the cells, whose two products are accumulated in one tensor,
// to 1e-12), and a replay through it gives what recording it afresh gives.
func TestFusedMatchesUnfused(t *testing.T) {
	for _, fc := range fusedCases() {
		t.Run(fc.name, func(t *testing.T) {
			run := func(f func(tp *Tape) *Var) (val []float64, grads [][]float64) {
				ZeroGrad(fc.params...)
				for _, p := range fc.params {
					p.Grad = nil
				}
				tp := NewTape()
				out := f(tp)
				r := Const("R", tensor.RandN(tensor.NewRNG(11), out.Value.Shape...))
				tp.Backward(tp.Sum(tp.Mul(out, r)))
				for _, p := range fc.params {
					grads = append(grads, slices.Clone(p.Grad.Data))
				}
				return slices.Clone(out.Value.Data), grads
			}
			fv, fg := run(fc.fused)
			uv, ug := run(fc.unfused)
			same := func(what string, a, b []float64) {
				t.Helper()
				if len(a) != len(b) {
					t.Fatalf("%s: %d values, want %d", what, len(a), len(b))
				}
				for i := range a {
					if d := math.Abs(a[i] - b[i]); d > fc.tol*math.Max(1, math.Abs(b[i])) || math.IsNaN(a[i]) {
						t.Fatalf("%s[%d]: fused %.17g, unfused %.17g", what, i, a[i], b[i])
					}
				}
			}
			same("value", fv, uv)
			for i, p := range fc.params {
				same("grad "+p.Name, fg[i], ug[i])
			}

			// Replay from a moved parameter.
			tp := NewTape()
			out := fc.fused(tp)
			for _, p := range fc.params {
				moved := p.Value.Clone()
				for i := range moved.Data {
					moved.Data[i] += 0.03125 * float64(i%3+1)
				}
				got := tp.Replay(out, map[*Var]*tensor.Tensor{p: moved})
				orig := p.Value
				p.Value = moved
				want := fc.fused(NoGradTape()).Value
				p.Value = orig
				if !slices.Equal(got.Data, want.Data) {
					t.Fatalf("replay from a moved %s differs from a fresh forward pass", p.Name)
				}
			}
		})
	}
}

func TestFusedLabelsAndWeights(t *testing.T) {
	tp := NewTape()
	x, w, b := NewParam("x", tensor.New(2, 3)), NewParam("W", tensor.New(3, 4)), NewParam("b", tensor.New(4))
	if got := tp.DenseAct(x, w, b, ActReLU).Node().Label(); got != "v0 = dense(x, W, b, act=relu)" {
		t.Errorf("label %q", got)
	}
	q := NewParam("q", tensor.RandN(tensor.NewRNG(1), 2, 3, 4))
	out, a := tp.Attention(q, q, q, 0.5, true, nil)
	if got := out.Node().Label(); got != "v1 = attention(q, q, q, scale=0.5, causal)" {
		t.Errorf("label %q", got)
	}
	for r := range 6 {
		s := 0.0
		for j, v := range a.Data[r*3 : (r+1)*3] {
			if j > r%3 && v != 0 {
				t.Errorf("row %d: weight %g on a future key", r, v)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-15 {
			t.Errorf("row %d sums to %g", r, s)
		}
	}
}

func TestFusedPanics(t *testing.T) {
	tp := NewTape()
	z := func(s ...int) *Var { return NewParam("p", tensor.New(s...)) }
	mustPanic(t, func() { tp.DenseAct(z(2, 3), z(4, 5), nil, ActReLU) }, "MatMul", "[2 3]", "[4 5]")
	mustPanic(t, func() { tp.DenseAct(z(2, 3), z(3, 5), z(4), ActReLU) }, "DenseAct", "[4]", "[3 5]")
	mustPanic(t, func() { tp.DenseAct(z(2, 3, 1), z(3, 5), nil, ActReLU) }, "DenseAct", "[2 3 1]", "[3 5]")
	mustPanic(t, func() { tp.DenseAct(z(2, 3), z(3, 5), nil, Activation(9)) }, "DenseAct", "activation 9")
	mustPanic(t, func() { tp.Conv2DAct(z(1, 2, 5, 5), z(3, 4, 3, 3), nil, 1, 0, ActReLU) }, "Conv2D", "[1 2 5 5]", "[3 4 3 3]")
	mustPanic(t, func() { tp.Conv2DAct(z(1, 2, 5, 5), z(3, 2, 3, 3), z(2), 1, 0, ActReLU) }, "Conv2DAct", "[2]", "[3 2 3 3]")
	mustPanic(t, func() { tp.Conv2DAct(z(1, 2, 5, 5), z(3, 2, 3, 3), nil, 1, 0, Activation(-1)) }, "Conv2DAct", "activation -1")
	mustPanic(t, func() { tp.RNNCellStep(z(2, 3), z(2, 4), z(3, 4), z(4, 4), z(5)) }, "RNNCellStep", "[5]", "[3 4]")
	mustPanic(t, func() { tp.RNNCellStep(z(2, 3), z(1, 4), z(3, 4), z(4, 4), z(4)) }, "RNNCellStep", "[2 3]", "[1 4]")
	mustPanic(t, func() { tp.RNNSequence(z(5, 2, 3), z(2, 4), z(3, 4), z(4, 4), z(5)) }, "RNNSequence", "[5]", "[3 4]")
	mustPanic(t, func() { tp.RNNSequence(z(2, 3), z(2, 4), z(3, 4), z(4, 4), z(4)) }, "RNNSequence", "[2 3]", "[T batch in]")
	mustPanic(t, func() { tp.LSTMCellStep(z(2, 3), z(2, 4), z(2, 4), z(3, 12), z(4, 16), z(16)) }, "LSTMCellStep", "[3 12]")
	mustPanic(t, func() { tp.LSTMCellStep(z(2, 3), z(2, 4), z(2, 5), z(3, 16), z(4, 16), z(16)) }, "LSTMCellStep", "[2 5]", "[2 4]")
	mustPanic(t, func() { tp.GRUCellStep(z(2, 3), z(2, 4), z(3, 12), z(4, 12), z(12), z(8)) }, "GRUCellStep", "[8]")
	mustPanic(t, func() { tp.Attention(z(2, 3, 4), z(2, 5, 3), z(2, 5, 2), 1, false, nil) }, "Attention", "[2 3 4]", "[2 5 3]")
	mustPanic(t, func() { tp.Attention(z(2, 3, 4), z(2, 5, 4), z(2, 5, 2), 1, true, nil) }, "Attention", "causal", "[2 3 4]", "[2 5 4]")
	mustPanic(t, func() { tp.Attention(z(2, 3, 4), z(2, 5, 4), z(2, 5, 2), 1, false, tensor.New(5, 3)) }, "Attention", "mask shape [5 3]")
	mustPanic(t, func() { tp.SelfAttentionQKV(z(6, 12), 4, 2, 1, false, nil) }, "SelfAttentionQKV", "[6 12]", "batch 4")
	mustPanic(t, func() { tp.SelfAttentionQKV(z(6, 12), 2, 3, 1, false, nil) }, "SelfAttentionQKV", "[6 12]", "3 heads")
	mustPanic(t, func() { tp.SelfAttentionQKV(z(6, 12), 2, 2, 1, false, tensor.New(3, 2)) }, "SelfAttentionQKV", "mask shape [3 2]")
}
