package trainer

import (
	"fmt"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// The batchnorm exercise in mine mode, on the ops nn.BatchNorm records in
// training (the toolkit lesson's):
//
//	μ = mean(x, axis=0, keepdims)   xc = sub(x, μ)
//	σ² = mean(square(xc), axis=0, keepdims)   std = sqrt(addc(σ², c=ε))
//	y = add(mul(div(xc, std), γ), β)
//
// TrainForward(x, γ, β, runMean, runVar, momentum, ε) is compared on y
// (its first MineCap elements), at y's add; its running statistics are
// not: the engine updates them while it records, and they are not on the
// tape, so the adapter passes zeros and momentum 0 and leaves newMean and
// newVar unchecked. Backward(x, γ, ε, dy), dy being y's gradient, is
// compared on dβ at y's add, dγ at the mul, and dx at μ's mean, the last
// node of the layer the backward pass reaches: x's gradient is then the
// one sub(x, μ) sent plus the one μ sends, and the learner's dx is made
// the sum (when x has no use outside the layer).
func init() {
	mineForward("add", "batchnorm", "TrainForward", bnForward)
	mineBackward("add", "batchnorm", "Backward", bnBackwardBeta)
	mineBackward("mul", "batchnorm", "Backward", bnBackwardGamma)
	mineBackward("mean", "batchnorm", "Backward", bnBackwardX)
}

// bnLayer is a batch normalisation found on the tape.
type bnLayer struct {
	add, mul, mu *autograd.Node
	x            *autograd.Var
	n, f         int
	eps          float64
}

// inputNode returns the node of n's input i if it has op op, else nil.
func inputNode(n *autograd.Node, i int, op string) *autograd.Node {
	if n == nil || i >= len(n.Inputs) {
		return nil
	}
	m := n.Inputs[i].Node()
	if m == nil || m.Op != op {
		return nil
	}
	return m
}

// bnPattern matches the layer at y's add.
func bnPattern(tp *autograd.Tape, add *autograd.Node) (bnLayer, bool) {
	if add.Op != "add" || len(add.Inputs) != 2 {
		return bnLayer{}, false
	}
	mul := inputNode(add, 0, "mul")
	div := inputNode(mul, 0, "div")
	sub := inputNode(div, 0, "sub")
	sqrt := inputNode(div, 1, "sqrt")
	mu := inputNode(sub, 1, "mean")
	addc := inputNode(sqrt, 0, "addc")
	v2 := inputNode(addc, 0, "mean")
	sq := inputNode(v2, 0, "square")
	if sq == nil || mu == nil || sq.Inputs[0] != sub.Out || mu.Inputs[0] != sub.Inputs[0] ||
		mu.Attrs != "axis=0, keepdims" || v2.Attrs != "axis=0, keepdims" ||
		!onlyInput(tp, mul.Out, add) || !onlyInput(tp, div.Out, mul) {
		return bnLayer{}, false
	}
	x := sub.Inputs[0]
	xs, gs, bs := x.Value.Shape, mul.Inputs[1].Value.Shape, add.Inputs[1].Value.Shape
	if len(xs) != 2 || xs[0] < 2 || len(gs) != 1 || len(bs) != 1 || gs[0] != xs[1] || bs[0] != xs[1] {
		return bnLayer{}, false
	}
	// ε from the attributes (4 digits), if it is the one the op added.
	eps, ok := attr(addc.Attrs, "c")
	if !ok || addc.Out.Value.Data[0] != v2.Out.Value.Data[0]+eps {
		return bnLayer{}, false
	}
	return bnLayer{add: add, mul: mul, mu: mu, x: x, n: xs[0], f: xs[1], eps: eps}, true
}

// bnBack keeps the learner's Backward of the last layers, by the layer's
// add: the three checks of one layer in one backward pass share one call
// (dy, the gradient of y, is complete from the first on). A node the
// cache holds is not collected, so its address names one step's layer.
var bnBack = struct {
	sync.Mutex
	keys []*autograd.Node
	by   map[*autograd.Node]bnGrads
}{by: map[*autograd.Node]bnGrads{}}

type bnGrads struct {
	dx            [][]float64
	dgamma, dbeta []float64
}

// bnBackward returns Backward(x, γ, ε, dy) with dy the gradient of y,
// calling it at the layer's first check of the pass.
func bnBackward(impl any, l bnLayer, c *compare) (dx [][]float64, dgamma, dbeta []float64, ok bool) {
	bnBack.Lock()
	g, ok := bnBack.by[l.add]
	bnBack.Unlock()
	if ok {
		return g.dx, g.dgamma, g.dbeta, true
	}
	dx, dgamma, dbeta, ok = bnCall(impl, l, c)
	if ok {
		bnBack.Lock()
		bnBack.by[l.add] = bnGrads{dx, dgamma, dbeta}
		bnBack.keys = append(bnBack.keys, l.add)
		if len(bnBack.keys) > 64 {
			delete(bnBack.by, bnBack.keys[0])
			bnBack.keys = bnBack.keys[1:]
		}
		bnBack.Unlock()
	}
	return dx, dgamma, dbeta, ok
}

// bnCall calls Backward(x, γ, ε, dy) with dy the gradient of y.
func bnCall(impl any, l bnLayer, c *compare) (dx [][]float64, dgamma, dbeta []float64, ok bool) {
	dy := l.add.Out.Grad
	if dy == nil {
		return nil, nil, nil, false
	}
	f := impl.(*checks.BatchNormImpl).Backward
	x, g, d := matrix(l.x.Value, l.n, l.f), append([]float64(nil), l.mul.Inputs[1].Value.Data...), matrix(dy, l.n, l.f)
	if !c.call(func() { dx, dgamma, dbeta = f(x, g, l.eps, d) }) {
		return nil, nil, nil, false
	}
	if msg := shapeProblem(dx, l.n, l.f); msg != "" {
		c.problem("dx " + msg)
		return nil, nil, nil, false
	}
	if len(dgamma) != l.f || len(dbeta) != l.f {
		c.problem(fmt.Sprintf("dgamma has %d values and dbeta %d, want %d each (one per feature)", len(dgamma), len(dbeta), l.f))
		return nil, nil, nil, false
	}
	return dx, dgamma, dbeta, true
}

// bnForward: TrainForward's y at y's add.
func bnForward(impl any, n *autograd.Node, c *compare) {
	l, ok := bnPattern(c.tape, n)
	if !ok {
		return
	}
	f := impl.(*checks.BatchNormImpl).TrainForward
	x := matrix(l.x.Value, l.n, l.f)
	g := append([]float64(nil), l.mul.Inputs[1].Value.Data...)
	b := append([]float64(nil), n.Inputs[1].Value.Data...)
	c.total = len(n.Out.Value.Data)
	var y [][]float64
	if !c.call(func() { y, _, _ = f(x, g, b, make([]float64, l.f), make([]float64, l.f), 0, l.eps) }) {
		return
	}
	if msg := shapeProblem(y, l.n, l.f); msg != "" {
		c.problem("y " + msg)
		return
	}
	out := n.Out.Value
	for i := 0; i < l.n && c.Checked < MineCap; i++ {
		for j := range l.f {
			if !c.elem(out, i*l.f+j, fmt.Sprintf("y[%d][%d]", i, j), out.Data[i*l.f+j], y[i][j], nil, nil) {
				return
			}
		}
	}
}

// bnVec compares the learner's v with the gradient g.
func bnVec(c *compare, g *tensor.Tensor, name string, v []float64) {
	c.total = len(g.Data)
	for j := 0; j < len(v) && c.Checked < MineCap; j++ {
		if !c.elem(g, j, fmt.Sprintf("%s[%d]", name, j), g.Data[j], v[j], nil, nil) {
			return
		}
	}
}

// bnBackwardBeta: dβ at y's add.
func bnBackwardBeta(impl any, st autograd.Step, c *compare) {
	l, ok := bnPattern(c.tape, st.Node)
	if !ok || st.Grads[1] == nil {
		return
	}
	if _, _, dbeta, ok := bnBackward(impl, l, c); ok {
		bnVec(c, st.Grads[1], "dbeta", dbeta)
	}
}

// bnBackwardGamma: dγ at the mul of γ.
func bnBackwardGamma(impl any, st autograd.Step, c *compare) {
	l, ok := bnAfter(c.tape, st.Node, func(l bnLayer) bool { return l.mul == st.Node })
	if !ok || st.Grads[1] == nil {
		return
	}
	if _, dgamma, _, ok := bnBackward(impl, l, c); ok {
		bnVec(c, st.Grads[1], "dgamma", dgamma)
	}
}

// bnBackwardX: dx at μ's mean, when x's only uses are μ and xc: the sum
// of what xc's sub sent (x.Grad so far) and what μ sends is x's gradient;
// the learner's dx is sent as dx − x.Grad, so that the sum is theirs.
func bnBackwardX(impl any, st autograd.Step, c *compare) {
	l, ok := bnAfter(c.tape, st.Node, func(l bnLayer) bool { return l.mu == st.Node })
	g := st.Grads[0]
	if !ok || g == nil || l.x.Grad == nil || uses(c.tape, l.x) != 2 {
		return
	}
	dx, _, _, ok := bnBackward(impl, l, c)
	if !ok {
		return
	}
	so := l.x.Grad.Data
	c.total = len(g.Data)
	for i := 0; i < l.n*l.f && c.Checked < MineCap; i++ {
		yours := dx[i/l.f][i%l.f]
		if !c.elem(nil, i, fmt.Sprintf("dx[%d][%d]", i/l.f, i%l.f), so[i]+g.Data[i], yours, nil, nil) {
			return
		}
		c.writes = append(c.writes, write{g, i, yours - so[i]})
	}
}

// bnAfter finds the layer whose y's add comes after n on the tape and
// that is (is).
func bnAfter(tp *autograd.Tape, n *autograd.Node, is func(bnLayer) bool) (bnLayer, bool) {
	for _, m := range tp.Nodes()[n.Index+1:] {
		if m.Op != "add" {
			continue
		}
		if l, ok := bnPattern(tp, m); ok && is(l) {
			return l, true
		}
	}
	return bnLayer{}, false
}
