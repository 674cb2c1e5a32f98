package optim

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// paramState is what an optimizer keeps for one parameter. The buffers are
// allocated on the parameter's first Step and reused afterwards, so steps
// after the first do not allocate.
type paramState struct {
	last  *tensor.Tensor // ΔW of the last step
	a, b  *tensor.Tensor // optimizer-specific buffers (velocity; G; m and v)
	steps int            // steps that updated this parameter
}

// stateMap holds the state of every parameter an optimizer has updated.
// The nil map is ready to use.
type stateMap map[*autograd.Var]*paramState

// slot returns p's state, creating it with nbuf zero buffers on first use.
// It panics, naming op, if p's gradient does not match its value or if p's
// shape changed since its state was created.
func (s *stateMap) slot(op string, p *autograd.Var, nbuf int) *paramState {
	if !tensor.SameShape(p.Value, p.Grad) {
		panic(fmt.Sprintf("optim: %s: parameter %q has value shape %v and gradient shape %v",
			op, p.Name, p.Value.Shape, p.Grad.Shape))
	}
	if *s == nil {
		*s = stateMap{}
	}
	st := (*s)[p]
	if st == nil {
		st = &paramState{last: tensor.New(p.Value.Shape...)}
		if nbuf > 0 {
			st.a = tensor.New(p.Value.Shape...)
		}
		if nbuf > 1 {
			st.b = tensor.New(p.Value.Shape...)
		}
		(*s)[p] = st
		return st
	}
	if !tensor.SameShape(st.last, p.Value) {
		panic(fmt.Sprintf("optim: %s: parameter %q has shape %v but its state has shape %v",
			op, p.Name, p.Value.Shape, st.last.Shape))
	}
	return st
}

// last returns p's last update or nil.
func (s stateMap) lastUpdate(p *autograd.Var) *tensor.Tensor {
	if st := s[p]; st != nil {
		return st.last
	}
	return nil
}

// buffers returns copies of p's buffers a and b and its step count; the
// buffers are zero tensors shaped like p when p has no state yet (and nil
// when p has no value).
func (s stateMap) buffers(p *autograd.Var) (a, b *tensor.Tensor, steps int) {
	st := s[p]
	if st == nil {
		if p.Value == nil {
			return nil, nil, 0
		}
		return tensor.New(p.Value.Shape...), tensor.New(p.Value.Shape...), 0
	}
	a, b = zerosLike(st.last), zerosLike(st.last)
	if st.a != nil {
		a = st.a.Clone()
	}
	if st.b != nil {
		b = st.b.Clone()
	}
	return a, b, st.steps
}

func zerosLike(t *tensor.Tensor) *tensor.Tensor { return tensor.New(t.Shape...) }

// clone deep-copies the map, moving the state of p to remap[p] when remap
// is non-nil. It panics, naming op, if the shapes of p and remap[p] differ.
func (s stateMap) clone(op string, remap map[*autograd.Var]*autograd.Var) stateMap {
	if s == nil {
		return nil
	}
	out := make(stateMap, len(s))
	for p, st := range s {
		q := p
		if remap != nil {
			q = remap[p]
			if q == nil {
				continue
			}
			if q.Value == nil || !tensor.SameShape(q.Value, st.last) {
				var got []int
				if q.Value != nil {
					got = q.Value.Shape
				}
				panic(fmt.Sprintf("optim: %s.Clone: parameter %q has shape %v, its replacement %q has shape %v",
					op, p.Name, st.last.Shape, q.Name, got))
			}
		}
		c := &paramState{last: st.last.Clone(), steps: st.steps}
		if st.a != nil {
			c.a = st.a.Clone()
		}
		if st.b != nil {
			c.b = st.b.Clone()
		}
		out[q] = c
	}
	return out
}

func scalar(name string, v float64, help string) NamedState {
	return NamedState{Name: name, Value: tensor.Scalar(v), Help: help}
}
