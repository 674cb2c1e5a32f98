package trainer

import (
	"fmt"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/internal/checks"
)

// The autograd exercise in mine mode: the learner's scalar engine
// (autograd.Eval(ops, args, consts), micrograd's Value behind it) is given
// the step's whole graph, translated element by element into its
// vocabulary — leaf, add, mul, tanh, exp, pow — and the values and
// gradients it returns are compared with the engine's node by node: each
// node's output in the forward pass, and in the backward pass the
// gradient each node sends to an input that has no other use (then it is
// that input's whole gradient, which is what Eval returns).
//
// The translation (exact in real numbers; the rounding differs):
//
//	leaf (parameter, input, target)  one leaf per element
//	matmul(a, b)   Σₚ a[i][p]·b[p][j] as muls and a chain of adds
//	add(a, b)      add, b broadcast as the engine does (a bias row)
//	sub(a, b)      a + (−1)·b
//	mul(a, b)      mul
//	tanh, exp      tanh, exp
//	sigmoid(z)     (1 + exp((−1)·z)) ^ −1
//	square(x)      x ^ 2
//	mean(x)        (Σ x)·(1/n)      sum(x): Σ x
//
// A step whose graph holds any other op (relu, softmax, a loss op), whose
// loss is not the last node, with a sigmoid input below −700 (e^700 is
// near overflow: the translation would not be the engine's sigmoid) or of
// more than agMaxNodes scalars is not checked. Eval is called once per
// step; its result is kept for the step's other nodes.
func init() {
	for _, op := range []string{"matmul", "add", "sub", "mul", "tanh", "exp", "sigmoid", "square", "mean", "sum"} {
		mineForward(op, "autograd", "Eval", autogradForward)
		mineBackward(op, "autograd", "Eval", autogradBackward)
	}
}

// agMaxNodes bounds the translated graph (the backprop lesson's step is
// about 230 nodes with 4 hidden units, 400 with 8).
const agMaxNodes = 4000

// agGraph is a step's graph in Eval's encoding, with where each element of
// each tape value went, and Eval's answer once asked.
type agGraph struct {
	ops    []string
	args   [][]int
	consts []float64
	at     map[*autograd.Var][]int // each element's node
	shared map[float64]int         // constant leaves (−1, 1, 1/n)

	asked         bool
	values, grads []float64
	problem       string // the failed call's problem
}

func (g *agGraph) add(op string, c float64, args ...int) int {
	g.ops, g.args, g.consts = append(g.ops, op), append(g.args, args), append(g.consts, c)
	return len(g.ops) - 1
}

func (g *agGraph) constant(c float64) int {
	if i, ok := g.shared[c]; ok {
		return i
	}
	i := g.add("leaf", c)
	g.shared[c] = i
	return i
}

// of returns the nodes of v's elements, making leaves for a value no
// translated op computed.
func (g *agGraph) of(v *autograd.Var) []int {
	if ix, ok := g.at[v]; ok {
		return ix
	}
	ix := make([]int, len(v.Value.Data))
	for i, x := range v.Value.Data {
		ix[i] = g.add("leaf", x)
	}
	g.at[v] = ix
	return ix
}

// bcast maps element flat of shape out to the element of shape in that
// NumPy broadcasting pairs with it (in right-aligned, its size-1 axes
// repeated), or -1 when in does not broadcast to out.
func bcast(flat int, out, in []int) int {
	if len(in) > len(out) {
		return -1
	}
	idx, stride := 0, 1
	for k := 1; k <= len(out); k++ {
		o := out[len(out)-k]
		c := flat % o
		flat /= o
		if k <= len(in) {
			d := in[len(in)-k]
			switch d {
			case o:
				idx += c * stride
			case 1:
			default:
				return -1
			}
			stride *= d
		}
	}
	return idx
}

// translate writes node n; false when its op is not in the vocabulary.
func (g *agGraph) translate(n *autograd.Node) bool {
	out := n.Out.Value
	ix := make([]int, len(out.Data))
	elementwise := func(f func(i int, a []int) int) bool {
		ins := make([][]int, len(n.Inputs))
		for j, in := range n.Inputs {
			ins[j] = g.of(in)
		}
		for i := range ix {
			a := make([]int, len(ins))
			for j, in := range n.Inputs {
				k := bcast(i, out.Shape, in.Value.Shape)
				if k < 0 {
					return false
				}
				a[j] = ins[j][k]
			}
			ix[i] = f(i, a)
		}
		return true
	}
	switch n.Op {
	case "matmul":
		as, bs := n.Inputs[0].Value.Shape, n.Inputs[1].Value.Shape
		if len(as) != 2 || len(bs) != 2 {
			return false
		}
		a, b := g.of(n.Inputs[0]), g.of(n.Inputs[1])
		m, k, w := as[0], as[1], bs[1]
		for i := range m {
			for j := range w {
				s := -1
				for p := range k {
					t := g.add("mul", 0, a[i*k+p], b[p*w+j])
					if s < 0 {
						s = t
					} else {
						s = g.add("add", 0, s, t)
					}
				}
				ix[i*w+j] = s
			}
		}
	case "add", "mul":
		if !elementwise(func(_ int, a []int) int { return g.add(n.Op, 0, a[0], a[1]) }) {
			return false
		}
	case "sub":
		m1 := g.constant(-1)
		if !elementwise(func(_ int, a []int) int { return g.add("add", 0, a[0], g.add("mul", 0, m1, a[1])) }) {
			return false
		}
	case "tanh", "exp":
		elementwise(func(_ int, a []int) int { return g.add(n.Op, 0, a[0]) })
	case "sigmoid":
		for _, z := range n.Inputs[0].Value.Data {
			if z < -700 {
				return false
			}
		}
		m1, one := g.constant(-1), g.constant(1)
		elementwise(func(_ int, a []int) int {
			return g.add("pow", -1, g.add("add", 0, one, g.add("exp", 0, g.add("mul", 0, m1, a[0]))))
		})
	case "square":
		elementwise(func(_ int, a []int) int { return g.add("pow", 2, a[0]) })
	case "mean", "sum":
		if n.Attrs != "" || len(out.Data) != 1 {
			return false
		}
		in := g.of(n.Inputs[0])
		if len(in) == 0 {
			return false
		}
		s := in[0]
		for _, t := range in[1:] {
			s = g.add("add", 0, s, t)
		}
		if n.Op == "mean" {
			s = g.add("mul", 0, s, g.constant(1/float64(len(in))))
		}
		ix[0] = s
	default:
		return false
	}
	g.at[n.Out] = ix
	return len(g.ops) <= agMaxNodes
}

// agTranslate translates the graph of tp's last node, which must be a
// scalar (the loss), or returns nil.
func agTranslate(tp *autograd.Tape) *agGraph {
	nodes := tp.Nodes()
	if len(nodes) == 0 || len(nodes[len(nodes)-1].Out.Value.Data) != 1 {
		return nil
	}
	// The nodes the loss depends on, in tape order.
	need := map[*autograd.Node]bool{nodes[len(nodes)-1]: true}
	for i := len(nodes) - 1; i >= 0; i-- {
		if need[nodes[i]] {
			for _, in := range nodes[i].Inputs {
				if m := in.Node(); m != nil {
					need[m] = true
				}
			}
		}
	}
	g := &agGraph{at: map[*autograd.Var][]int{}, shared: map[float64]int{}}
	for _, n := range nodes {
		if need[n] && !g.translate(n) {
			return nil
		}
	}
	return g
}

// agCache keeps the translation and Eval's answer of the last steps, by
// their loss node (a node the cache holds is not collected, so its
// address names one step).
var agCache = struct {
	sync.Mutex
	keys []*autograd.Node
	byLo map[*autograd.Node]*agGraph
}{byLo: map[*autograd.Node]*agGraph{}}

// agStep returns the step's translation, asking Eval once (c reports a
// failed call at the node that made it), or nil when the step's graph is
// not translatable.
func agStep(impl any, c *compare) *agGraph {
	nodes := c.tape.Nodes()
	if len(nodes) == 0 {
		return nil
	}
	lo := nodes[len(nodes)-1]
	agCache.Lock()
	g, ok := agCache.byLo[lo]
	agCache.Unlock()
	if !ok {
		g = agTranslate(c.tape)
		agCache.Lock()
		agCache.byLo[lo] = g
		agCache.keys = append(agCache.keys, lo)
		if len(agCache.keys) > 8 {
			delete(agCache.byLo, agCache.keys[0])
			agCache.keys = agCache.keys[1:]
		}
		agCache.Unlock()
	}
	if g == nil || g.asked {
		return g
	}
	g.asked = true
	f := impl.(*checks.AutogradImpl).Eval
	ok = c.call(func() { g.values, g.grads = f(g.ops, g.args, g.consts) })
	if ok && (len(g.values) != len(g.ops) || len(g.grads) != len(g.ops)) {
		c.problem(fmt.Sprintf("returned %d values and %d grads for a graph of %d nodes: one of each per node", len(g.values), len(g.grads), len(g.ops)))
		ok = false
	}
	if !ok {
		g.problem = c.Problem
	}
	return g
}

// usable reports whether g has Eval's answer; a call that failed earlier
// in the step is reported again at this node.
func (g *agGraph) usable(c *compare) bool {
	if g == nil {
		return false
	}
	if g.problem != "" {
		if c.OK {
			c.problem(g.problem)
		}
		return false
	}
	return g.values != nil
}

// autogradForward compares node n's output with the values Eval gave its
// elements.
func autogradForward(impl any, n *autograd.Node, c *compare) {
	g := agStep(impl, c)
	if !g.usable(c) {
		return
	}
	ix, ok := g.at[n.Out]
	if !ok {
		return
	}
	out := n.Out.Value
	c.total = len(out.Data)
	for i := range min(len(ix), MineCap) {
		if !c.elem(out, i, fmt.Sprintf("[%d]", i), out.Data[i], g.values[ix[i]], nil, nil) {
			return
		}
	}
}

// autogradBackward compares the gradients node st.Node sends to its inputs
// with the gradients Eval gave their elements, for each input that has no
// other use on the tape, when the loss's upstream gradient is 1.
func autogradBackward(impl any, st autograd.Step, c *compare) {
	nodes := c.tape.Nodes()
	if len(nodes) == 0 || !isOne(nodes[len(nodes)-1].Out.Grad) {
		return
	}
	g := agStep(impl, c)
	if !g.usable(c) {
		return
	}
	if _, ok := g.at[st.Node.Out]; !ok {
		return
	}
	for j, in := range st.Node.Inputs {
		gr := st.Grads[j]
		ix, ok := g.at[in]
		if gr == nil || !ok || uses(c.tape, in) != 1 || len(ix) != len(gr.Data) {
			continue
		}
		c.total += len(gr.Data)
		name := in.Name
		if name == "" {
			name = fmt.Sprintf("input %d", j)
		}
		for i := range ix {
			if c.Checked >= MineCap {
				return
			}
			if !c.elem(gr, i, fmt.Sprintf("d%s[%d]", name, i), gr.Data[i], g.grads[ix[i]], nil, nil) {
				return
			}
		}
	}
}
