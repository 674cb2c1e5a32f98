package trainer

import (
	"fmt"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// Mine-mode adapters of the network lessons (linreg, logreg, backprop,
// overfit): the mse, logistic (its Grad), dense and regularize (dropout)
// exercises. Most of them match a pattern of several ops around their
// anchor node; a node where the pattern is not found is not checked.
//
// What the lessons compute and these exercises do not, and is therefore
// not checked:
//   - regularize.DropoutForward: the engine's dropout keeps its mask but
//     not the uniform draws u the exercise takes, so the lesson's real
//     inputs cannot be given to it (DropoutBackward, on the real mask, is
//     checked).
//   - backprop.Backward: the exercise's network ends in a linear layer
//     (Ŷ = tanh(x·W1 + b1)·W2 + b2, MSE on Ŷ); the backprop lesson's ends
//     in a sigmoid (p = σ(h·W2 + b2), MSE on p), so the exercise's
//     gradients are not the lesson's.
//   - logistic.Grad where the engine's BCE clamped p (|z| ≳ 16.1): the
//     engine sends 0 there (the clamp's derivative), the exercise
//     (σ(z) − y)/n; those elements are left out of the comparison.
func init() {
	mineForward("mean", "mse", "Loss", mseLoss)
	mineBackward("sub", "mse", "Grad", mseGrad)
	mineBackward("sigmoid", "logistic", "Grad", logisticGradBCE)
	mineBackward("bce_logits", "logistic", "Grad", logisticGradLogits)
	mineForward("add", "dense", "Forward", denseForward)
	mineBackward("add", "dense", "Backward", denseBackwardBias)
	mineBackward("matmul", "dense", "Backward", denseBackwardMatMul)
	mineBackward("dropout", "regularize", "DropoutBackward", dropoutBackward)
}

// uses counts the inputs of the nodes of tp that are v (a node using v
// twice counts twice).
func uses(tp *autograd.Tape, v *autograd.Var) int {
	k := 0
	for _, n := range tp.Nodes() {
		for _, in := range n.Inputs {
			if in == v {
				k++
			}
		}
	}
	return k
}

// onlyInput reports whether v's single use on tp is as an input of n.
func onlyInput(tp *autograd.Tape, v *autograd.Var, n *autograd.Node) bool {
	if uses(tp, v) != 1 {
		return false
	}
	for _, in := range n.Inputs {
		if in == v {
			return true
		}
	}
	return false
}

// isOne reports whether t is a single 1: the gradient a loss is seeded
// with.
func isOne(t *tensor.Tensor) bool { return t != nil && len(t.Data) == 1 && t.Data[0] == 1 }

// msePattern matches L = mean(square(sub(ŷ, y))) at the mean node n: a
// mean over every element (no axis), of a square used only there, of a
// sub used only by the square, whose operands have the same shape (no
// broadcasting). It returns the sub node.
func msePattern(tp *autograd.Tape, n *autograd.Node) *autograd.Node {
	if n.Op != "mean" || n.Attrs != "" || len(n.Inputs) != 1 || len(n.Out.Value.Data) != 1 {
		return nil
	}
	sq := n.Inputs[0].Node()
	if sq == nil || sq.Op != "square" || !onlyInput(tp, sq.Out, n) {
		return nil
	}
	sub := sq.Inputs[0].Node()
	if sub == nil || sub.Op != "sub" || !onlyInput(tp, sub.Out, sq) ||
		!tensor.SameShape(sub.Inputs[0].Value, sub.Inputs[1].Value) || len(sub.Inputs[0].Value.Data) == 0 {
		return nil
	}
	return sub
}

// mseLoss: mse.Loss(pred, target) at the mean of
// L = mean(square(sub(ŷ, y))), pred = ŷ and target = y flattened: the
// exercise's mean over the n predictions is the engine's mean over all
// elements.
func mseLoss(impl any, n *autograd.Node, c *compare) {
	sub := msePattern(c.tape, n)
	if sub == nil {
		return
	}
	f := impl.(*checks.MSEImpl).Loss
	pred := append([]float64(nil), sub.Inputs[0].Value.Data...)
	target := append([]float64(nil), sub.Inputs[1].Value.Data...)
	c.total = 1
	var l float64
	if !c.call(func() { l = f(pred, target) }) {
		return
	}
	c.elem(n.Out.Value, 0, "", n.Out.Value.Data[0], l, []any{pred, target}, l)
}

// mseGrad: mse.Grad(pred, target) against the gradient the sub of
// L = mean(square(sub(ŷ, y))) sends to ŷ, when the mean's upstream
// gradient is 1 (it is the loss): 2·(ŷ − y)/n, n the number of elements.
func mseGrad(impl any, st autograd.Step, c *compare) {
	sub := st.Node
	if len(sub.Inputs) != 2 || st.Grads[0] == nil {
		return
	}
	var mean *autograd.Node
	for _, m := range c.tape.Nodes()[sub.Index+1:] {
		if m.Op == "mean" && msePattern(c.tape, m) == sub {
			mean = m
			break
		}
	}
	if mean == nil || !isOne(mean.Out.Grad) {
		return
	}
	f := impl.(*checks.MSEImpl).Grad
	pred := append([]float64(nil), sub.Inputs[0].Value.Data...)
	target := append([]float64(nil), sub.Inputs[1].Value.Data...)
	g := st.Grads[0]
	c.total = len(g.Data)
	var got []float64
	if !c.call(func() { got = f(pred, target) }) {
		return
	}
	if len(got) != len(pred) {
		c.problem(fmt.Sprintf("returned %d values for %d predictions: one gradient per prediction", len(got), len(pred)))
		return
	}
	for i := range min(len(got), MineCap) {
		if !c.elem(g, i, fmt.Sprintf("[%d]", i), g.Data[i], got[i], []any{pred, target}, got) {
			return
		}
	}
}

// logisticGradBCE: logistic.Grad(z, y) against the gradient the sigmoid of
// L = bce(sigmoid(z), y) sends to z, when the sigmoid's output is used by
// that bce only and the bce's upstream gradient is 1 (it is the loss). The
// engine computes it in two steps, (p − y)/(p(1−p))/n through the BCE and
// ·p(1−p) through the sigmoid; the exercise in one, (σ(z) − y)/n. Where
// the engine's BCE clamped p it sends 0 (the clamp's derivative): those
// elements are not compared.
func logisticGradBCE(impl any, st autograd.Step, c *compare) {
	sig := st.Node
	if st.Grads[0] == nil {
		return
	}
	var bce *autograd.Node
	for _, m := range c.tape.Nodes()[sig.Index+1:] {
		if m.Op == "bce" && m.Inputs[0] == sig.Out {
			bce = m
			break
		}
	}
	if bce == nil || !onlyInput(c.tape, sig.Out, bce) || !isOne(bce.Out.Grad) {
		return
	}
	p := bce.Inputs[0].Value.Data
	clamped := func(i int) bool { return !(p[i] >= autograd.BCEEpsilon && p[i] <= 1-autograd.BCEEpsilon) }
	logisticGrad(impl, sig.Inputs[0].Value.Data, bce.Inputs[1].Value.Data, st.Grads[0], clamped, c)
}

// logisticGradLogits: logistic.Grad(z, y) against the gradient
// L = bce_logits(z, y) sends to z, when its upstream gradient is 1 (it is
// the loss): (σ(z) − y)/n, the exercise's convention exactly.
func logisticGradLogits(impl any, st autograd.Step, c *compare) {
	if st.Grads[0] == nil || !isOne(st.Upstream) {
		return
	}
	n := st.Node
	logisticGrad(impl, n.Inputs[0].Value.Data, n.Inputs[1].Value.Data, st.Grads[0], nil, c)
}

// logisticGrad calls logistic.Grad(z, y) and compares it with g, leaving
// out the elements skip names.
func logisticGrad(impl any, zs, ys []float64, g *tensor.Tensor, skip func(int) bool, c *compare) {
	f := impl.(*checks.LogisticImpl).Grad
	z, y := append([]float64(nil), zs...), append([]float64(nil), ys...)
	c.total = len(g.Data)
	var got []float64
	if !c.call(func() { got = f(z, y) }) {
		return
	}
	if len(got) != len(z) {
		c.problem(fmt.Sprintf("returned %d values for %d logits: one gradient per logit", len(got), len(z)))
		return
	}
	for i := 0; i < len(got) && c.Checked < MineCap; i++ {
		if skip != nil && skip(i) {
			continue
		}
		if !c.elem(g, i, fmt.Sprintf("[%d]", i), g.Data[i], got[i], []any{z, y}, got) {
			return
		}
	}
}

// denseLayer is Y = add(matmul(X, W), b) found around a node: X [n in],
// W [in out], b [out], Y [n out].
type denseLayer struct {
	add, mm    *autograd.Node
	n, in, out int
}

// densePattern matches a dense layer at its add node: the add's first
// input is a matmul of 2-D operands used by that add only, its second a
// 1-D bias as long as the matmul's rows, added to every row.
func densePattern(tp *autograd.Tape, add *autograd.Node) (denseLayer, bool) {
	if add.Op != "add" || len(add.Inputs) != 2 {
		return denseLayer{}, false
	}
	mm := add.Inputs[0].Node()
	if mm == nil || mm.Op != "matmul" || !onlyInput(tp, mm.Out, add) {
		return denseLayer{}, false
	}
	xs, ws, bs := mm.Inputs[0].Value.Shape, mm.Inputs[1].Value.Shape, add.Inputs[1].Value.Shape
	if len(xs) != 2 || len(ws) != 2 || len(bs) != 1 || bs[0] != ws[1] || xs[1] != ws[0] || xs[0] == 0 || ws[1] == 0 {
		return denseLayer{}, false
	}
	return denseLayer{add: add, mm: mm, n: xs[0], in: xs[1], out: ws[1]}, true
}

// matrix copies the first rows of the row-major t of cols columns.
func matrix(t *tensor.Tensor, rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = append([]float64(nil), t.Data[i*cols:(i+1)*cols]...)
	}
	return m
}

// denseForward: dense.Forward(X, W, b) at the add of
// Y = add(matmul(X, W), b), on the first rows of X (at least one, then as
// many as fit in MineCap elements of Y).
func denseForward(impl any, n *autograd.Node, c *compare) {
	l, ok := densePattern(c.tape, n)
	if !ok {
		return
	}
	f := impl.(*checks.DenseImpl).Forward
	rows := max(1, min(l.n, MineCap/l.out))
	X, W := matrix(l.mm.Inputs[0].Value, rows, l.in), matrix(l.mm.Inputs[1].Value, l.in, l.out)
	b := append([]float64(nil), n.Inputs[1].Value.Data...)
	c.total = len(n.Out.Value.Data)
	var got [][]float64
	if !c.call(func() { got = f(X, W, b) }) {
		return
	}
	if msg := shapeProblem(got, rows, l.out); msg != "" {
		c.problem(msg)
		return
	}
	out := n.Out.Value.Data
	for i := range rows {
		for j := range l.out {
			if !c.elem(n.Out.Value, i*l.out+j, fmt.Sprintf("[%d][%d]", i, j), out[i*l.out+j], got[i][j], nil, nil) {
				return
			}
		}
	}
}

// denseBackward calls dense.Backward(X, W, dY) for the layer l with the
// upstream gradient dY of its output and checks the shapes of the result.
func denseBackward(impl any, l denseLayer, dY *tensor.Tensor, c *compare) (dX, dW [][]float64, db []float64, ok bool) {
	f := impl.(*checks.DenseImpl).Backward
	X, W := matrix(l.mm.Inputs[0].Value, l.n, l.in), matrix(l.mm.Inputs[1].Value, l.in, l.out)
	G := matrix(dY, l.n, l.out)
	if !c.call(func() { dX, dW, db = f(X, W, G) }) {
		return nil, nil, nil, false
	}
	if msg := shapeProblem(dX, l.n, l.in); msg != "" {
		c.problem("dX " + msg)
		return nil, nil, nil, false
	}
	if msg := shapeProblem(dW, l.in, l.out); msg != "" {
		c.problem("dW " + msg)
		return nil, nil, nil, false
	}
	if len(db) != l.out {
		c.problem(fmt.Sprintf("db has %d values, want %d (one per output, summed over the rows)", len(db), l.out))
		return nil, nil, nil, false
	}
	return dX, dW, db, true
}

// denseBack keeps the learner's dense.Backward of the last layers, by the
// layer's add: the add's check calls it, the matmul's (next in the
// backward pass, with the same dY) uses its dX and dW. A node the cache
// holds is not collected, so its address names one step's layer.
var denseBack = struct {
	sync.Mutex
	keys []*autograd.Node
	by   map[*autograd.Node][3]any
}{by: map[*autograd.Node][3]any{}}

func denseBackPut(add *autograd.Node, dX, dW [][]float64, db []float64) {
	denseBack.Lock()
	defer denseBack.Unlock()
	denseBack.by[add] = [3]any{dX, dW, db}
	denseBack.keys = append(denseBack.keys, add)
	if len(denseBack.keys) > 16 {
		delete(denseBack.by, denseBack.keys[0])
		denseBack.keys = denseBack.keys[1:]
	}
}

// denseBackTake returns (and forgets) the result kept for add.
func denseBackTake(add *autograd.Node) (dX, dW [][]float64, ok bool) {
	denseBack.Lock()
	defer denseBack.Unlock()
	r, ok := denseBack.by[add]
	if ok {
		delete(denseBack.by, add)
		dX, dW = r[0].([][]float64), r[1].([][]float64)
	}
	return dX, dW, ok
}

// denseBackwardBias: db of dense.Backward(X, W, dY) against the gradient
// the add of Y = add(matmul(X, W), b) sends to b, dY being the add's
// upstream gradient (db = Σ over rows of dY).
func denseBackwardBias(impl any, st autograd.Step, c *compare) {
	l, ok := densePattern(c.tape, st.Node)
	if !ok || st.Grads[1] == nil {
		return
	}
	g := st.Grads[1]
	c.total = len(g.Data)
	dX, dW, db, ok := denseBackward(impl, l, st.Upstream, c)
	if !ok {
		return
	}
	denseBackPut(l.add, dX, dW, db)
	for j := 0; j < l.out && c.Checked < MineCap; j++ {
		if !c.elem(g, j, fmt.Sprintf("db[%d]", j), g.Data[j], db[j], nil, nil) {
			return
		}
	}
}

// denseBackwardMatMul: dX and dW of dense.Backward(X, W, dY) against the
// gradients the matmul of Y = add(matmul(X, W), b) sends to X and W (dX
// only where X takes a gradient: not for the network's input), dY being
// the matmul's upstream gradient, which is the add's.
func denseBackwardMatMul(impl any, st autograd.Step, c *compare) {
	mm := st.Node
	var l denseLayer
	found := false
	for _, m := range c.tape.Nodes()[mm.Index+1:] {
		if m.Op == "add" && m.Inputs[0] == mm.Out {
			l, found = densePattern(c.tape, m)
			break
		}
	}
	if !found {
		return
	}
	for _, g := range st.Grads {
		if g != nil {
			c.total += len(g.Data)
		}
	}
	if c.total == 0 {
		return
	}
	// The add's check called Backward with this dY (the add sends its
	// upstream gradient on unchanged), unless b takes no gradient.
	dX, dW, ok := denseBackTake(l.add)
	if !ok {
		if dX, dW, _, ok = denseBackward(impl, l, st.Upstream, c); !ok {
			return
		}
	}
	for k, part := range []struct {
		name string
		m    [][]float64
		cols int
	}{{"dX", dX, l.in}, {"dW", dW, l.out}} {
		g := st.Grads[k]
		if g == nil {
			continue
		}
		for i, row := range part.m {
			for j, v := range row {
				if c.Checked >= MineCap {
					return
				}
				if !c.elem(g, i*part.cols+j, fmt.Sprintf("%s[%d][%d]", part.name, i, j), g.Data[i*part.cols+j], v, nil, nil) {
					return
				}
			}
		}
	}
}

// dropoutBackward: regularize.DropoutBackward(dy, mask) against the
// gradient a dropout sends to its input, with the node's own mask (0 for
// a dropped element, 1/(1−p) for a kept one, the exercise's convention)
// and dy its upstream gradient.
func dropoutBackward(impl any, st autograd.Step, c *compare) {
	n := st.Node
	g := st.Grads[0]
	mask := n.Local(0)
	if g == nil || mask == nil || len(mask.Data) != len(g.Data) {
		return
	}
	f := impl.(*checks.RegularizeImpl).DropoutBackward
	dy, m := append([]float64(nil), st.Upstream.Data...), append([]float64(nil), mask.Data...)
	c.total = len(g.Data)
	var got []float64
	if !c.call(func() { got = f(dy, m) }) {
		return
	}
	if len(got) != len(dy) {
		c.problem(fmt.Sprintf("returned %d values for %d: one per element of dy", len(got), len(dy)))
		return
	}
	for i := range min(len(got), MineCap) {
		if !c.elem(g, i, fmt.Sprintf("[%d]", i), g.Data[i], got[i], []any{dy, m}, got) {
			return
		}
	}
}
