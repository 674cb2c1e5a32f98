// Package autograd is the reference solution of the autograd exercise.
package autograd

import "math"

// Value is one scalar of an expression graph.
type Value struct {
	Data float64
	Grad float64

	prev     []*Value // the operands this value was computed from
	backward func()   // adds this value's Grad, times the local derivatives, to prev's
}

// New returns a leaf: a value computed from nothing.
func New(data float64) *Value {
	return &Value{Data: data}
}

// Add returns v + o.
func (v *Value) Add(o *Value) *Value {
	out := &Value{Data: v.Data + o.Data, prev: []*Value{v, o}}
	out.backward = func() {
		v.Grad += out.Grad
		o.Grad += out.Grad
	}
	return out
}

// Mul returns v · o.
func (v *Value) Mul(o *Value) *Value {
	out := &Value{Data: v.Data * o.Data, prev: []*Value{v, o}}
	out.backward = func() {
		v.Grad += o.Data * out.Grad
		o.Grad += v.Data * out.Grad
	}
	return out
}

// Tanh returns tanh(v).
func (v *Value) Tanh() *Value {
	t := math.Tanh(v.Data)
	out := &Value{Data: t, prev: []*Value{v}}
	out.backward = func() {
		v.Grad += (1 - t*t) * out.Grad
	}
	return out
}

// Exp returns e^v.
func (v *Value) Exp() *Value {
	out := &Value{Data: math.Exp(v.Data), prev: []*Value{v}}
	out.backward = func() {
		v.Grad += out.Data * out.Grad
	}
	return out
}

// Pow returns v^k.
func (v *Value) Pow(k float64) *Value {
	out := &Value{Data: math.Pow(v.Data, k), prev: []*Value{v}}
	out.backward = func() {
		v.Grad += k * math.Pow(v.Data, k-1) * out.Grad
	}
	return out
}

// Backward computes the derivative of v with respect to every value it
// was computed from, into their Grad.
func (v *Value) Backward() {
	var topo []*Value
	seen := map[*Value]bool{}
	var build func(u *Value)
	build = func(u *Value) {
		if seen[u] {
			return
		}
		seen[u] = true
		for _, p := range u.prev {
			build(p)
		}
		topo = append(topo, u)
	}
	build(v)
	v.Grad = 1
	for i := len(topo) - 1; i >= 0; i-- {
		if topo[i].backward != nil {
			topo[i].backward()
		}
	}
}

// Eval builds the graph ops, args, consts describes with Value, calls
// Backward on its last node and returns every node's Data and Grad. It
// is written for you, the same as in the exercise.
func Eval(ops []string, args [][]int, consts []float64) (values, grads []float64) {
	nodes := make([]*Value, len(ops))
	for i, op := range ops {
		switch op {
		case "leaf":
			nodes[i] = New(consts[i])
		case "add":
			nodes[i] = nodes[args[i][0]].Add(nodes[args[i][1]])
		case "mul":
			nodes[i] = nodes[args[i][0]].Mul(nodes[args[i][1]])
		case "tanh":
			nodes[i] = nodes[args[i][0]].Tanh()
		case "exp":
			nodes[i] = nodes[args[i][0]].Exp()
		case "pow":
			nodes[i] = nodes[args[i][0]].Pow(consts[i])
		default:
			panic("autograd.Eval: unknown operation " + op)
		}
	}
	if len(nodes) > 0 {
		nodes[len(nodes)-1].Backward()
	}
	values, grads = make([]float64, len(nodes)), make([]float64, len(nodes))
	for i, v := range nodes {
		values[i], grads[i] = v.Data, v.Grad
	}
	return values, grads
}
