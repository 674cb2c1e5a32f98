package trainer

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// Attention as engine/nn's MultiHeadAttention records it, one head of one
// example at a time ([batch·heads T dk] slices):
//
//	scores = scale(bmm(q, k, transB), 1/√dk)
//	a      = softmax(scores)  or  softmax(add(scores, mask)) with causal
//	out    = bmm(a, v)
//
// where mask is a constant [T T] of 0 on and below the diagonal and at
// most −1e9 above it: the engine's stand-in for −∞, whose exp is exactly
// 0 as the exercises' −∞ is (for scores far from 1e9). Attention pooling
// (the sentiment lesson) and the causal softmax (textgen) are matched the
// same way below.

// maskFloor is the largest score the engine's masks add for "−∞".
const maskFloor = -1e9

// attnHead is a matched scaled dot-product attention.
type attnHead struct {
	q, k, v *tensor.Tensor // [n T dk], [n T dk], [n T dv]
	sm      *autograd.Node // the softmax
	scores  *tensor.Tensor // the scaled scores [n T T] (before the mask)
	causal  bool
}

// matchScores matches the input of a softmax: scale(bmm(q, k, transB),
// 1/√dk), plus a causal mask if add. It returns the scale node and
// whether the mask is there.
func matchScores(sm *autograd.Node) (sc, qk *autograd.Node, causal bool) {
	in := sm.Inputs[0]
	if add := made(in, "add"); add != nil {
		m := add.Inputs[1]
		if m.Node() != nil || m.RequiresGrad() || !isCausalMask(m.Value, add.Inputs[0].Value) {
			return nil, nil, false
		}
		in, causal = add.Inputs[0], true
	}
	sc = made(in, "scale")
	if sc == nil {
		return nil, nil, false
	}
	qk = made(sc.Inputs[0], "bmm")
	if qk == nil || qk.Attrs != "transB" {
		return nil, nil, false
	}
	q := qk.Inputs[0].Value
	if len(q.Shape) != 3 {
		return nil, nil, false
	}
	c, ok := attr(sc.Attrs, "c")
	want := 1 / math.Sqrt(float64(q.Shape[2]))
	// The attribute has 4 significant digits.
	if !ok || strconv.FormatFloat(want, 'g', 4, 64) != strconv.FormatFloat(c, 'g', 4, 64) {
		return nil, nil, false
	}
	return sc, qk, causal
}

// isCausalMask reports whether m ([T T]) is 0 where j ≤ i and at most
// maskFloor where j > i, for scores s [n T T].
func isCausalMask(m, s *tensor.Tensor) bool {
	if len(m.Shape) != 2 || len(s.Shape) != 3 || m.Shape[0] != s.Shape[1] || m.Shape[1] != s.Shape[2] || m.Shape[0] != m.Shape[1] {
		return false
	}
	T := m.Shape[0]
	for i := range T {
		for j := range T {
			v := m.Data[i*T+j]
			if j <= i && v != 0 || j > i && v > maskFloor {
				return false
			}
		}
	}
	return true
}

// matchAttention matches attention whose last op, bmm(a, v), is n.
func matchAttention(n *autograd.Node) *attnHead {
	if n == nil || n.Op != "bmm" || n.Attrs != "" {
		return nil
	}
	sm := made(n.Inputs[0], "softmax")
	if sm == nil {
		return nil
	}
	sc, qk, causal := matchScores(sm)
	if sc == nil {
		return nil
	}
	q, k, v := qk.Inputs[0].Value, qk.Inputs[1].Value, n.Inputs[1].Value
	if len(k.Shape) != 3 || len(v.Shape) != 3 || k.Shape[0] != q.Shape[0] || v.Shape[0] != q.Shape[0] ||
		k.Shape[2] != q.Shape[2] || v.Shape[1] != k.Shape[1] {
		return nil
	}
	return &attnHead{q: q, k: k, v: v, sm: sm, scores: sc.Out.Value, causal: causal}
}

// slab returns slice s of a [n rows cols] tensor as a rows×cols matrix.
func slab(t *tensor.Tensor, s int) [][]float64 {
	r, c := t.Shape[1], t.Shape[2]
	return mat(t.Data, s*r*c, r, c)
}

// slabElems compares slice s of t (dst: the tensor the step goes on
// with, or nil) with the learner's matrix, named name.
func slabElems(c *compare, dst, t *tensor.Tensor, s int, name string, yours [][]float64) bool {
	r, w := t.Shape[1], t.Shape[2]
	if msg := shapeProblem(yours, r, w); msg != "" {
		c.problem(name + " " + msg)
		return false
	}
	for i := range r {
		for j := range w {
			k := s*r*w + i*w + j
			if !c.elem(dst, k, fmt.Sprintf("%s[%d][%d][%d]", name, s, i, j), t.Data[k], yours[i][j], nil, nil) {
				return false
			}
		}
	}
	return true
}

// attnPool is a matched attention pooling (the sentiment lesson's):
//
//	s  = reshape(matmul(reshape(H, B·T, d), w), B, T)
//	α  = softmax(add(s, mask))      mask: 0 on a sentence's n words, ≤ −1e9 on its padding
//	h̄  = bmm(reshape(α, B, 1, T), H)
type attnPool struct {
	H, w      *autograd.Var
	mm, alpha *autograd.Node // the matmul H·w and the softmax
	out       *autograd.Node // the bmm
	n         []int          // each example's words
	B, T, d   int
}

// matchAttnPool matches attention pooling whose last op, the bmm, is n;
// each example's words are read from the mask (a prefix of zeros, then
// the padding).
func matchAttnPool(n *autograd.Node) *attnPool {
	if n == nil || n.Op != "bmm" || n.Attrs != "" {
		return nil
	}
	ar := made(n.Inputs[0], "reshape")
	if ar == nil {
		return nil
	}
	sm := made(ar.Inputs[0], "softmax")
	if sm == nil {
		return nil
	}
	add := made(sm.Inputs[0], "add")
	if add == nil {
		return nil
	}
	sr := made(add.Inputs[0], "reshape")
	if sr == nil {
		return nil
	}
	mm := made(sr.Inputs[0], "matmul")
	if mm == nil {
		return nil
	}
	hr := made(mm.Inputs[0], "reshape")
	if hr == nil || hr.Inputs[0] != n.Inputs[1] {
		return nil
	}
	H, w, mask := n.Inputs[1], mm.Inputs[1], add.Inputs[1]
	if len(H.Value.Shape) != 3 {
		return nil
	}
	B, T, d := H.Value.Shape[0], H.Value.Shape[1], H.Value.Shape[2]
	if !shaped(w, d, 1) || !shaped(mask, B, T) || mask.Node() != nil || mask.RequiresGrad() || !shaped(sm.Out, B, T) ||
		!shaped(ar.Out, B, 1, T) || !shaped(hr.Out, B*T, d) || !shaped(n.Out, B, 1, d) {
		return nil
	}
	p := &attnPool{H: H, w: w, mm: mm, alpha: sm, out: n, B: B, T: T, d: d}
	for b := range B {
		row := mask.Value.Data[b*T : (b+1)*T]
		k := 0
		for k < T && row[k] == 0 {
			k++
		}
		for _, v := range row[k:] {
			if v > maskFloor {
				return nil // not a prefix of words, then padding
			}
		}
		if k == 0 {
			return nil
		}
		p.n = append(p.n, k)
	}
	return p
}

// poolGrads is the learner's attnpool.Backward on every example.
type poolGrads struct {
	dH [][][]float64 // per example, T×d
	dw []float64     // summed over the batch
}

func poolBackward(f func(H [][]float64, w []float64, n int, dPooled []float64) ([][]float64, []float64), p *attnPool, c *compare) *poolGrads {
	up := p.out.Out.Grad
	if up == nil {
		return nil
	}
	w := slices.Clone(p.w.Value.Data)
	g := &poolGrads{dw: make([]float64, p.d)}
	for b := range p.B {
		H := mat(p.H.Value.Data, b*p.T*p.d, p.T, p.d)
		dp := vec(up.Data, b*p.d, p.d)
		var dH [][]float64
		var dw []float64
		if !c.call(func() { dH, dw = f(H, w, p.n[b], dp) }) {
			return nil
		}
		if msg := shapeProblem(dH, p.T, p.d); msg != "" {
			c.problem("dH " + msg)
			return nil
		}
		if msg := vecProblem("dw", dw, p.d); msg != "" {
			c.problem(msg)
			return nil
		}
		g.dH = append(g.dH, dH)
		for j := range dw {
			g.dw[j] += dw[j]
		}
	}
	return g
}

// matchCausalSoftmax matches a causal masked softmax n,
// softmax(add(scale(bmm(q, k, transB), 1/√dk), mask)) with the causal
// mask, and returns the scale node (the scores before the mask).
func matchCausalSoftmax(n *autograd.Node) *autograd.Node {
	if n == nil || n.Op != "softmax" {
		return nil
	}
	sc, _, causal := matchScores(n)
	if sc == nil || !causal {
		return nil
	}
	return sc
}

// logSoftmaxCE is a matched cross-entropy of one example written as
// neg(index_select(log_softmax(z), axis 1, ids=[t])), z [1 V].
type logSoftmaxCE struct {
	z      *autograd.Var
	ls, ng *autograd.Node
	target int
}

// matchLogSoftmaxCE matches the cross-entropy whose neg is n; the
// log_softmax and the index_select must have no other use.
func matchLogSoftmaxCE(tp *autograd.Tape, n *autograd.Node) *logSoftmaxCE {
	if n == nil || n.Op != "neg" {
		return nil
	}
	is := made(n.Inputs[0], "index_select")
	if is == nil || !strings.HasPrefix(is.Attrs, "axis=1, ids=[") || !strings.HasSuffix(is.Attrs, "]") {
		return nil
	}
	t, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(is.Attrs, "axis=1, ids=["), "]"))
	ls := made(is.Inputs[0], "log_softmax")
	if err != nil || ls == nil || len(ls.Inputs[0].Value.Shape) != 2 || ls.Inputs[0].Value.Shape[0] != 1 {
		return nil
	}
	if len(users(tp, ls.Out)) != 1 || len(users(tp, is.Out)) != 1 || !shaped(n.Out, 1, 1) {
		return nil
	}
	return &logSoftmaxCE{z: ls.Inputs[0], ls: ls, ng: n, target: t}
}

func init() {
	// attention.Attention(Q, K, V, causal) on the first heads of the
	// first examples (the [batch·heads T dk] slices) until MineCap
	// outputs: its weights are compared with the softmax's, then its
	// output with bmm(a, v)'s, which the step goes on with.
	mineForward("bmm", "attention", "Attention", func(impl any, n *autograd.Node, c *compare) {
		a := matchAttention(n)
		if a == nil {
			return
		}
		f := impl.(*checks.AttentionImpl).Attention
		out := n.Out.Value
		c.total = len(out.Data)
		for s := 0; s < a.q.Shape[0] && c.Checked < MineCap; s++ {
			Q, K, V := slab(a.q, s), slab(a.k, s), slab(a.v, s)
			var o, w [][]float64
			if !c.call(func() { o, w = f(Q, K, V, a.causal) }) {
				return
			}
			// The weights are compared first (a wrong scale or mask shows
			// there) but only the outputs count as checked.
			before := c.Checked
			if !slabElems(c, nil, a.sm.Out.Value, s, "weights", w) {
				return
			}
			c.Checked = before
			if !slabElems(c, out, out, s, "out", o) {
				return
			}
		}
	})

	// posenc.Encode(T, d) against the constant positional encodings a
	// lesson adds to its tokens: add(x [batch T d], P [T d]) with P a
	// constant named "P" (the attention lesson's). Every element of P is
	// compared; when all agree, the add's output becomes x + your P.
	mineForward("add", "posenc", "Encode", func(impl any, n *autograd.Node, c *compare) {
		x, p := n.Inputs[0], n.Inputs[1]
		if p.Name != "P" || p.Node() != nil || p.RequiresGrad() || len(p.Value.Shape) != 2 || len(x.Value.Shape) != 3 ||
			x.Value.Shape[1] != p.Value.Shape[0] || x.Value.Shape[2] != p.Value.Shape[1] {
			return
		}
		T, d := p.Value.Shape[0], p.Value.Shape[1]
		f := impl.(*checks.PosEncImpl).Encode
		c.total = T * d
		var pe [][]float64
		if !c.call(func() { pe = f(T, d) }) {
			return
		}
		if msg := shapeProblem(pe, T, d); msg != "" {
			c.problem(msg)
			return
		}
		for t := range T {
			for j := range d {
				if !c.elem(nil, 0, fmt.Sprintf("PE[%d][%d]", t, j), p.Value.Data[t*d+j], pe[t][j], nil, nil) {
					return
				}
			}
		}
		out, xs := n.Out.Value, x.Value.Data
		for k := range out.Data {
			c.writes = append(c.writes, write{out, k, xs[k] + pe[k/d%T][k%d]})
		}
	})

	// attnpool.Pool(H, w, n) on the first examples of the batch (n: the
	// example's words, read from the mask): its weights are compared with
	// α, its pooled vector with the bmm's output, which the step goes on
	// with.
	mineForward("bmm", "attnpool", "Pool", func(impl any, n *autograd.Node, c *compare) {
		p := matchAttnPool(n)
		if p == nil {
			return
		}
		f := impl.(*checks.AttnPoolImpl).Pool
		w := slices.Clone(p.w.Value.Data)
		out, alpha := n.Out.Value, p.alpha.Out.Value
		c.total = len(out.Data)
		for b := range rows(p.B, p.d) {
			H := mat(p.H.Value.Data, b*p.T*p.d, p.T, p.d)
			var a, pooled []float64
			if !c.call(func() { a, pooled = f(H, w, p.n[b]) }) {
				return
			}
			if msg := vecProblem("weights", a, p.T) + vecProblem("pooled", pooled, p.d); msg != "" {
				c.problem(msg)
				return
			}
			for t := range p.T {
				k := b*p.T + t
				if !c.elem(nil, k, fmt.Sprintf("weights[%d][%d]", b, t), alpha.Data[k], a[t], nil, nil) {
					return
				}
				c.Checked--
			}
			for j := range p.d {
				k := b*p.d + j
				if !c.elem(out, k, fmt.Sprintf("pooled[%d][%d]", b, j), out.Data[k], pooled[j], nil, nil) {
					return
				}
			}
		}
	})
	// attnpool.Backward(H, w, n, dPooled) on every example, dPooled the
	// gradient arriving at the bmm: dw at the matmul H·w (the engine's
	// sums over the batch), dH where it is whole, at the stack that makes
	// H (the gradients of the pooling path and of the score path added; H
	// must have no other use), for the first examples.
	poolBack := func(impl any, st autograd.Step, c *compare) {
		var p *attnPool
		switch st.Node.Op {
		case "matmul":
			p = anchorOf(c.tape, st.Node, 5, matchAttnPool, func(p *attnPool, n *autograd.Node) bool { return p.mm == n })
		case "stack":
			for _, u := range users(c.tape, st.Node.Out) {
				if q := matchAttnPool(u); q != nil && q.H == st.Node.Out {
					p = q
				}
			}
			if p != nil && len(users(c.tape, st.Node.Out)) != 2 {
				p = nil
			}
		}
		if p == nil {
			return
		}
		f := impl.(*checks.AttnPoolImpl).Backward
		g := memo(p.out, impl, func() *poolGrads { return poolBackward(f, p, c) })
		if g == nil {
			if c.OK {
				c.problem("no gradient reached the pooled vector")
			}
			return
		}
		if st.Node == p.mm {
			c.total = p.d
			sumElems(c, st.Grads[1], "dw", g.dw, 0)
			return
		}
		// stack(h_1 … h_T) along axis 1: Grads[t] is [B d], row b of it
		// dH of example b at time t.
		if len(st.Grads) != p.T || st.Node.Attrs != "axis=1" {
			return
		}
		c.total = p.B * p.T * p.d
		for b := range rows(p.B, p.T*p.d) {
			for t, gt := range st.Grads {
				if gt == nil {
					continue
				}
				for j := range p.d {
					if !c.elem(gt, b*p.d+j, fmt.Sprintf("dH[%d][%d][%d]", b, t, j), gt.Data[b*p.d+j], g.dH[b][t][j], nil, nil) {
						return
					}
				}
			}
		}
	}
	mineBackward("matmul", "attnpool", "Backward", poolBack)
	mineBackward("stack", "attnpool", "Backward", poolBack)

	// causalmask.MaskedSoftmax(scores) on the first [T T] slices of the
	// scaled scores of a causal attention (before the engine's mask is
	// added), compared with the softmax's output.
	mineForward("softmax", "causalmask", "MaskedSoftmax", func(impl any, n *autograd.Node, c *compare) {
		sc := matchCausalSoftmax(n)
		if sc == nil {
			return
		}
		f := impl.(*checks.CausalMaskImpl).MaskedSoftmax
		s, out := sc.Out.Value, n.Out.Value
		c.total = len(out.Data)
		for k := 0; k < s.Shape[0] && c.Checked < MineCap; k++ {
			scores := slab(s, k)
			var w [][]float64
			if !c.call(func() { w = f(scores) }) {
				return
			}
			if !slabElems(c, out, out, k, "w", w) {
				return
			}
		}
	})
	// causalmask.MaskedSoftmaxBackward(weights, grad) on the same slices:
	// the gradient the softmax sends to the masked scores.
	mineBackward("softmax", "causalmask", "MaskedSoftmaxBackward", func(impl any, st autograd.Step, c *compare) {
		if matchCausalSoftmax(st.Node) == nil || st.Grads[0] == nil {
			return
		}
		f := impl.(*checks.CausalMaskImpl).MaskedSoftmaxBackward
		out, g := st.Node.Out.Value, st.Grads[0]
		c.total = len(g.Data)
		for k := 0; k < out.Shape[0] && c.Checked < MineCap; k++ {
			w, up := slab(out, k), slab(st.Upstream, k)
			var ds [][]float64
			if !c.call(func() { ds = f(w, up) }) {
				return
			}
			if !slabElems(c, g, g, k, "ds", ds) {
				return
			}
		}
	})

	// softmax.CrossEntropy(z, target) on a loss of one example written
	// neg(index_select(log_softmax(z), axis 1, [target])) (the
	// embeddings lesson's), compared with the neg's output.
	mineForward("neg", "softmax", "CrossEntropy", func(impl any, n *autograd.Node, c *compare) {
		ce := matchLogSoftmaxCE(c.tape, n)
		if ce == nil {
			return
		}
		f := impl.(*checks.SoftmaxImpl).CrossEntropy
		z := slices.Clone(ce.z.Value.Data)
		c.total = 1
		var l float64
		if !c.call(func() { l = f(z, ce.target) }) {
			return
		}
		c.elem(n.Out.Value, 0, "", n.Out.Value.Data[0], l, nil, nil)
	})
	// softmax.Grad(z, target): the gradient log_softmax sends to z in that
	// pattern, when the neg is the loss (its gradient is 1).
	mineBackward("log_softmax", "softmax", "Grad", func(impl any, st autograd.Step, c *compare) {
		var ce *logSoftmaxCE
		for _, u := range users(c.tape, st.Node.Out) {
			for _, v := range users(c.tape, u.Out) {
				if m := matchLogSoftmaxCE(c.tape, v); m != nil && m.ls == st.Node {
					ce = m
				}
			}
		}
		if ce == nil || st.Grads[0] == nil || ce.ng.Out.Grad == nil || ce.ng.Out.Grad.Data[0] != 1 {
			return
		}
		f := impl.(*checks.SoftmaxImpl).Grad
		z := slices.Clone(ce.z.Value.Data)
		c.total = len(z)
		var g []float64
		if !c.call(func() { g = f(z, ce.target) }) {
			return
		}
		if msg := vecProblem("the gradient", g, len(z)); msg != "" {
			c.problem(msg)
			return
		}
		dz := st.Grads[0]
		for j := range z {
			if !c.elem(dz, j, fmt.Sprintf("[%d]", j), dz.Data[j], g[j], []any{z, ce.target}, g) {
				return
			}
		}
	})
}
