package autograd

import (
	"slices"
	"strings"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Node is one recorded operation: out = Op(Inputs...).
type Node struct {
	// Index is the node's position on the tape (creation order).
	Index int
	// Op is the operation's short name ("matmul", "add", "sigmoid").
	Op string
	// Inputs are the operation's arguments, in order.
	Inputs []*Var
	// Out is the operation's result.
	Out *Var
	// Attrs holds non-tensor arguments for display ("axis=1", "p=0.5").
	Attrs string

	// backward returns dL/dInput for every input given dL/dOut, with nil
	// for inputs that do not require a gradient.
	backward func(g *tensor.Tensor) []*tensor.Tensor
	// local, when non-nil, returns the element-wise local derivative
	// dOut/dInput for every input (nil where it is not element-wise).
	local func() []*tensor.Tensor
	// redo computes the op again from other inputs, for Replay.
	redo func(t *Tape, in []*Var) *Var
}

// Label is the node's readable form, such as "z1 = matmul(x, dense1.W)".
func (n *Node) Label() string {
	var b strings.Builder
	b.WriteString(n.Out.displayName())
	b.WriteString(" = ")
	b.WriteString(n.Op)
	b.WriteByte('(')
	for i, in := range n.Inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(in.displayName())
	}
	if n.Attrs != "" {
		if len(n.Inputs) > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.Attrs)
	}
	b.WriteByte(')')
	return b.String()
}

// Local returns the element-wise local derivative dOut/dInputs[i],
// broadcast to the output's shape, or nil when the op has none to show
// (matmul, reductions, reshapes, softmax). For element-wise ops the
// gradient sent to input i is upstream ⊙ Local(i), summed over any axes
// the input was broadcast along. It is computed on demand, for display;
// training never calls it.
func (n *Node) Local(i int) *tensor.Tensor {
	if n.local == nil {
		return nil
	}
	return n.local()[i]
}

// Tape records operations in creation order. The zero value is not ready
// for use; call NewTape.
type Tape struct {
	nodes  []*Node
	noGrad bool
	// resets run at Reset: ops return their scratch memory there.
	resets []func()
	// onBackward is the backward hook (SetBackwardHook).
	onBackward func(st Step)
	// ar, on a recycling tape, holds every tensor the tape's ops made
	// (values, gradients, working memory) until Reset; nil otherwise.
	ar *tensor.Arena
	// spare holds the nodes of earlier steps for reuse (recycling only).
	spare []*recorded
	used  []*recorded
	// gs holds the slices of gradients the step's backward closures
	// returned (recycling only): see grads.
	gs []*tensor.Tensor
}

// NewTape returns an empty tape that records operations. Values and
// gradients it makes are ordinary tensors: they stay valid for as long as
// anyone holds them.
func NewTape() *Tape { return &Tape{} }

// NewRecyclingTape returns a tape that records operations and reuses its
// memory from one step to the next: at Reset, every tensor its ops made
// since the previous Reset (op outputs, the gradients of non-parameters,
// the backward pass's working memory), and every Var and Node it
// recorded, go back to the tape and are handed out again by the next
// step's ops. A training step of a fixed-shape model then allocates
// (almost) nothing after the first.
//
// The contract, for the tape's owner: a Var an op returned, its Value and
// Grad, a Node and the Steps of BackwardSteps are valid until the next
// Reset, and must not be read, written or kept after it. Clone what must
// outlive the step (a loss's value, a snapshot's activations). Parameters
// and constants are never recycled: their Values are the caller's, and a
// parameter's Grad is its own tensor (allocated once by its first backward
// pass, then accumulated into in place), so they survive Reset.
func NewRecyclingTape() *Tape { return &Tape{ar: tensor.NewArena()} }

// NoGrad returns a tape that records nothing, like NoGradTape, but draws
// its tensors from t's arena when t is recycling: its values are then
// valid until t's next Reset. On other tapes it is NoGradTape().
func (t *Tape) NoGrad() *Tape { return &Tape{noGrad: true, ar: t.ar} }

// Recycling reports whether the tape reuses memory at Reset (see
// NewRecyclingTape).
func (t *Tape) Recycling() bool { return t.ar != nil }

// Arena returns the arena a recycling tape draws its tensors from (nil for
// other tapes): Stats tells how many had to be allocated.
func (t *Tape) Arena() *tensor.Arena { return t.ar }

// scalar returns a tensor of shape [] holding v, from the tape's arena.
func (t *Tape) scalar(v float64) *tensor.Tensor {
	if t.ar == nil {
		return tensor.Scalar(v)
	}
	s := t.ar.Uninit()
	s.Data[0] = v
	return s
}

// NoGradTape returns a tape that records nothing: operations compute values
// only, for inference.
func NoGradTape() *Tape { return &Tape{noGrad: true} }

// Nodes returns the recorded nodes in creation (forward) order. The slice
// belongs to the tape.
func (t *Tape) Nodes() []*Node { return t.nodes }

// Len returns the number of recorded nodes.
func (t *Tape) Len() int { return len(t.nodes) }

// Reset forgets every recorded node so the tape can be reused for the next
// training step. On a tape made by NewTape, values and gradients stay
// valid; working memory that only the backward pass reads (a convolution's
// columns) is recycled. On a recycling tape (NewRecyclingTape) everything
// the tape made since the last Reset is taken back.
func (t *Tape) Reset() {
	for _, f := range t.resets {
		f()
	}
	clear(t.resets)
	t.resets = t.resets[:0]
	clear(t.nodes)
	t.nodes = t.nodes[:0]
	if t.ar != nil {
		t.ar.Recycle()
		for _, r := range t.used {
			*r = recorded{}
		}
		t.spare = append(t.spare, t.used...)
		clear(t.used)
		t.used = t.used[:0]
		clear(t.gs)
		t.gs = t.gs[:0]
	}
}

// grads returns g as the slice a backward closure returns: on a recycling
// tape it is carved from the tape's store, valid until Reset as the
// step's other memory (a Step's Grads), so a backward pass allocates no
// slice per node; on other tapes it is a new slice.
func (t *Tape) grads(g ...*tensor.Tensor) []*tensor.Tensor {
	if t.ar == nil {
		return append(make([]*tensor.Tensor, 0, len(g)), g...)
	}
	if len(t.gs)+len(g) > cap(t.gs) {
		// The full store stays with the slices already handed out; the
		// next steps use the larger one.
		t.gs = make([]*tensor.Tensor, 0, max(64, 2*cap(t.gs), len(g)))
	}
	n := len(t.gs)
	t.gs = append(t.gs, g...)
	return t.gs[n:len(t.gs):len(t.gs)]
}

// onReset registers f to run when the tape is reset.
func (t *Tape) onReset(f func()) { t.resets = append(t.resets, f) }

// records reports whether an op on inputs is recorded: the tape records
// and an input requires a gradient.
func (t *Tape) records(inputs []*Var) bool {
	if t.noGrad {
		return false
	}
	for _, in := range inputs {
		if in.requiresGrad {
			return true
		}
	}
	return false
}

// record makes the Var for out and, if any input requires a gradient and
// the tape records, the node that produced it.
func (t *Tape) record(op string, out *tensor.Tensor, inputs []*Var,
	backward func(g *tensor.Tensor) []*tensor.Tensor, local func() []*tensor.Tensor) *Var {
	if !t.records(inputs) {
		if t.ar != nil && !t.noGrad {
			r := t.newRecorded()
			r.v = Var{Value: out}
			return &r.v
		}
		return &Var{Value: out}
	}
	// One allocation for the output, its node and up to three inputs: the
	// fixed cost of an op is mostly allocation.
	var r *recorded
	if t.ar != nil {
		r = t.newRecorded()
	} else {
		r = &recorded{}
	}
	v, n := &r.v, &r.n
	*v = Var{Value: out, requiresGrad: true, node: n}
	*n = Node{Index: len(t.nodes), Op: op, Out: v, backward: backward, local: local}
	if len(inputs) <= len(r.in) {
		n.Inputs = r.in[:len(inputs):len(inputs)]
		copy(n.Inputs, inputs)
	} else {
		n.Inputs = slices.Clone(inputs)
	}
	t.nodes = append(t.nodes, n)
	return v
}

// newRecorded returns a zero recorded from the recycling tape's spares,
// valid until Reset.
func (t *Tape) newRecorded() *recorded {
	var r *recorded
	if n := len(t.spare); n > 0 {
		r = t.spare[n-1]
		t.spare[n-1] = nil
		t.spare = t.spare[:n-1]
	} else {
		r = &recorded{}
	}
	t.used = append(t.used, r)
	return r
}

// recorded is an op's output with its node, allocated together.
type recorded struct {
	v  Var
	n  Node
	in [3]*Var
}

// withAttrs sets the display attributes of v's node, if it has one.
func withAttrs(v *Var, attrs string) *Var {
	if v.node != nil {
		v.node.Attrs = attrs
	}
	return v
}

// replayAs gives the node of *v, if it has one, the way to compute it
// again from other inputs: f calls the same op with the same non-tensor
// arguments. Ops set it with a defer on their named result.
func replayAs(v **Var, f func(t *Tape, in []*Var) *Var) {
	if *v != nil && (*v).node != nil && (*v).node.redo == nil {
		(*v).node.redo = f
	}
}

// optional is in[i], or nil when the op was recorded without it (a
// convolution without a bias).
func optional(in []*Var, i int) *Var {
	if i < len(in) {
		return in[i]
	}
	return nil
}

// Replay evaluates the recorded forward pass again, from the values in
// with (keyed by the Vars they replace: leaves or op outputs), and returns
// the value of out. Only the nodes downstream of a replaced value are
// computed again, by the same ops with the same non-tensor arguments (a
// dropout keeps its mask); the others keep their recorded values. Nothing
// recorded changes: replayed values are new tensors, the tape is not
// written, and no gradient is computed. It panics if out was not recorded
// on this tape.
func (t *Tape) Replay(out *Var, with map[*Var]*tensor.Tensor) *tensor.Tensor {
	if out.node == nil || out.node.Index >= len(t.nodes) || t.nodes[out.node.Index] != out.node {
		if r, ok := with[out]; ok {
			return r
		}
		panic("autograd: Replay: " + out.displayName() + " was not recorded on this tape")
	}
	vals := make(map[*Var]*tensor.Tensor, len(with))
	for v, x := range with {
		vals[v] = x
	}
	nt := NoGradTape()
	for _, n := range t.nodes[:out.node.Index+1] {
		if _, ok := with[n.Out]; ok {
			continue
		}
		changed := false
		for _, in := range n.Inputs {
			if _, ok := vals[in]; ok {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		if n.redo == nil {
			panic("autograd: Replay: op " + n.Op + " cannot be computed again")
		}
		ins := make([]*Var, len(n.Inputs))
		for j, in := range n.Inputs {
			x := in.Value
			if r, ok := vals[in]; ok {
				x = r
			}
			ins[j] = Const(in.Name, x)
		}
		vals[n.Out] = n.redo(nt, ins).Value
	}
	if r, ok := vals[out]; ok {
		return r
	}
	return out.Value
}
