package checks

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// AutogradImpl holds the learner's entry point of the autograd exercise:
// a micrograd-style scalar Value (Add, Mul, Tanh, Exp, Pow, Backward)
// that the check reaches through Eval, because a Value cannot travel
// between processes.
//
// Eval(ops, args, consts) builds a graph of n = len(ops) nodes with the
// learner's Value, node i from earlier nodes only:
//
//	ops[i] = "leaf"  node i = New(consts[i])                  args[i] empty
//	ops[i] = "add"   node args[i][0] + node args[i][1]
//	ops[i] = "mul"   node args[i][0] · node args[i][1]
//	ops[i] = "tanh"  tanh(node args[i][0])
//	ops[i] = "exp"   exp(node args[i][0])
//	ops[i] = "pow"   (node args[i][0]) ^ consts[i]
//
// calls Backward on the last node, and returns every node's Data
// (values) and Grad (grads, the derivative of the last node with respect
// to that node). A node may be used by several later nodes, or twice by
// one (args[i] = {j, j}).
type AutogradImpl struct {
	Eval func(ops []string, args [][]int, consts []float64) (values, grads []float64)
}

// Autograd runs the checks of the autograd exercise as sub-tests of t.
func Autograd(t *testing.T, impl AutogradImpl) {
	t.Helper()
	report(t, autogradCases(impl))
}

// CheckAutograd runs the same checks as Autograd and returns the problems
// found; none means impl passes.
func CheckAutograd(impl AutogradImpl) []Problem { return collect(autogradCases(impl)) }

// agGraph is an expression graph in Eval's encoding.
type agGraph struct {
	ops    []string
	args   [][]int
	consts []float64
}

func (g *agGraph) add(op string, c float64, args ...int) int {
	g.ops = append(g.ops, op)
	g.args = append(g.args, args)
	g.consts = append(g.consts, c)
	return len(g.ops) - 1
}

func (g *agGraph) leaf(x float64) int { return g.add("leaf", x) }

// clone copies the graph, so that a check can change its leaves.
func (g agGraph) clone() agGraph {
	out := agGraph{ops: append([]string(nil), g.ops...), consts: append([]float64(nil), g.consts...)}
	for _, a := range g.args {
		out.args = append(out.args, append([]int(nil), a...))
	}
	return out
}

// String writes the graph as "n0 = 0.5, n1 = -1, n2 = n0 * n1, …".
func (g agGraph) String() string {
	const show = 18
	parts := make([]string, 0, len(g.ops))
	for i, op := range g.ops {
		if i == show {
			parts = append(parts, fmt.Sprintf("… (%d nodes, the last is the output)", len(g.ops)))
			break
		}
		a := g.args[i]
		var s string
		switch op {
		case "leaf":
			s = num(g.consts[i])
		case "add":
			s = fmt.Sprintf("n%d + n%d", a[0], a[1])
		case "mul":
			s = fmt.Sprintf("n%d * n%d", a[0], a[1])
		case "pow":
			s = fmt.Sprintf("n%d ^ %s", a[0], num(g.consts[i]))
		default:
			s = fmt.Sprintf("%s(n%d)", op, a[0])
		}
		parts = append(parts, fmt.Sprintf("n%d = %s", i, s))
	}
	return strings.Join(parts, ", ")
}

// agVariant is a known mistake in an autograd engine; the zero value is
// right.
type agVariant struct {
	noSeed      bool // the output's Grad is left at 0
	assign      bool // child.Grad = … instead of +=
	noReverse   bool // the topological order walked leaves first
	recurse     bool // each node recurses into its children, no topological sort
	tanhOfInput bool // tanh′ = 1 − x² of the input
	powNoK      bool // d xᵏ = xᵏ⁻¹
	powK        bool // d xᵏ = k·xᵏ
	mulSelf     bool // d(a·b)/da = a
	expOfInput  bool // d eˣ = x
	addHalf     bool // d(a+b)/da = ½
}

var agMistakes = []struct {
	hint string
	v    agVariant
}{
	{"Backward must start by setting the output's own Grad to 1 (d out/d out = 1); left at 0, every gradient it passes back is 0.",
		agVariant{noSeed: true}},
	{"accumulate gradients with +=, never =: a node used twice (a·a, or a node feeding two others) gets the sum of both contributions; = keeps only the last one.",
		agVariant{assign: true}},
	{"walk the topological order backwards, from the output to the leaves: a node may pass its gradient on only after every node that uses it has added its share (reverse the list your sort builds).",
		agVariant{noReverse: true}},
	{"sort the graph topologically and run each node's backward step once: recursing into the children from every parent passes a shared node's gradient down more than once (or before it is complete).",
		agVariant{recurse: true}},
	{"tanh′ is 1 − t² with t = tanh(x), the output's Data; 1 − x² of the input is something else.",
		agVariant{tanhOfInput: true}},
	{"the factor k is missing from Pow's gradient: d/dx xᵏ = k·xᵏ⁻¹.", agVariant{powNoK: true}},
	{"Pow's gradient is k·xᵏ⁻¹: the exponent drops by one.", agVariant{powK: true}},
	{"in Mul each operand's gradient is the other operand's Data times out.Grad: d(a·b)/da = b, d(a·b)/db = a.",
		agVariant{mulSelf: true}},
	{"d/dx eˣ = eˣ: Exp's local derivative is the output's own Data, not the input x.", agVariant{expOfInput: true}},
	{"Add passes out.Grad unchanged to both operands: d(a+b)/da = 1.", agVariant{addHalf: true}},
}

// agForward returns every node's value.
func agForward(g agGraph) []float64 {
	v := make([]float64, len(g.ops))
	for i, op := range g.ops {
		a := g.args[i]
		switch op {
		case "leaf":
			v[i] = g.consts[i]
		case "add":
			v[i] = v[a[0]] + v[a[1]]
		case "mul":
			v[i] = v[a[0]] * v[a[1]]
		case "tanh":
			v[i] = math.Tanh(v[a[0]])
		case "exp":
			v[i] = math.Exp(v[a[0]])
		case "pow":
			v[i] = math.Pow(v[a[0]], g.consts[i])
		}
	}
	return v
}

// agBackward returns every node's gradient as the reference engine (or a
// mistaken one) computes it: micrograd's depth-first topological sort,
// children in argument order.
func agBackward(m agVariant, g agGraph) []float64 {
	v := agForward(g)
	n := len(g.ops)
	grad := make([]float64, n)
	// local is the derivative of node i with respect to its k-th argument.
	local := func(i, k int) float64 {
		a := g.args[i]
		switch g.ops[i] {
		case "add":
			if m.addHalf {
				return 0.5
			}
			return 1
		case "mul":
			if m.mulSelf {
				return v[a[k]]
			}
			return v[a[1-k]]
		case "tanh":
			if m.tanhOfInput {
				return 1 - v[a[0]]*v[a[0]]
			}
			return 1 - v[i]*v[i]
		case "exp":
			if m.expOfInput {
				return v[a[0]]
			}
			return v[i]
		case "pow":
			k := g.consts[i]
			switch {
			case m.powNoK:
				return math.Pow(v[a[0]], k-1)
			case m.powK:
				return k * math.Pow(v[a[0]], k)
			}
			return k * math.Pow(v[a[0]], k-1)
		}
		return 0
	}
	step := func(i int) {
		for k, j := range g.args[i] {
			d := local(i, k) * grad[i]
			if m.assign {
				grad[j] = d
			} else {
				grad[j] += d
			}
		}
	}
	out := n - 1
	if !m.noSeed {
		grad[out] = 1
	}
	if m.recurse {
		var rec func(i int)
		rec = func(i int) {
			step(i)
			for _, j := range g.args[i] {
				rec(j)
			}
		}
		rec(out)
		return grad
	}
	var topo []int
	seen := make([]bool, n)
	var build func(i int)
	build = func(i int) {
		if seen[i] {
			return
		}
		seen[i] = true
		for _, j := range g.args[i] {
			build(j)
		}
		topo = append(topo, i)
	}
	build(out)
	if m.noReverse {
		for _, i := range topo {
			step(i)
		}
		return grad
	}
	for k := len(topo) - 1; k >= 0; k-- {
		step(topo[k])
	}
	return grad
}

// agRandomGraph builds a random graph of n nodes from r: a few leaves,
// then operations that mostly extend a chain from the previous node and
// take their other operand anywhere before (so nodes are shared), with
// every value kept in a range where exp and pow stay tame.
func agRandomGraph(r *rand.Rand, n int) agGraph {
	var g agGraph
	leaves := 3 + r.IntN(2)
	for range leaves {
		g.leaf(math.Round((r.Float64()*3-1.5)*100) / 100)
	}
	vals := agForward(g)
	for len(g.ops) < n {
		i := len(g.ops)
		a := i - 1
		if r.Float64() < 0.3 {
			a = r.IntN(i)
		}
		b := r.IntN(i)
		x, y := vals[a], vals[b]
		switch op := r.IntN(5); {
		case op == 0 && math.Abs(x+y) < 8:
			g.add("add", 0, a, b)
		case op == 1 && math.Abs(x*y) < 8:
			g.add("mul", 0, a, b)
		case op == 2 && x < 2:
			g.add("exp", 0, a)
		case op == 3:
			ks := []float64{2, 3}
			if math.Abs(x) > 0.3 {
				ks = append(ks, -1)
			}
			if x > 0.2 {
				ks = append(ks, 0.5, 1.5)
			}
			k := ks[r.IntN(len(ks))]
			if math.Abs(math.Pow(x, k)) < 8 {
				g.add("pow", k, a)
			} else {
				g.add("tanh", 0, a)
			}
		default:
			g.add("tanh", 0, a)
		}
		vals = agForward(g)
	}
	return g
}

func autogradCases(impl AutogradImpl) []testCase {
	eval := funcOf("autograd.Eval", impl.Eval)
	given := func(g agGraph) []string {
		return []string{"graph " + g.String(), fmt.Sprintf("Backward called on n%d", len(g.ops)-1)}
	}
	run := func(c *ctx, g agGraph) (values, grads []float64, ok bool) {
		ok = call(c, eval, func() { values, grads = impl.Eval(g.ops, g.args, g.consts) })
		return values, grads, ok
	}
	checkValues := func(c *ctx, g agGraph, what string) bool {
		values, _, ok := run(c, g)
		if !ok {
			return false
		}
		e := expect{fn: eval, what: "the nodes' Data of " + what, at: "n", given: given(g), tol: exactTol,
			hint: "each operation returns a new Value whose Data is the result: a+b, a·b, tanh(a), eᵃ, aᵏ."}
		return e.vec(c, values, agForward(g))
	}
	checkGrads := func(c *ctx, g agGraph, what string) bool {
		_, grads, ok := run(c, g)
		if !ok {
			return false
		}
		var ms []mistake
		for _, m := range agMistakes {
			ms = append(ms, mistake{m.hint, agBackward(m.v, g)})
		}
		e := expect{fn: eval, what: "the nodes' Grad of " + what, at: "n", given: given(g), tol: exactTol, mistakes: ms,
			hint: "each operation records how to pass out.Grad to its operands (times the local derivative, added with +=); " +
				"Backward sorts the graph topologically, sets the output's Grad to 1 and runs those steps from the output back.",
			nanHint: "a NaN gradient comes from a NaN or infinite Data, or from 0·∞; check the forward values first."}
		return e.vec(c, grads, agBackward(agVariant{}, g))
	}

	// The single operations, one graph each.
	single := func() []struct {
		what string
		g    agGraph
	} {
		var out []struct {
			what string
			g    agGraph
		}
		put := func(what string, build func(g *agGraph)) {
			var g agGraph
			build(&g)
			out = append(out, struct {
				what string
				g    agGraph
			}{what, g})
		}
		put("a + b", func(g *agGraph) { g.add("add", 0, g.leaf(1.5), g.leaf(-0.5)) })
		put("a · b", func(g *agGraph) { g.add("mul", 0, g.leaf(1.5), g.leaf(-0.5)) })
		put("tanh(a)", func(g *agGraph) { g.add("tanh", 0, g.leaf(0.8)) })
		put("exp(a)", func(g *agGraph) { g.add("exp", 0, g.leaf(0.7)) })
		put("a ^ 3", func(g *agGraph) { g.add("pow", 3, g.leaf(1.2)) })
		put("a ^ -1", func(g *agGraph) { g.add("pow", -1, g.leaf(-0.4)) })
		put("a ^ 0.5", func(g *agGraph) { g.add("pow", 0.5, g.leaf(2.25)) })
		return out
	}
	// Graphs where a node is used twice.
	twice := func() []struct {
		what string
		g    agGraph
	} {
		var out []struct {
			what string
			g    agGraph
		}
		put := func(what string, build func(g *agGraph)) {
			var g agGraph
			build(&g)
			out = append(out, struct {
				what string
				g    agGraph
			}{what, g})
		}
		put("a + a", func(g *agGraph) { a := g.leaf(-1.3); g.add("add", 0, a, a) })
		put("a · a", func(g *agGraph) { a := g.leaf(1.7); g.add("mul", 0, a, a) })
		put("a·b + a (a feeds two nodes)", func(g *agGraph) {
			a, b := g.leaf(0.6), g.leaf(-2)
			g.add("add", 0, g.add("mul", 0, a, b), a)
		})
		put("a diamond: t = tanh(a); t·t + exp(t)", func(g *agGraph) {
			t := g.add("tanh", 0, g.leaf(0.9))
			g.add("add", 0, g.add("mul", 0, t, t), g.add("exp", 0, t))
		})
		put("a shared node deep inside: u = a·b; v = tanh(u) + u; v ^ 2 · u", func(g *agGraph) {
			a, b := g.leaf(0.5), g.leaf(1.1)
			u := g.add("mul", 0, a, b)
			v := g.add("add", 0, g.add("tanh", 0, u), u)
			g.add("mul", 0, g.add("pow", 2, v), u)
		})
		return out
	}
	// A deep chain: h ← tanh(h·w + x), 20 times, x and w shared by all.
	chain := func() agGraph {
		var g agGraph
		x, w := g.leaf(0.3), g.leaf(1.4)
		h := x
		for range 20 {
			h = g.add("tanh", 0, g.add("add", 0, g.add("mul", 0, h, w), x))
		}
		g.add("pow", 2, h)
		return g
	}
	random := func() []agGraph {
		r := newRand(31)
		var gs []agGraph
		for _, n := range []int{8, 12, 16, 25, 40} {
			gs = append(gs, agRandomGraph(r, n))
		}
		return gs
	}

	return []testCase{
		{"forward_values", func(c *ctx) {
			for _, s := range single() {
				if !checkValues(c, s.g, s.what) {
					return
				}
			}
			for k, g := range random()[:3] {
				if !checkValues(c, g, fmt.Sprintf("random graph %d", k+1)) {
					return
				}
			}
		}},
		{"single_operations", func(c *ctx) {
			for _, s := range single() {
				if !checkGrads(c, s.g, s.what) {
					return
				}
			}
		}},
		{"node_used_twice", func(c *ctx) {
			for _, s := range twice() {
				if !checkGrads(c, s.g, s.what) {
					return
				}
			}
		}},
		{"deep_chain", func(c *ctx) {
			g := chain()
			if checkValues(c, g, "the chain h ← tanh(h·w + x), 20 times, then h²") {
				checkGrads(c, g, "the chain h ← tanh(h·w + x), 20 times, then h²")
			}
		}},
		{"random_graphs", func(c *ctx) {
			for k, g := range random() {
				if !checkGrads(c, g, fmt.Sprintf("random graph %d", k+1)) {
					return
				}
			}
		}},
		{"grads_vs_finite_differences", func(c *ctx) {
			// The leaves' Grad against central differences of your own
			// output: change one leaf by ±h, evaluate again.
			for k, g := range append(random()[:3], chain()) {
				_, grads, ok := run(c, g)
				if !ok {
					return
				}
				var leaves []int
				for i, op := range g.ops {
					if op == "leaf" {
						leaves = append(leaves, i)
					}
				}
				x := make([]float64, len(leaves))
				for j, i := range leaves {
					x[j] = g.consts[i]
				}
				h := g.clone()
				var fd []float64
				if !call(c, eval, func() {
					fd = centralDiff(func() float64 {
						for j, i := range leaves {
							h.consts[i] = x[j]
						}
						values, _ := impl.Eval(h.ops, h.args, h.consts)
						if len(values) == 0 {
							return math.NaN()
						}
						return values[len(values)-1]
					}, x)
				}) {
					return
				}
				got := make([]float64, len(leaves))
				for j, i := range leaves {
					if i < len(grads) {
						got[j] = grads[i]
					} else {
						got[j] = math.NaN()
					}
				}
				what := fmt.Sprintf("random graph %d", k+1)
				if k == 3 {
					what = "the deep chain"
				}
				right := make([]float64, len(leaves))
				want := agBackward(agVariant{}, g)
				for j, i := range leaves {
					right[j] = want[i]
				}
				e := expect{fn: eval, what: "the leaves' Grad of " + what + " against the slope of your own output",
					at: "n", given: given(g), tol: fdTol,
					mistakes: []mistake{{"your gradients are right; it is your forward values that are wrong: fix them first (forward_values).", right}},
					hint:     "this compares each leaf's Grad with (out(leaf+h) − out(leaf−h))/2h of your own Eval; fix forward_values first if it fails."}
				if !e.vec(c, got, fd) {
					return
				}
			}
		}},
	}
}
