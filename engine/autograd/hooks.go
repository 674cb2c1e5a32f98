package autograd

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Hooks let code outside the engine take part in a recorded step: a lesson
// in "mine" mode checks each op against the learner's own implementation
// and trains with the learner's values where they agree with the engine's.

// SetBackwardHook makes every later backward pass on t call f for each
// node, after the node's gradients are computed and before they are added
// to its inputs. f may replace st.Grads[j] (the slice is the pass's own)
// by another tensor of the same shape, which the pass then sends instead;
// it must not write into the tensors it is given, which may be shared with
// the graph. nil removes the hook.
func (t *Tape) SetBackwardHook(f func(st Step)) { t.onBackward = f }

// Refresh computes again, in place, every node recorded after n that
// depends on n's output, from the current values of their inputs: after a
// caller has written new values into n.Out.Value.Data, the later ops and
// the loss hold the values that follow from them. Each node is computed by
// the same op with the same non-tensor arguments (a dropout keeps its
// mask), and its result is copied into its existing output tensor, so
// tensors held elsewhere (a backward closure's reference to an output)
// see the new values. What an op kept aside for its backward pass besides
// its output (a max-pool's winners, a layer norm's statistics) is not
// recomputed: Refresh is meant for values that differ from the recorded
// ones by rounding. It panics if n is not on t or a later op cannot be
// computed again.
func (t *Tape) Refresh(n *Node) {
	if n.Index >= len(t.nodes) || t.nodes[n.Index] != n {
		panic(fmt.Sprintf("autograd: Refresh: %s is not on this tape", n.Label()))
	}
	changed := map[*Var]bool{n.Out: true}
	nt := NoGradTape()
	for _, m := range t.nodes[n.Index+1:] {
		dep := false
		for _, in := range m.Inputs {
			if changed[in] {
				dep = true
				break
			}
		}
		if !dep {
			continue
		}
		if m.redo == nil {
			panic("autograd: Refresh: op " + m.Op + " cannot be computed again")
		}
		ins := make([]*Var, len(m.Inputs))
		for j, in := range m.Inputs {
			ins[j] = Const(in.Name, in.Value)
		}
		v := m.redo(nt, ins).Value
		if !tensor.SameShape(v, m.Out.Value) {
			panic(fmt.Sprintf("autograd: Refresh: %s gave shape %v for %v", m.Op, v.Shape, m.Out.Value.Shape))
		}
		if len(v.Data) > 0 && &v.Data[0] != &m.Out.Value.Data[0] {
			copy(m.Out.Value.Data, v.Data)
		}
		changed[m.Out] = true
	}
}
