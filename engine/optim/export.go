package optim

import (
	"fmt"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// ParamState is a plain copy of what an optimizer keeps for one parameter,
// for saving it outside the process (State gives the same numbers for
// display, under names, but cannot be put back).
type ParamState struct {
	// Last is ΔW of the last Step that updated the parameter.
	Last []float64
	// A and B are the optimizer's buffers, shaped like the parameter:
	// the velocity (Momentum), G (AdaGrad), v (RMSProp), m and v (Adam);
	// nil where the optimizer has fewer (see Buffers).
	A, B []float64
	// Steps is the number of Steps that updated the parameter.
	Steps int
}

// Buffers returns how many of ParamState's A and B the optimizer uses:
// 0 for SGD, 1 for Momentum, AdaGrad and RMSProp, 2 for Adam. It returns
// -1 for an optimizer not of this package.
func Buffers(o Optimizer) int {
	_, n := stateOf(o)
	return n
}

func stateOf(o Optimizer) (*stateMap, int) {
	switch o := o.(type) {
	case *SGD:
		return &o.state, 0
	case *Momentum:
		return &o.state, 1
	case *AdaGrad:
		return &o.state, 1
	case *RMSProp:
		return &o.state, 1
	case *Adam:
		return &o.state, 2
	}
	return nil, -1
}

// ExportState returns a copy of o's state for p, and false when o has
// none for it (no Step has updated p) or o is not of this package.
func ExportState(o Optimizer, p *autograd.Var) (ParamState, bool) {
	s, _ := stateOf(o)
	if s == nil {
		return ParamState{}, false
	}
	st := (*s)[p]
	if st == nil {
		return ParamState{}, false
	}
	out := ParamState{Last: slices.Clone(st.last.Data), Steps: st.steps}
	if st.a != nil {
		out.A = slices.Clone(st.a.Data)
	}
	if st.b != nil {
		out.B = slices.Clone(st.b.Data)
	}
	return out, true
}

// ImportState sets o's state for p to a copy of s, as if the Steps that
// made s had run on p. It fails, changing nothing, when o is not of this
// package, s.Steps is negative, or a buffer is missing, extra or not the
// size of p's value.
func ImportState(o Optimizer, p *autograd.Var, s ParamState) error {
	m, nbuf := stateOf(o)
	if m == nil {
		return fmt.Errorf("optim: ImportState: %T is not an optimizer of this package", o)
	}
	if p.Value == nil {
		return fmt.Errorf("optim: ImportState: parameter %q has no value", p.Name)
	}
	n := len(p.Value.Data)
	check := func(what string, b []float64, want bool) error {
		switch {
		case want && len(b) != n:
			return fmt.Errorf("optim: ImportState: %s of %q has %d values, want %d", what, p.Name, len(b), n)
		case !want && b != nil:
			return fmt.Errorf("optim: ImportState: %s has no buffer %s", o.Name(), what)
		}
		return nil
	}
	if s.Steps < 0 {
		return fmt.Errorf("optim: ImportState: %d steps for %q", s.Steps, p.Name)
	}
	if err := check("last update", s.Last, true); err != nil {
		return err
	}
	if err := check("A", s.A, nbuf > 0); err != nil {
		return err
	}
	if err := check("B", s.B, nbuf > 1); err != nil {
		return err
	}
	like := func(b []float64) *tensor.Tensor {
		t := tensor.New(p.Value.Shape...)
		copy(t.Data, b)
		return t
	}
	st := &paramState{last: like(s.Last), steps: s.Steps}
	if nbuf > 0 {
		st.a = like(s.A)
	}
	if nbuf > 1 {
		st.b = like(s.B)
	}
	if *m == nil {
		*m = stateMap{}
	}
	(*m)[p] = st
	return nil
}
