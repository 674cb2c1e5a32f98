package autograd

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
	"gonum.org/v1/gonum/blas"
)

// Activation names the non-linearity a fused op applies to its
// pre-activation: DenseAct's act.
type Activation int

// The activations of DenseAct. ActNone is the identity.
const (
	ActNone    Activation = 0
	ActReLU    Activation = 1
	ActTanh    Activation = 2
	ActSigmoid Activation = 3
)

// String is the activation's op name ("relu"), or "none".
func (a Activation) String() string {
	switch a {
	case ActNone:
		return "none"
	case ActReLU:
		return "relu"
	case ActTanh:
		return "tanh"
	case ActSigmoid:
		return "sigmoid"
	}
	return "Activation(" + itoa(int(a)) + ")"
}

// apply writes act(z) into z in place, with the activation op's own
// kernel (split between the cores for large z).
func (a Activation) apply(z []float64) {
	switch a {
	case ActReLU:
		each2(costCheap, z, z, reluKernel)
	case ActTanh:
		each2(costExp, z, z, tanhKernel)
	case ActSigmoid:
		each2(costExp, z, z, sigmoidKernel)
	}
}

// kernels returns the activation's forward and gradient kernels (nil for
// ActNone) and the cost of an element, as apply and grad use them.
func (a Activation) kernels() (fwd func(dst, a []float64), grad func(dst, g, y []float64), cost int) {
	switch a {
	case ActReLU:
		return reluKernel, reluGradKernel, costCheap
	case ActTanh:
		return tanhKernel, tanhGradKernel, costExp
	case ActSigmoid:
		return sigmoidKernel, sigmoidGradKernel, costExp
	}
	return nil, nil, costCheap
}

// biasAct adds the bias b to every row of z (rows of len(b)) and applies
// act, row by row while the row is in cache (split between the cores by
// rows for large z): the same operations per element as adding the bias
// everywhere and then applying act, so the same bits.
func biasAct(z, b []float64, act Activation) {
	n := len(b)
	fwd, _, cost := act.kernels()
	rows := func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := z[r*n : (r+1)*n]
			for j, bj := range b {
				row[j] += bj
			}
			if fwd != nil {
				fwd(row, row)
			}
		}
	}
	if n == 0 || !tensor.ParallelWorth(len(z)*cost) {
		rows(0, len(z)/max(n, 1))
		return
	}
	tensor.ParallelFor(len(z)/n, len(z)*cost, rows)
}

// actGradBiasSum writes g ⊙ act′ (from the output y) into d, as grad does
// (d may be g itself for ActNone), and the sum of d's rows into gb (rows
// of len(gb)), adding row after row from 0 as tensor.SumTo does. With
// AVX-512 (biasGradColumns) each lane of a vector runs one column's sum,
// for ReLU with its gradient in the same pass; else, for small d, both
// happen in one pass over the rows.
func actGradBiasSum(d, g, y, gb []float64, act Activation) {
	n := len(gb)
	_, grad, cost := act.kernels()
	switch act {
	case ActNone:
		if biasGradColumns(nil, g, nil, gb, false) {
			return
		}
	case ActReLU:
		if biasGradColumns(d, g, y, gb, true) {
			return
		}
	default:
		if biasGradVector {
			act.grad(d, g, y)
			if biasGradColumns(nil, d, nil, gb, false) {
				return
			}
		}
	}
	clear(gb)
	if n == 0 {
		return
	}
	if grad != nil && tensor.ParallelWorth(len(d)*cost) {
		act.grad(d, g, y)
		grad = nil
	}
	for r := 0; r < len(d); r += n {
		dr := d[r : r+n]
		if grad != nil {
			grad(dr, g[r:r+n], y[r:r+n])
		}
		for j, v := range dr {
			gb[j] += v
		}
	}
}

// grad writes g ⊙ act′ into d, with act′ computed from the activation's
// output y, exactly as the activation op's backward pass does: ReLU passes
// g where y > 0 (the same as where the pre-activation is > 0), tanh
// multiplies by 1 − y², sigmoid by y(1 − y).
func (a Activation) grad(d, g, y []float64) {
	switch a {
	case ActNone:
		copy(d, g)
	case ActReLU:
		each3(costCheap, d, g, y, reluGradKernel)
	case ActTanh:
		each3(costCheap, d, g, y, tanhGradKernel)
	case ActSigmoid:
		each3(costCheap, d, g, y, sigmoidGradKernel)
	}
}

// DenseAct returns act(x·w + b), a dense layer and its activation as one
// op: for 2-D x [m k], w [k n] and b [n] (or nil for no bias) the result
// is [m n]. It computes the same values as Add(MatMul(x, w), b) followed
// by the activation's op, bit for bit, in one pass over the output and
// with one tensor instead of three. It panics, naming both shapes, if x or
// w is not 2-D, their inner sizes differ or b is not [n]; and on an
// unknown activation.
//
// A layer with one output (a readout, a discriminator's logit) computes
// its product and its weights' gradient with the loops below rather than
// the general matrix product, which pads the single column to its tile
// width and packs x transposed: the same fused multiply-adds in the same
// order, so the same bits.
//
// Backward, with d = g ⊙ act′ (from the output, as ReLU, Tanh and Sigmoid
// do): dL/dx = d·wᵀ, dL/dw = xᵀ·d, dL/db = d summed over the rows.
// DenseAct is not element-wise, so it has no Local; the lessons show the
// unfused ops.
func (t *Tape) DenseAct(x, w, b *Var, act Activation) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.DenseAct(in[0], in[1], optional(in, 2), act) })
	if act < ActNone || act > ActSigmoid {
		panic(fmt.Sprintf("autograd: DenseAct: unknown activation %d", int(act)))
	}
	if len(x.Value.Shape) != 2 || len(w.Value.Shape) != 2 {
		panic(fmt.Sprintf("autograd: DenseAct: shapes %v and %v must both be 2-D", x.Value.Shape, w.Value.Shape))
	}
	m, n := x.Value.Shape[0], w.Value.Shape[1]
	inputs := []*Var{x, w}
	if b != nil {
		if len(b.Value.Shape) != 1 || b.Value.Shape[0] != n {
			panic(fmt.Sprintf("autograd: DenseAct: bias shape %v for weights %v, want [%d]", b.Value.Shape, w.Value.Shape, n))
		}
		inputs = append(inputs, b)
	}
	out := t.ar.Uninit(m, n)
	switch {
	case n == 1:
		columnProduct(out.Data, x.Value.Data, w.Value.Data)
		if b != nil {
			biasAct(out.Data, b.Value.Data, act)
		} else {
			act.apply(out.Data)
		}
	default:
		// The bias and ReLU are applied by the product's kernel to each
		// tile before it is stored (the same operations as biasAct's);
		// tanh and sigmoid pass over the output afterwards.
		var bias *tensor.Tensor
		if b != nil {
			bias = b.Value
		}
		tensor.MatMulBiasInto(out, x.Value, w.Value, bias, act == ActReLU)
		if act != ActReLU {
			act.apply(out.Data)
		}
	}
	v := t.record("dense", out, inputs, func(g *tensor.Tensor) []*tensor.Tensor {
		d := g
		if act != ActNone {
			d = t.ar.Uninit(m, n)
		}
		var gb *tensor.Tensor
		if b != nil && b.requiresGrad {
			gb = t.ar.Uninit(n)
			actGradBiasSum(d.Data, g.Data, out.Data, gb.Data, act)
		} else if act != ActNone {
			act.grad(d.Data, g.Data, out.Data)
		}
		var gx, gw *tensor.Tensor
		if x.requiresGrad {
			gx = t.ar.Uninit(x.Value.Shape...)
			tensor.MatMulInto(gx, d, w.Value, false, true, 0)
		}
		if w.requiresGrad {
			gw = t.ar.Uninit(w.Value.Shape...)
			if n == 1 {
				columnWeightGrad(gw.Data, x.Value.Data, d.Data)
			} else {
				tensor.MatMulInto(gw, x.Value, d, true, false, 0)
			}
		}
		if b == nil {
			return []*tensor.Tensor{gx, gw}
		}
		return []*tensor.Tensor{gx, gw, gb}
	}, nil)
	return withAttrs(v, "act="+act.String())
}

// columnProduct writes x·w into out for x [m k] and w [k 1] (len(out) = m):
// out[r] = fma(x[r][k−1], w[k−1], … fma(x[r][0], w[0], 0)), the sequence
// the engine's matrix product performs for each element. With AVX-512,
// eight rows run in the lanes of a vector over the columns in blocks of
// eight (columnProductPrefix), and each row's chain goes on over the last
// k mod 8 columns here; otherwise four rows run together, so that four
// independent chains overlap.
func columnProduct(out, x, w []float64) {
	m, k := len(out), len(w)
	r, cols := columnProductPrefix(out, x, w)
	if cols < k {
		for i := range r {
			s := out[i]
			for p := cols; p < k; p++ {
				s = math.FMA(x[i*k+p], w[p], s)
			}
			out[i] = s
		}
	}
	for ; r+4 <= m; r += 4 {
		x0, x1, x2, x3 := x[r*k:][:k], x[(r+1)*k:][:k], x[(r+2)*k:][:k], x[(r+3)*k:][:k]
		var s0, s1, s2, s3 float64
		for p, wv := range w {
			s0 = math.FMA(x0[p], wv, s0)
			s1 = math.FMA(x1[p], wv, s1)
			s2 = math.FMA(x2[p], wv, s2)
			s3 = math.FMA(x3[p], wv, s3)
		}
		out[r], out[r+1], out[r+2], out[r+3] = s0, s1, s2, s3
	}
	for ; r < m; r++ {
		s := 0.0
		for p, xv := range x[r*k:][:k] {
			s = math.FMA(xv, w[p], s)
		}
		out[r] = s
	}
}

// columnWeightGrad writes xᵀ·d into gw for x [m k] and d [m 1]
// (len(gw) = k): gw[p] = fma(x[m−1][p], d[m−1], … fma(x[0][p], d[0], 0)),
// the engine's matrix product's sequence. It runs as the one-row product
// dᵀ·x [1 m]·[m k], whose kernels keep the k sums in vector lanes, each
// running over the rows in order: fma(d[r], x[r][p], s) is fma(x[r][p],
// d[r], s), so the same bits, about four times faster than a loop over
// the rows for the discriminators' 128×64 x.
func columnWeightGrad(gw, x, d []float64) {
	m, k := len(d), len(gw)
	tensor.BLAS{}.Dgemm(blas.NoTrans, blas.NoTrans, 1, k, m, 1, d, max(m, 1), x, max(k, 1), 0, gw, max(k, 1))
}
