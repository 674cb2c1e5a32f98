package nn

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// runLoss records f, projects its output on fixed random weights, runs
// the backward pass and returns the output's values and the gradients of
// params. It also counts the recorded nodes in nodes.
func runLoss(f func(tp *autograd.Tape) *autograd.Var, params []*autograd.Var) (val []float64, grads [][]float64) {
	autograd.ZeroGrad(params...)
	for _, p := range params {
		p.Grad = nil
	}
	tp := autograd.NewTape()
	out := f(tp)
	r := autograd.Const("R", tensor.RandN(tensor.NewRNG(5), out.Value.Shape...))
	tp.Backward(tp.Sum(tp.Mul(out, r)))
	nodes = tp.Len()
	for _, p := range params {
		grads = append(grads, slices.Clone(p.Grad.Data))
	}
	return slices.Clone(out.Value.Data), grads
}

// nodes is the number of nodes the last runLoss recorded.
var nodes int

// sameRun fails unless the two runs agree to tol relative (0: bit for
// bit).
func sameRun(t *testing.T, params []*autograd.Var, tol float64, fv, uv []float64, fg, ug [][]float64) {
	t.Helper()
	cmp := func(what string, a, b []float64) {
		t.Helper()
		for i := range b {
			if d := math.Abs(a[i] - b[i]); !(d <= tol*math.Max(1, math.Abs(b[i]))) {
				t.Fatalf("%s[%d]: fused %.17g, unfused %.17g", what, i, a[i], b[i])
			}
		}
	}
	if len(fv) != len(uv) {
		t.Fatalf("%d outputs, want %d", len(fv), len(uv))
	}
	cmp("output", fv, uv)
	for i, p := range params {
		cmp("grad "+p.Name, fg[i], ug[i])
	}
}

// TestFusedLayersMatchUnfused: each layer's fused path (Dense.ForwardAct,
// the recurrent cells and attention with Fused set) gives the outputs and
// gradients of the unfused path the lessons record: the dense layer and
// attention bit for bit, the recurrent layers over a whole sequence
// (backpropagation through time) to 1e-12.
func TestFusedLayersMatchUnfused(t *testing.T) {
	rng := tensor.NewRNG(21)
	x2, x3 := autograd.NewParam("x", tensor.RandN(rng, 6, 5)), autograd.NewParam("x", tensor.RandN(rng, 2, 3, 5))
	d := NewDense("d", 5, 4, rng)
	d.B.Value = tensor.RandN(rng, 4)
	acts := map[autograd.Activation]func(tp *autograd.Tape, v *autograd.Var) *autograd.Var{
		autograd.ActNone:    func(_ *autograd.Tape, v *autograd.Var) *autograd.Var { return v },
		autograd.ActReLU:    (*autograd.Tape).ReLU,
		autograd.ActTanh:    (*autograd.Tape).Tanh,
		autograd.ActSigmoid: (*autograd.Tape).Sigmoid,
	}
	for act, f := range acts {
		for _, x := range []*autograd.Var{x2, x3} {
			ps := append(d.Params(), x)
			fv, fg := runLoss(func(tp *autograd.Tape) *autograd.Var { return d.ForwardAct(tp, x, act) }, ps)
			fn := nodes
			uv, ug := runLoss(func(tp *autograd.Tape) *autograd.Var { return f(tp, d.Forward(tp, x)) }, ps)
			if fn >= nodes && act != autograd.ActNone {
				t.Fatalf("%v: the fused dense layer recorded %d nodes, the unfused %d", act, fn, nodes)
			}
			sameRun(t, ps, 0, fv, uv, fg, ug)
		}
	}

	conv := NewConv2D("conv", 2, 3, 3, 1, 1, rng)
	img := autograd.NewParam("img", tensor.RandN(rng, 2, 2, 5, 4))
	for act, f := range acts {
		ps := append(conv.Params(), img)
		fv, fg := runLoss(func(tp *autograd.Tape) *autograd.Var { return conv.ForwardAct(tp, img, act) }, ps)
		uv, ug := runLoss(func(tp *autograd.Tape) *autograd.Var { return f(tp, conv.Forward(tp, img)) }, ps)
		sameRun(t, ps, 0, fv, uv, fg, ug)
	}

	seq := autograd.NewParam("seq", tensor.RandN(rng, 3, 7, 5))
	rnn, lstm, gru := NewRNN("rnn", 5, 4, rng), NewLSTM("lstm", 5, 4, rng), NewGRU("gru", 5, 4, rng)
	for _, p := range append(rnn.Params(), gru.Params()...) {
		if len(p.Value.Shape) == 1 {
			p.Value = tensor.RandN(rng, p.Value.Shape...)
		}
	}
	cells := []struct {
		name   string
		fused  *bool
		params []*autograd.Var
		f      func(tp *autograd.Tape) *autograd.Var
	}{
		{"rnn", &rnn.Cell.Fused, rnn.Params(), func(tp *autograd.Tape) *autograd.Var { return rnn.Forward(tp, seq) }},
		{"lstm", &lstm.Cell.Fused, lstm.Params(), func(tp *autograd.Tape) *autograd.Var {
			all, _, c := lstm.ForwardFrom(tp, seq, nil, nil)
			return tp.Concat(1, tp.Flatten(all), c) // the last cell state too
		}},
		{"gru", &gru.Cell.Fused, gru.Params(), func(tp *autograd.Tape) *autograd.Var { return gru.Forward(tp, seq) }},
	}
	for _, c := range cells {
		ps := append(c.params, seq)
		*c.fused = true
		fv, fg := runLoss(c.f, ps)
		fn := nodes
		*c.fused = false
		uv, ug := runLoss(c.f, ps)
		t.Run(c.name, func(t *testing.T) {
			if fn >= nodes {
				t.Fatalf("fused: %d nodes, unfused %d", fn, nodes)
			}
			sameRun(t, ps, 1e-12, fv, uv, fg, ug)
		})
	}

	// One step of each cell, fused and not.
	xs, hs := autograd.NewParam("xs", tensor.RandN(rng, 3, 5)), autograd.NewParam("hs", tensor.RandN(rng, 3, 4))
	cs := autograd.NewParam("cs", tensor.RandN(rng, 3, 4))
	steps := []struct {
		name   string
		fused  *bool
		params []*autograd.Var
		f      func(tp *autograd.Tape) *autograd.Var
	}{
		{"rnn step", &rnn.Cell.Fused, append(rnn.Params(), xs, hs), func(tp *autograd.Tape) *autograd.Var { return rnn.Cell.Step(tp, xs, hs) }},
		{"lstm step", &lstm.Cell.Fused, append(lstm.Params(), xs, hs, cs), func(tp *autograd.Tape) *autograd.Var {
			h, c := lstm.Cell.Step(tp, xs, hs, cs)
			return tp.Concat(1, h, c)
		}},
		{"gru step", &gru.Cell.Fused, append(gru.Params(), xs, hs), func(tp *autograd.Tape) *autograd.Var { return gru.Cell.Step(tp, xs, hs) }},
	}
	for _, c := range steps {
		ps := c.params
		*c.fused = true
		fv, fg := runLoss(c.f, ps)
		fn := nodes
		*c.fused = false
		uv, ug := runLoss(c.f, ps)
		t.Run(c.name, func(t *testing.T) {
			if fn >= nodes {
				t.Fatalf("fused: %d nodes, unfused %d", fn, nodes)
			}
			sameRun(t, ps, 1e-12, fv, uv, fg, ug)
		})
	}

	for _, causal := range []bool{false, true} {
		m := NewMultiHeadAttention("attn", 8, 2, causal, rng)
		xa := autograd.NewParam("xa", tensor.RandN(rng, 2, 5, 8))
		ps := append(m.Params(), xa)
		m.Fused = true
		fv, fg := runLoss(func(tp *autograd.Tape) *autograd.Var { return m.Forward(tp, xa) }, ps)
		fw, fn := m.Weights.Clone(), nodes
		m.Fused = false
		uv, ug := runLoss(func(tp *autograd.Tape) *autograd.Var { return m.Forward(tp, xa) }, ps)
		if fn >= nodes {
			t.Fatalf("causal %v: fused attention recorded %d nodes, unfused %d", causal, fn, nodes)
		}
		sameRun(t, ps, 0, fv, uv, fg, ug)
		if !slices.Equal(fw.Shape, m.Weights.Shape) || !slices.Equal(fw.Data, m.Weights.Data) {
			t.Fatalf("causal %v: fused attention weights differ", causal)
		}
	}
}

// TestFusedLayersGrad gradient-checks the fused paths through the layers.
func TestFusedLayersGrad(t *testing.T) {
	rng := tensor.NewRNG(8)
	seq := autograd.NewParam("seq", tensor.RandN(rng, 2, 3, 2))
	r := NewRNN("rnn", 2, 3, rng)
	r.Cell.Fused = true
	h0 := autograd.NewParam("h0", tensor.RandN(rng, 2, 3))
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var {
		all, last := r.ForwardFrom(tp, seq, h0)
		return tp.Concat(1, tp.Flatten(all), last)
	}, append(r.Params(), seq, h0)...)
	l := NewLSTM("lstm", 2, 3, rng)
	l.Cell.Fused = true
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var { return l.Forward(tp, seq) }, append(l.Params(), seq)...)
	g := NewGRU("gru", 2, 3, rng)
	g.Cell.Fused = true
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var { return g.Forward(tp, seq) }, append(g.Params(), seq)...)
	m := NewMultiHeadAttention("attn", 4, 2, true, rng)
	m.Fused = true
	xa := autograd.NewParam("xa", tensor.RandN(rng, 2, 3, 4))
	checkGrad(t, func(tp *autograd.Tape) *autograd.Var { return m.Forward(tp, xa) }, append(m.Params(), xa)...)
}

// TestLSTMAgainstTorch compares one step, unfused and fused, and its
// gradients (of sum(h') + 2·sum(c')) with torch.nn.LSTMCell in float64,
// numbers generated once by testdata/lstm_ref.py (PyTorch 1.13) with the
// same weights.
func TestLSTMAgainstTorch(t *testing.T) {
	want := map[string][]float64{
		"h":   {-0.5132838693303896, 0.10976909956532657},
		"c":   {-0.8605283337022271, 0.6733523427104087},
		"dx":  {-0.3676637560200313, 0.2728277304621567},
		"dh":  {0.317896097888511, -0.22732267220258778},
		"dc":  {2.2209113406500567, 0.9659892326307019},
		"dWx": {-0.4140013777388005, 0.36353917474522796, -0.07988249245705628, 0.3789699430468475, 0.22152432444457895, 0.2597076817355838, -0.12153314425134722, 0.08032371944369911, 0.5980019900671563, -0.5251121412986627, 0.11538582243797017, -0.5474010288454464, -0.3199795797532807, -0.37513331806250994, 0.17554787502972377, -0.11602315030756538},
		"dWh": {-0.1840006123283558, 0.16157296655343467, -0.0355033299809139, 0.1684310857985989, 0.09845525530870175, 0.11542563632692614, -0.05401473077837654, 0.035699430863866274, 0.0920003061641779, -0.08078648327671734, 0.01775166499045695, -0.08421554289929944, -0.049227627654350875, -0.05771281816346307, 0.02700736538918827, -0.017849715431933137},
		"db":  {-0.46000153082088946, 0.4039324163835866, -0.08875832495228475, 0.4210777144964972, 0.24613813827175438, 0.2885640908173153, -0.13503682694594135, 0.08924857715966568},
	}
	for _, fused := range []bool{false, true} {
		c := NewLSTMCell("l", 2, 2, tensor.NewRNG(1))
		c.Fused = fused
		copy(c.Wx.Value.Data, []float64{0.3, -0.5, 0.8, 0.1, -0.2, 0.4, 0.25, -0.35, 0.6, 0.2, -0.7, 0.5, 0.9, -0.3, -0.15, 0.45})
		copy(c.Wh.Value.Data, []float64{-0.4, 0.7, 0.2, -0.6, 0.3, 0.5, 0.55, -0.25, 0.1, -0.8, 0.6, 0.4, -0.5, 0.2, -0.45, 0.35})
		copy(c.B.Value.Data, []float64{0.1, -0.2, 1.05, 0.7, -0.1, 0.2, 0.3, -0.4})
		x := autograd.NewParam("x", tensor.FromValues([]float64{0.9, -1.3}, 1, 2))
		h := autograd.NewParam("h", tensor.FromValues([]float64{0.4, -0.2}, 1, 2))
		cs := autograd.NewParam("c", tensor.FromValues([]float64{-0.6, 0.8}, 1, 2))
		tp := autograd.NewTape()
		h2, c2 := c.Step(tp, x, h, cs)
		tp.Backward(tp.Add(tp.Sum(h2), tp.Scale(tp.Sum(c2), 2)))
		got := map[string][]float64{"h": h2.Value.Data, "c": c2.Value.Data, "dx": x.Grad.Data, "dh": h.Grad.Data, "dc": cs.Grad.Data,
			"dWx": c.Wx.Grad.Data, "dWh": c.Wh.Grad.Data, "db": c.B.Grad.Data}
		for k, w := range want {
			for i := range w {
				if math.Abs(got[k][i]-w[i]) > 1e-14 {
					t.Errorf("fused %v: %s[%d] = %.17g, torch %.17g", fused, k, i, got[k][i], w[i])
				}
			}
		}
	}
}
