package trainer

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// Mine-mode adapters of the sequence and image lessons: convolution (cnn),
// the recurrent cells (rnn), attention and positional encodings
// (attention), attention pooling (sentiment), the causal softmax
// (textgen) and the softmax cross-entropy of one example (embeddings).
//
// An exercise works on one example (a C×H×W image, a hidden-state row, one
// head's Q, K and V); the engine's ops work on a batch. A forward adapter
// calls the learner's function on the first examples until MineCap output
// elements are compared (at least one example, whole); a backward adapter
// compares the gradients sent to each example's inputs the same way, and a
// parameter's gradient, which the engine sums over the batch, against the
// sum of the learner's over every example of the batch.
//
// The recurrent cells and attention are built from several engine ops; an
// adapter matches the whole pattern strictly (the ops, their order and the
// shapes, as engine/nn builds them) from its anchor, the last op, and
// checks nothing when a node does not match. Their backward adapters run
// at every node of the pattern: the learner's gradients of one pattern,
// computed once at its first node in backward order, are kept in seqMemo
// for its other nodes.

// seqMemo keeps the learner's results for one pattern of the step in
// progress (its anchor node and the learner's Impl are the key), so that
// the nodes of a cell's backward pass call the learner once per example.
// One entry: the nodes of one pattern are differentiated one after
// another.
var seqMemo struct {
	sync.Mutex
	anchor *autograd.Node
	impl   any
	val    any
}

// memo returns compute()'s result for the pattern at anchor and impl,
// computed once while the pattern is the last one asked for. A compute
// that failed returns nil, which is not kept.
func memo[T any](anchor *autograd.Node, impl any, compute func() *T) *T {
	seqMemo.Lock()
	if seqMemo.anchor == anchor && seqMemo.impl == impl {
		// The same anchor may key results of another kind (a cell's
		// forward, then its backward).
		if v, ok := seqMemo.val.(*T); ok {
			seqMemo.Unlock()
			return v
		}
	}
	seqMemo.Unlock()
	v := compute()
	if v == nil {
		return nil
	}
	seqMemo.Lock()
	seqMemo.anchor, seqMemo.impl, seqMemo.val = anchor, impl, v
	seqMemo.Unlock()
	return v
}

// made returns the node that computed v if its op is op, else nil.
func made(v *autograd.Var, op string) *autograd.Node {
	if v == nil {
		return nil
	}
	if n := v.Node(); n != nil && n.Op == op {
		return n
	}
	return nil
}

// userIndex is, for the last tape asked about (at its length then), the
// nodes that take each value as an input: the patterns are matched from
// their nodes forward, at every node of a step, so the index is built
// once per tape, not searched for each node.
var userIndex struct {
	sync.Mutex
	tape *autograd.Tape
	n    int
	of   map[*autograd.Var][]*autograd.Node
}

// users returns the nodes of tp that take v as an input, in tape order.
// The result is shared: do not change it.
func users(tp *autograd.Tape, v *autograd.Var) []*autograd.Node {
	userIndex.Lock()
	defer userIndex.Unlock()
	if userIndex.tape != tp || userIndex.n != tp.Len() {
		of := map[*autograd.Var][]*autograd.Node{}
		for _, n := range tp.Nodes() {
			for i, in := range n.Inputs {
				if !slices.Contains(n.Inputs[:i], in) {
					of[in] = append(of[in], n)
				}
			}
		}
		userIndex.tape, userIndex.n, userIndex.of = tp, tp.Len(), of
	}
	return userIndex.of[v]
}

// shaped reports whether v's shape is dims.
func shaped(v *autograd.Var, dims ...int) bool { return slices.Equal(v.Value.Shape, dims) }

// vec copies n values of data from offset at.
func vec(data []float64, at, n int) []float64 { return slices.Clone(data[at : at+n]) }

// mat copies a rows×cols matrix from data at offset at.
func mat(data []float64, at, rows, cols int) [][]float64 {
	m := make([][]float64, rows)
	for i := range m {
		m[i] = vec(data, at+i*cols, cols)
	}
	return m
}

// sliceAttr reports whether a slice node takes columns lo:hi of axis 1.
func sliceAttr(n *autograd.Node, lo, hi int) bool {
	return n != nil && n.Attrs == "axis=1, "+strconv.Itoa(lo)+":"+strconv.Itoa(hi)
}

// intAttr reads an integer attribute ("stride=1").
func intAttr(attrs, name string) (int, bool) {
	f, ok := attr(attrs, name)
	return int(f), ok && f == math.Trunc(f)
}

// vecProblem says how a vector's length differs from n, or "".
func vecProblem(what string, got []float64, n int) string {
	if len(got) != n {
		return fmt.Sprintf("%s has %d values, want %d", what, len(got), n)
	}
	return ""
}

// ---- conv2d: the cnn lesson's convolutions ----

// conv2dNode is a conv2d node's tensors and geometry.
type conv2dNode struct {
	x, w, y          *tensor.Tensor
	b                []float64 // zeros when the node has no bias
	N, C, H, W       int
	F, kh, kw        int
	OH, OW, s, p     int
	hasBias, okShape bool
}

func readConv2D(n *autograd.Node) conv2dNode {
	var g conv2dNode
	s, ok1 := intAttr(n.Attrs, "stride")
	p, ok2 := intAttr(n.Attrs, "pad")
	x, w, y := n.Inputs[0].Value, n.Inputs[1].Value, n.Out.Value
	if !ok1 || !ok2 || len(x.Shape) != 4 || len(w.Shape) != 4 || len(y.Shape) != 4 {
		return g
	}
	g = conv2dNode{x: x, w: w, y: y, s: s, p: p,
		N: x.Shape[0], C: x.Shape[1], H: x.Shape[2], W: x.Shape[3],
		F: w.Shape[0], kh: w.Shape[2], kw: w.Shape[3], OH: y.Shape[2], OW: y.Shape[3], okShape: true}
	g.b = make([]float64, g.F)
	if len(n.Inputs) == 3 {
		g.hasBias = true
		copy(g.b, n.Inputs[2].Value.Data)
	}
	return g
}

// image returns example i of a [N C H W] tensor as C×H×W.
func image(t *tensor.Tensor, i int) [][][]float64 {
	c, h, w := t.Shape[1], t.Shape[2], t.Shape[3]
	out := make([][][]float64, c)
	for k := range out {
		out[k] = mat(t.Data, ((i*c)+k)*h*w, h, w)
	}
	return out
}

// kernels returns a [F C kh kw] tensor as nested slices.
func kernels(t *tensor.Tensor) [][][][]float64 {
	out := make([][][][]float64, t.Shape[0])
	for f := range out {
		out[f] = image(t, f)
	}
	return out
}

// shape3Problem says how got differs from a×b×c, or "".
func shape3Problem(what string, got [][][]float64, a, b, c int) string {
	if len(got) != a {
		return fmt.Sprintf("%s has %d planes, want %d", what, len(got), a)
	}
	for i, m := range got {
		if msg := shapeProblem(m, b, c); msg != "" {
			return fmt.Sprintf("%s[%d] %s", what, i, msg)
		}
	}
	return ""
}

func init() {
	// conv2d.Forward(x, w, b, s, p) on each example of the batch in turn
	// (x C×H×W, w F×C×kh×kw, b F: the engine's [N C H W] and [F C kh kw]
	// layouts, one example at a time), a cross-correlation like the
	// engine's; stride and pad are read from the node's attributes, and a
	// node without a bias is called with b = 0.
	mineForward("conv2d", "conv2d", "Forward", func(impl any, n *autograd.Node, c *compare) {
		f := impl.(*checks.Conv2DImpl).Forward
		g := readConv2D(n)
		c.total = len(n.Out.Value.Data)
		if !g.okShape {
			c.problem("the engine's conv2d node is not [N C H W] with stride and pad: " + n.Attrs)
			return
		}
		w := kernels(g.w)
		per := g.F * g.OH * g.OW
		for i := 0; i < g.N && c.Checked < MineCap; i++ {
			x, b := image(g.x, i), slices.Clone(g.b)
			var y [][][]float64
			if !c.call(func() { y = f(x, w, b, g.s, g.p) }) {
				return
			}
			if msg := shape3Problem("y", y, g.F, g.OH, g.OW); msg != "" {
				c.problem(msg)
				return
			}
			for k := range per {
				fi, r, q := k/(g.OH*g.OW), k/g.OW%g.OH, k%g.OW
				if !c.elem(g.y, i*per+k, fmt.Sprintf("[%d][%d][%d][%d]", i, fi, r, q), g.y.Data[i*per+k], y[fi][r][q], nil, nil) {
					return
				}
			}
		}
	})
	// conv2d.Backward(x, w, s, p, dy) on every example of the batch, dy
	// being the example's part of the gradient arriving at the node: dx
	// is compared for the first examples (as the forward), dw and db with
	// the engine's, which are sums over the batch, against the sums of
	// the learner's.
	mineBackward("conv2d", "conv2d", "Backward", func(impl any, st autograd.Step, c *compare) {
		f := impl.(*checks.Conv2DImpl).Backward
		g := readConv2D(st.Node)
		if !g.okShape {
			c.problem("the engine's conv2d node is not [N C H W] with stride and pad: " + st.Node.Attrs)
			return
		}
		w := kernels(g.w)
		dw, db := make([]float64, len(g.w.Data)), make([]float64, g.F)
		per, ipx := g.F*g.OH*g.OW, g.C*g.H*g.W
		dxT := st.Grads[0]
		c.total = len(g.w.Data) + g.F
		if dxT != nil {
			c.total += len(dxT.Data)
		}
		type dxRow struct {
			i  int
			dx [][][]float64
		}
		var dxs []dxRow
		checked := 0
		for i := range g.N {
			x := image(g.x, i)
			dy := make([][][]float64, g.F)
			for fi := range dy {
				dy[fi] = mat(st.Upstream.Data, i*per+fi*g.OH*g.OW, g.OH, g.OW)
			}
			var dx [][][]float64
			var dwi [][][][]float64
			var dbi []float64
			if !c.call(func() { dx, dwi, dbi = f(x, w, g.s, g.p, dy) }) {
				return
			}
			if msg := shape3Problem("dx", dx, g.C, g.H, g.W); msg != "" {
				c.problem(msg)
				return
			}
			if len(dwi) != g.F {
				c.problem(fmt.Sprintf("dw has %d filters, want %d", len(dwi), g.F))
				return
			}
			for fi := range dwi {
				if msg := shape3Problem(fmt.Sprintf("dw[%d]", fi), dwi[fi], g.C, g.kh, g.kw); msg != "" {
					c.problem(msg)
					return
				}
			}
			if msg := vecProblem("db", dbi, g.F); msg != "" {
				c.problem(msg)
				return
			}
			for k := range dw {
				fi, rest := k/(g.C*g.kh*g.kw), k%(g.C*g.kh*g.kw)
				dw[k] += dwi[fi][rest/(g.kh*g.kw)][rest/g.kw%g.kh][rest%g.kw]
			}
			for fi := range db {
				db[fi] += dbi[fi]
			}
			if dxT != nil && checked < MineCap {
				dxs = append(dxs, dxRow{i, dx})
				checked += ipx
			}
		}
		for _, r := range dxs {
			for k := range ipx {
				ch, y, x := k/(g.H*g.W), k/g.W%g.H, k%g.W
				if !c.elem(dxT, r.i*ipx+k, fmt.Sprintf("dx[%d][%d][%d][%d]", r.i, ch, y, x), dxT.Data[r.i*ipx+k], r.dx[ch][y][x], nil, nil) {
					return
				}
			}
		}
		if dwT := st.Grads[1]; dwT != nil {
			for k, v := range dw {
				fi, rest := k/(g.C*g.kh*g.kw), k%(g.C*g.kh*g.kw)
				idx := fmt.Sprintf("dw[%d][%d][%d][%d]", fi, rest/(g.kh*g.kw), rest/g.kw%g.kh, rest%g.kw)
				if !c.elem(dwT, k, idx, dwT.Data[k], v, nil, nil) {
					return
				}
			}
		}
		if g.hasBias && st.Grads[2] != nil {
			dbT := st.Grads[2]
			for fi, v := range db {
				if !c.elem(dbT, fi, fmt.Sprintf("db[%d]", fi), dbT.Data[fi], v, nil, nil) {
					return
				}
			}
		}
	})
}
