package autograd

import (
	"fmt"
	"iter"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Step is one node of the backward pass, as BackwardSteps yields it. Its
// tensors are shared with the graph (an op may send its upstream gradient
// on unchanged): treat them as read-only. On a recycling tape they are
// valid until the tape's next Reset.
type Step struct {
	// Node is the operation being differentiated.
	Node *Node
	// Upstream is dL/dOut: the gradient arriving from later in the graph.
	Upstream *tensor.Tensor
	// Grads[i] is the gradient this node sends to Node.Inputs[i]
	// (upstream times local derivative); nil for inputs that take none.
	Grads []*tensor.Tensor
}

// Backward runs the whole reverse pass from out, seeding dL/dout with ones.
// Parameters accumulate into Grad; intermediate values get fresh gradients.
// It panics if out was not produced on this tape.
func (t *Tape) Backward(out *Var) {
	for range t.BackwardSteps(out) {
	}
}

// BackwardSteps returns an iterator over the backward pass from out, one
// node at a time in reverse creation order. Each yielded Step has already
// been applied: the gradients it sends are added to its inputs before it is
// yielded. Nodes that out does not depend on are skipped. Running the
// iterator to the end has exactly the effect of Backward. It panics if out
// was not produced on this tape.
func (t *Tape) BackwardSteps(out *Var) iter.Seq[Step] {
	return func(yield func(Step) bool) {
		if out.node == nil || out.node.Index >= len(t.nodes) || t.nodes[out.node.Index] != out.node {
			panic(fmt.Sprintf("autograd: Backward: %s was not recorded on this tape", out.displayName()))
		}
		// Intermediate gradients start fresh on every pass.
		for _, n := range t.nodes[:out.node.Index+1] {
			n.Out.Grad = nil
			n.Out.gradOwned = false
		}
		out.Grad = t.ar.Full(1, out.Value.Shape...)
		for i := out.node.Index; i >= 0; i-- {
			n := t.nodes[i]
			g := n.Out.Grad
			if g == nil {
				continue // out does not depend on this node
			}
			grads := n.backward(g)
			if t.onBackward != nil {
				t.onBackward(Step{Node: n, Upstream: g, Grads: grads})
			}
			for j, in := range n.Inputs {
				if grads[j] == nil || !in.requiresGrad {
					grads[j] = nil
					continue
				}
				if !tensor.SameShape(grads[j], in.Value) {
					panic(fmt.Sprintf("autograd: %s: gradient shape %v for input %s of shape %v", n.Op, grads[j].Shape, in.displayName(), in.Value.Shape))
				}
				t.accumulate(in, grads[j])
			}
			if !yield(Step{Node: n, Upstream: g, Grads: grads}) {
				return
			}
		}
	}
}

// accumulate adds g into v.Grad. Gradients handed between nodes are
// read-only once sent (a Step exposes them, and an op may pass its upstream
// gradient straight on), so an intermediate value first takes g itself and
// copies only when a second contribution arrives. A parameter's gradient is
// always its own tensor, since optimizers and ZeroGrad write to it.
//
// On a recycling tape the intermediate sums come from the tape's arena;
// a parameter's first gradient never does, so it outlives Reset.
func (t *Tape) accumulate(v *Var, g *tensor.Tensor) {
	switch {
	case v.Grad == nil && v.param:
		v.Grad = g.Clone()
	case v.Grad == nil:
		v.Grad = g
		v.gradOwned = false
	case v.param || v.gradOwned:
		tensor.AddInto(v.Grad, g)
	default:
		v.Grad = t.ar.Add(v.Grad, g)
		v.gradOwned = true
	}
}
