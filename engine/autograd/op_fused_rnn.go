package autograd

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
	"gonum.org/v1/gonum/blas"
)

// The recurrent cells' steps as single ops: both matrix products, the bias
// and the gate non-linearities in one forward pass, and the whole chain
// rule of the step in one backward pass. Each computes what its unfused
// composition in package nn computes (to rounding: the two products are
// accumulated into one tensor) and keeps only what its backward pass
// needs. The lessons show the unfused ops.

// RNNCellStep returns one step of a vanilla (Elman) recurrent cell,
//
//	h' = tanh(x·wx + h·wh + b)
//
// for x [batch in], h [batch hidden], wx [in hidden], wh [hidden hidden]
// and b [hidden]; the result is [batch hidden]. It panics, naming the
// shapes, if they do not fit.
//
// Backward, with d = g ⊙ (1 − h'²): dL/dx = d·wxᵀ, dL/dh = d·whᵀ,
// dL/dwx = xᵀ·d, dL/dwh = hᵀ·d, dL/db = d summed over the batch.
func (t *Tape) RNNCellStep(x, h, wx, wh, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.RNNCellStep(in[0], in[1], in[2], in[3], in[4]) })
	bs, n := cellShapes("RNNCellStep", x, h, wx, wh, 1, b)
	out := cellPre(t.ar, x, h, wx, wh, b, bs, n)
	tensor.TanhInto(out.Data, out.Data) // math.Tanh's bits, several at a time
	return t.record("rnn_cell", out, []*Var{x, h, wx, wh, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(bs, n)
		for i, y := range out.Data {
			d.Data[i] = g.Data[i] * (1 - y*y)
		}
		gx, gwx := linearGrads(t.ar, d, x, wx)
		gh, gwh := linearGrads(t.ar, d, h, wh)
		return []*tensor.Tensor{gx, gh, gwx, gwh, biasGrad(t.ar, d, b)}
	}, nil)
}

// LSTMCellStep returns one step of an LSTM cell with the gate blocks in
// the order i, f, g, o (as nn.LSTMCell and PyTorch),
//
//	z = x·wx + h·wh + b
//	i = σ(z_i)  f = σ(z_f)  g = tanh(z_g)  o = σ(z_o)
//	c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//
// for x [batch in], h and c [batch hidden], wx [in 4·hidden],
// wh [hidden 4·hidden] and b [4·hidden]. Both new states come back in one
// tensor [batch 2·hidden]: h' in the first hidden columns, c' in the
// others (take them apart with Slice). It panics, naming the shapes, if
// they do not fit.
//
// Backward, with g_h and g_c the two halves of g: dc' = g_c + g_h ⊙ o ⊙
// (1 − tanh²c'); the gates' pre-activations receive dz_i = dc'⊙g⊙i(1−i),
// dz_f = dc'⊙c⊙f(1−f), dz_g = dc'⊙i⊙(1−g²), dz_o = g_h⊙tanh(c')⊙o(1−o);
// then dL/dc = dc' ⊙ f and the products' rules as in RNNCellStep.
func (t *Tape) LSTMCellStep(x, h, c, wx, wh, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.LSTMCellStep(in[0], in[1], in[2], in[3], in[4], in[5]) })
	bs, n := cellShapes("LSTMCellStep", x, h, wx, wh, 4, b)
	if !tensor.SameShape(c.Value, h.Value) {
		panic(fmt.Sprintf("autograd: LSTMCellStep: cell state shape %v and hidden state shape %v differ", c.Value.Shape, h.Value.Shape))
	}
	z := cellPre(t.ar, x, h, wx, wh, b, bs, 4*n) // becomes the gates i, f, g, o
	out := t.ar.New(bs, 2*n)
	tc := t.ar.New(bs, n) // tanh(c')
	for r := range bs {
		zr := z.Data[r*4*n : (r+1)*4*n]
		zi, zf, zg, zo := zr[:n], zr[n:2*n], zr[2*n:3*n], zr[3*n:]
		cr := c.Value.Data[r*n : (r+1)*n]
		hr, cn, tr := out.Data[r*2*n:r*2*n+n], out.Data[r*2*n+n:(r+1)*2*n], tc.Data[r*n:(r+1)*n]
		for j := range n {
			i, f, g, o := sigmoid(zi[j]), sigmoid(zf[j]), math.Tanh(zg[j]), sigmoid(zo[j])
			zi[j], zf[j], zg[j], zo[j] = i, f, g, o
			cv := f*cr[j] + i*g
			th := math.Tanh(cv)
			cn[j], tr[j], hr[j] = cv, th, o*th
		}
	}
	return t.record("lstm_cell", out, []*Var{x, h, c, wx, wh, b}, func(gr *tensor.Tensor) []*tensor.Tensor {
		dz := t.ar.New(bs, 4*n)
		var dc *tensor.Tensor
		if c.requiresGrad {
			dc = t.ar.New(bs, n)
		}
		for r := range bs {
			zr, dzr := z.Data[r*4*n:(r+1)*4*n], dz.Data[r*4*n:(r+1)*4*n]
			gh, gc := gr.Data[r*2*n:r*2*n+n], gr.Data[r*2*n+n:(r+1)*2*n]
			cr, tr := c.Value.Data[r*n:(r+1)*n], tc.Data[r*n:(r+1)*n]
			for j := range n {
				i, f, g, o := zr[j], zr[n+j], zr[2*n+j], zr[3*n+j]
				th := tr[j]
				dcn := gc[j] + gh[j]*o*(1-th*th)
				dzr[j] = dcn * g * i * (1 - i)
				dzr[n+j] = dcn * cr[j] * f * (1 - f)
				dzr[2*n+j] = dcn * i * (1 - g*g)
				dzr[3*n+j] = gh[j] * th * o * (1 - o)
				if dc != nil {
					dc.Data[r*n+j] = dcn * f
				}
			}
		}
		gx, gwx := linearGrads(t.ar, dz, x, wx)
		gh, gwh := linearGrads(t.ar, dz, h, wh)
		return []*tensor.Tensor{gx, gh, dc, gwx, gwh, biasGrad(t.ar, dz, b)}
	}, nil)
}

// GRUCellStep returns one step of a GRU cell in PyTorch's form (as
// nn.GRUCell), with the gate blocks r, z, n:
//
//	a = x·wx + bx,  e = h·wh + bh
//	r = σ(a_r + e_r)  z = σ(a_z + e_z)  n = tanh(a_n + r ⊙ e_n)
//	h' = n + z ⊙ (h − n)
//
// for x [batch in], h [batch hidden], wx [in 3·hidden],
// wh [hidden 3·hidden] and bx, bh [3·hidden]; the result is
// [batch hidden]. It panics, naming the shapes, if they do not fit.
//
// Backward: dn = g ⊙ (1 − z), dz = g ⊙ (h − n); the pre-activations
// receive da_n = dn ⊙ (1 − n²), de_n = da_n ⊙ r, d(a_r+e_r) =
// da_n ⊙ e_n ⊙ r(1 − r), d(a_z+e_z) = dz ⊙ z(1 − z); dL/dh = g ⊙ z +
// de·whᵀ, and the products' and biases' rules as in RNNCellStep for the
// two sides a and e.
func (t *Tape) GRUCellStep(x, h, wx, wh, bx, bh *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.GRUCellStep(in[0], in[1], in[2], in[3], in[4], in[5]) })
	bs, n := cellShapes("GRUCellStep", x, h, wx, wh, 3, bx)
	cellShapes("GRUCellStep", x, h, wx, wh, 3, bh)
	a := cellPre(t.ar, x, nil, wx, nil, bx, bs, 3*n) // becomes r, z, n
	e := cellPre(t.ar, h, nil, wh, nil, bh, bs, 3*n) // keeps e_n
	out := t.ar.New(bs, n)
	for r := range bs {
		ar, er := a.Data[r*3*n:(r+1)*3*n], e.Data[r*3*n:(r+1)*3*n]
		hr, or := h.Value.Data[r*n:(r+1)*n], out.Data[r*n:(r+1)*n]
		for j := range n {
			rg := sigmoid(ar[j] + er[j])
			zg := sigmoid(ar[n+j] + er[n+j])
			ng := math.Tanh(ar[2*n+j] + rg*er[2*n+j])
			ar[j], ar[n+j], ar[2*n+j] = rg, zg, ng
			or[j] = ng + zg*(hr[j]-ng)
		}
	}
	return t.record("gru_cell", out, []*Var{x, h, wx, wh, bx, bh}, func(g *tensor.Tensor) []*tensor.Tensor {
		da, de := t.ar.New(bs, 3*n), t.ar.New(bs, 3*n)
		var gh *tensor.Tensor
		if h.requiresGrad {
			gh = t.ar.New(bs, n)
		}
		for r := range bs {
			ar, er := a.Data[r*3*n:(r+1)*3*n], e.Data[r*3*n:(r+1)*3*n]
			dar, der := da.Data[r*3*n:(r+1)*3*n], de.Data[r*3*n:(r+1)*3*n]
			gr, hr := g.Data[r*n:(r+1)*n], h.Value.Data[r*n:(r+1)*n]
			for j := range n {
				rg, zg, ng := ar[j], ar[n+j], ar[2*n+j]
				dan := gr[j] * (1 - zg) * (1 - ng*ng)
				dr := dan * er[2*n+j] * rg * (1 - rg)
				dz := gr[j] * (hr[j] - ng) * zg * (1 - zg)
				dar[j], dar[n+j], dar[2*n+j] = dr, dz, dan
				der[j], der[n+j], der[2*n+j] = dr, dz, dan*rg
				if gh != nil {
					gh.Data[r*n+j] = gr[j] * zg
				}
			}
		}
		gx, gwx := linearGrads(t.ar, da, x, wx)
		gh2, gwh := linearGrads(t.ar, de, h, wh)
		if gh != nil {
			tensor.AddInto(gh, gh2)
		}
		return []*tensor.Tensor{gx, gh, gwx, gwh, biasGrad(t.ar, da, bx), biasGrad(t.ar, de, bh)}
	}, nil)
}

// cellShapes checks a recurrent cell's operands, x [batch in],
// h [batch hidden], wx [in gates·hidden], wh [hidden gates·hidden] and the
// bias b [gates·hidden], and returns batch and hidden. It panics, naming
// op and the shapes, if they do not fit.
func cellShapes(op string, x, h, wx, wh *Var, gates int, b *Var) (batch, hidden int) {
	sx, sh, swx, swh, sb := x.Value.Shape, h.Value.Shape, wx.Value.Shape, wh.Value.Shape, b.Value.Shape
	if len(sx) != 2 || len(sh) != 2 || len(swx) != 2 || len(swh) != 2 || len(sb) != 1 {
		panic(fmt.Sprintf("autograd: %s: shapes x %v, h %v, wx %v, wh %v, b %v: want 2-D x, h and weights and a 1-D bias", op, sx, sh, swx, swh, sb))
	}
	hidden = sh[1]
	if sx[0] != sh[0] || swx[0] != sx[1] || swh[0] != hidden || swx[1] != gates*hidden || swh[1] != gates*hidden || sb[0] != gates*hidden {
		panic(fmt.Sprintf("autograd: %s: shapes x %v, h %v, wx %v, wh %v, b %v do not fit (want x [batch in], h [batch hidden], wx [in %d·hidden], wh [hidden %d·hidden], b [%d·hidden])",
			op, sx, sh, swx, swh, sb, gates, gates, gates))
	}
	return sx[0], hidden
}

// cellPre returns x·wx + h·wh + b as [batch width]: the second product is
// accumulated into the first, and is skipped when h is nil.
func cellPre(ar *tensor.Arena, x, h, wx, wh, b *Var, batch, width int) *tensor.Tensor {
	z := ar.New(batch, width)
	tensor.MatMulInto(z, x.Value, wx.Value, false, false, 0)
	if h != nil {
		tensor.MatMulInto(z, h.Value, wh.Value, false, false, 1)
	}
	for r := range batch {
		row := z.Data[r*width : (r+1)*width]
		for j, bj := range b.Value.Data {
			row[j] += bj
		}
	}
	return z
}

// linearGrads returns dL/din = d·wᵀ and dL/dw = inᵀ·d for the product
// in·w, each nil when its operand needs no gradient.
func linearGrads(ar *tensor.Arena, d *tensor.Tensor, in, w *Var) (gin, gw *tensor.Tensor) {
	if in.requiresGrad {
		gin = ar.New(in.Value.Shape...)
		tensor.MatMulInto(gin, d, w.Value, false, true, 0)
	}
	if w.requiresGrad {
		gw = ar.New(w.Value.Shape...)
		tensor.MatMulInto(gw, in.Value, d, true, false, 0)
	}
	return gin, gw
}

// biasGrad returns d summed over its rows, the gradient of a bias b added
// to every row, or nil when b needs none.
func biasGrad(ar *tensor.Arena, d *tensor.Tensor, b *Var) *tensor.Tensor {
	if !b.requiresGrad {
		return nil
	}
	return ar.SumTo(d, b.Value.Shape)
}

// RNNSequence runs a vanilla recurrent cell over a whole time-major
// sequence as one op, h_t = tanh(x_t·wx + h_{t−1}·wh + b) for t = 0 … T−1
// from h0, for x [T batch in], h0 [batch hidden], wx [in hidden],
// wh [hidden hidden] and b [hidden]; the result holds every state,
// [T batch hidden]. It computes what T RNNCellSteps compute, to rounding.
// It panics, naming the shapes, if they do not fit or T is 0.
//
// Backward (backpropagation through time): from the last step back,
// d_t = (g_t + d_{t+1}·whᵀ) ⊙ (1 − h_t²); then, over all steps at once,
// dL/dx = d·wxᵀ, dL/dwx = Σ x_tᵀ·d_t, dL/dwh = Σ h_{t−1}ᵀ·d_t,
// dL/db = Σ d_t summed over the batch and dL/dh0 = d_0·whᵀ.
//
// The rows of the batch do not interact through the recurrence, so the
// recurrence and the backward pass through time split the rows between
// the cores, each running every step for its own rows (the same bits on
// any number of cores).
func (t *Tape) RNNSequence(x, h0, wx, wh, b *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.RNNSequence(in[0], in[1], in[2], in[3], in[4]) })
	sx := x.Value.Shape
	if len(sx) != 3 || sx[0] == 0 {
		panic(fmt.Sprintf("autograd: RNNSequence: input shape %v, want [T batch in] with T ≥ 1", sx))
	}
	steps, bs, in := sx[0], sx[1], sx[2]
	xt := func(s int) *Var { // step s of x, as a constant view
		return Const("x", &tensor.Tensor{Shape: []int{bs, in}, Data: x.Value.Data[s*bs*in : (s+1)*bs*in]})
	}
	_, n := cellShapes("RNNSequence", xt(0), h0, wx, wh, 1, b)
	out := t.ar.Uninit(steps, bs, n)
	view := func(data []float64, s, cols int) *tensor.Tensor { // rows of step s
		return &tensor.Tensor{Shape: []int{bs, cols}, Data: data[s*bs*cols : (s+1)*bs*cols]}
	}
	// All the input products at once, then the recurrence step by step.
	all := &tensor.Tensor{Shape: []int{steps * bs, n}, Data: out.Data}
	tensor.MatMulInto(all, x.Value.Reshape(steps*bs, in), wx.Value, false, false, 0)
	// The batch's rows are independent through the recurrence: with
	// several cores, each runs all the steps for its own rows.
	bias := b.Value.Data
	work := steps * bs * n * (n + 8)
	tensor.ParallelFor(bs, work, func(lo, hi int) {
		prev := h0.Value.Data[lo*n:]
		for s := range steps {
			z := out.Data[(s*bs+lo)*n : (s*bs+hi)*n]
			rowsGemm(hi-lo, n, n, prev, wh.Value.Data, 1, z)
			for r := 0; r < len(z); r += n {
				row := z[r : r+n]
				for j, bj := range bias {
					row[j] += bj
				}
			}
			tensor.TanhInto(z, z) // math.Tanh's bits, several at a time
			prev = z
		}
	})
	return t.record("rnn_sequence", out, []*Var{x, h0, wx, wh, b}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(steps, bs, n)
		whT := t.ar.Uninit(n, n) // whᵀ, so that each step's product reads it in place
		for i := range n {
			for j := range n {
				whT.Data[j*n+i] = wh.Value.Data[i*n+j]
			}
		}
		tensor.ParallelFor(bs, work, func(lo, hi int) { // each core its own rows, as forward
			for s := steps - 1; s >= 0; s-- {
				a, e := (s*bs+lo)*n, (s*bs+hi)*n
				ds := d.Data[a:e]
				if s < steps-1 { // the gradient through h_s from step s+1
					rowsGemm(hi-lo, n, n, d.Data[a+bs*n:], whT.Data, 0, ds)
				}
				gs, hs := g.Data[a:e], out.Data[a:e]
				for i, y := range hs {
					ds[i] = (gs[i] + ds[i]) * (1 - y*y)
				}
			}
		})
		dAll := d.Reshape(steps*bs, n)
		var gx, gh0, gwx, gwh, gb *tensor.Tensor
		if x.requiresGrad {
			gx = t.ar.Uninit(sx...)
			tensor.MatMulInto(gx.Reshape(steps*bs, in), dAll, wx.Value, false, true, 0)
		}
		if h0.requiresGrad {
			gh0 = t.ar.Uninit(bs, n)
			tensor.MatMulInto(gh0, view(d.Data, 0, n), wh.Value, false, true, 0)
		}
		if wx.requiresGrad {
			gwx = t.ar.Uninit(in, n)
			tensor.MatMulInto(gwx, x.Value.Reshape(steps*bs, in), dAll, true, false, 0)
		}
		if wh.requiresGrad {
			gwh = t.ar.Uninit(n, n)
			tensor.MatMulInto(gwh, h0.Value, view(d.Data, 0, n), true, false, 0)
			if steps > 1 {
				hPrev := &tensor.Tensor{Shape: []int{(steps - 1) * bs, n}, Data: out.Data[:(steps-1)*bs*n]}
				dNext := &tensor.Tensor{Shape: []int{(steps - 1) * bs, n}, Data: d.Data[bs*n:]}
				tensor.MatMulInto(gwh, hPrev, dNext, true, false, 1)
			}
		}
		if b.requiresGrad {
			gb = t.ar.SumTo(dAll, b.Value.Shape)
		}
		return []*tensor.Tensor{gx, gh0, gwx, gwh, gb}
	}, nil)
}

// rnnDirectRows is the number of rows of a product up to which the
// engine's matrix product reads an untransposed B in place instead of
// packing it (tensor's gemmDirectRows).
const rnnDirectRows = 12

// rowsGemm computes c = a·b + beta·c for row-major a [m k], b [k n] and
// c [m n] (beta 0 or 1) with the engine's product, in slices of at most
// rnnDirectRows rows: the recurrence's per-step products then read the
// recurrent weights in place rather than packing them again at every
// step. Every element of c sees the same fused multiply-adds in the same
// order as in one product of all m rows, so the bits are the same.
func rowsGemm(m, n, k int, a, b []float64, beta float64, c []float64) {
	for lo := 0; lo < m; lo += rnnDirectRows {
		hi := min(m, lo+rnnDirectRows)
		tensor.BLAS{}.Dgemm(blas.NoTrans, blas.NoTrans, hi-lo, n, k, 1, a[lo*k:hi*k], k, b, n, beta, c[lo*n:hi*n], n)
	}
}
