// Package autograd is an exercise of the backpropagation lesson: build
// your own automatic differentiation, as Karpathy's micrograd does, for
// scalars.
//
// Every operation on a Value returns a new Value that remembers its
// operands and how to pass a gradient back to them. Backward then walks
// the graph from the output to the leaves and fills in every Grad with
// the chain rule:
//
//	operand.Grad += (local derivative) · out.Grad
//
// Run `dlearn grade autograd` (or `go test ./autograd` in this folder) to
// check it.
package autograd

// Value is one scalar of an expression graph: its value Data and, after
// Backward is called on an output, Grad = d output / d this value.
//
// Add the unexported fields your engine needs, for instance:
//
//	prev     []*Value // the operands this value was computed from
//	backward func()   // adds this value's Grad · the local derivatives to prev's Grads
//
// A leaf (made by New) has no operands; make sure your Backward copes
// with the zero value of your fields there (a nil func is not callable).
type Value struct {
	Data float64
	Grad float64
}

// New returns a leaf: a value computed from nothing, with Grad 0. It is
// written for you; set here any field your leaves need.
func New(data float64) *Value {
	return &Value{Data: data}
}

// Add returns a new Value v + o. Backward passes out.Grad to both
// operands unchanged: d(v+o)/dv = d(v+o)/do = 1.
func (v *Value) Add(o *Value) *Value {
	panic("TODO: implement autograd.(*Value).Add")
}

// Mul returns a new Value v · o. Each operand's gradient is the other
// operand's Data times out.Grad: d(v·o)/dv = o, d(v·o)/do = v.
//
// v and o may be the same Value (v.Mul(v) is v²): both contributions
// then add up in v.Grad, 2·v·out.Grad in all. Always add (+=) to a
// Grad, never set it (=): a Value used by several operations gets the
// sum of what each passes back.
func (v *Value) Mul(o *Value) *Value {
	panic("TODO: implement autograd.(*Value).Mul")
}

// Tanh returns a new Value tanh(v). With t = tanh(v) (the output's
// Data), d tanh(v)/dv = 1 − t².
func (v *Value) Tanh() *Value {
	panic("TODO: implement autograd.(*Value).Tanh")
}

// Exp returns a new Value eᵛ. d eᵛ/dv = eᵛ, the output's own Data.
func (v *Value) Exp() *Value {
	panic("TODO: implement autograd.(*Value).Exp")
}

// Pow returns a new Value vᵏ for a constant k (math.Pow). d vᵏ/dv =
// k·vᵏ⁻¹; k itself gets no gradient. The checks use k = 2, 3, −1, 0.5
// and 1.5, and a fractional k only on a positive v.
func (v *Value) Pow(k float64) *Value {
	panic("TODO: implement autograd.(*Value).Pow")
}

// Backward computes d v / d u into u.Grad for every Value u that v was
// computed from, v included:
//
//  1. sort the graph topologically: a depth-first walk from v that
//     visits each Value once (remember the visited ones) and appends a
//     Value after all its operands, so operands come before their users;
//  2. set v.Grad = 1 (d v / d v);
//  3. walk that list backwards, from v to the leaves, and let each Value
//     pass its Grad on to its operands.
//
// The order matters: a Value may pass its Grad on only once every Value
// that uses it has added its share. Backward is called once per graph,
// on a graph whose Grads are all 0.
func (v *Value) Backward() {
	panic("TODO: implement autograd.(*Value).Backward")
}

// Eval is how the checks reach your Value: they cannot send one to your
// code, so they send a graph as plain values. It is written for you; do
// not change it.
//
// Node i of the graph (i = 0 … len(ops)−1) is built from earlier nodes:
//
//	ops[i] = "leaf"  New(consts[i])                  args[i] is empty
//	ops[i] = "add"   node args[i][0] .Add( node args[i][1] )
//	ops[i] = "mul"   node args[i][0] .Mul( node args[i][1] )
//	ops[i] = "tanh"  node args[i][0] .Tanh()
//	ops[i] = "exp"   node args[i][0] .Exp()
//	ops[i] = "pow"   node args[i][0] .Pow( consts[i] )
//
// Eval calls Backward on the last node and returns every node's Data
// (values) and Grad (grads), in node order.
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
