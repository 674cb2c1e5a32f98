package optim

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// SGD is plain (stochastic) gradient descent: W ← W − lr·(dW + λ·W), with
// λ the L2 weight decay (0 by default). The zero value with LR set is
// ready to use; LR and WeightDecay may be changed between steps.
type SGD struct {
	LR          float64
	WeightDecay float64 // λ: adds λ·W to the gradient (L2 regularisation)

	state stateMap
}

// NewSGD returns plain SGD with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LR: lr} }

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *SGD) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		st := o.state.slot("SGD.Step", p, 0)
		w, d := p.Value.Data, st.last.Data
		for i, g := range p.Grad.Data {
			if o.WeightDecay != 0 {
				g += float64(o.WeightDecay * w[i])
			}
			d[i] = float64(-o.LR * g)
			w[i] += d[i]
		}
		st.steps++
	}
}

// LastUpdate returns ΔW, the change the last Step made to p, or nil if
// Step has not updated p yet. The tensor is reused by the next Step.
func (o *SGD) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.state.lastUpdate(p) }

// State returns the number of steps taken for p: plain SGD keeps nothing
// else.
func (o *SGD) State(p *autograd.Var) []NamedState {
	var t int
	if st := o.state[p]; st != nil {
		t = st.steps
	}
	return []NamedState{scalar(StateT, float64(t), "steps taken")}
}

// LearningRate returns LR.
func (o *SGD) LearningRate() float64 { return o.LR }

// SetLearningRate sets LR. It panics if lr is negative, NaN or infinite.
func (o *SGD) SetLearningRate(lr float64) { mustLR("SGD.SetLearningRate", lr); o.LR = lr }

// Name returns "sgd".
func (o *SGD) Name() string { return "sgd" }

// Reset forgets every parameter's state.
func (o *SGD) Reset() { o.state = nil }

// Clone returns an independent copy (see Optimizer.Clone).
func (o *SGD) Clone(remap map[*autograd.Var]*autograd.Var) Optimizer {
	c := *o
	c.state = o.state.clone("SGD", remap)
	return &c
}

func (o *SGD) String() string {
	return fmt.Sprintf("SGD(lr=%g%s)", o.LR, wdString(o.WeightDecay))
}

// Momentum is gradient descent with (heavy-ball) momentum, in PyTorch's
// convention:
//
//	g ← dW + λ·W
//	v ← μ·v + g          (v starts at 0, so the first v is g)
//	W ← W − lr·v
//
// Other texts write v ← μ·v − lr·g, W ← W + v; the two agree while lr is
// constant and differ when it changes mid-run (here a new lr applies to
// the whole velocity at once). With Nesterov set, the step uses the
// look-ahead gradient g + μ·v instead of v (PyTorch's nesterov=True).
type Momentum struct {
	LR          float64
	Mu          float64 // μ, the momentum coefficient in [0, 1); 0.9 by default
	Nesterov    bool
	WeightDecay float64 // λ: adds λ·W to the gradient

	state stateMap
}

// NewMomentum returns SGD with momentum μ = mu and learning rate lr.
func NewMomentum(lr, mu float64) *Momentum { return &Momentum{LR: lr, Mu: mu} }

// NewNesterov returns SGD with Nesterov momentum μ = mu and learning rate lr.
func NewNesterov(lr, mu float64) *Momentum { return &Momentum{LR: lr, Mu: mu, Nesterov: true} }

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *Momentum) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		st := o.state.slot("Momentum.Step", p, 1)
		w, v, d := p.Value.Data, st.a.Data, st.last.Data
		for i, g := range p.Grad.Data {
			if o.WeightDecay != 0 {
				g += float64(o.WeightDecay * w[i])
			}
			v[i] = float64(o.Mu*v[i]) + g
			if o.Nesterov {
				g += float64(o.Mu * v[i])
			} else {
				g = v[i]
			}
			d[i] = float64(-o.LR * g)
			w[i] += d[i]
		}
		st.steps++
	}
}

// LastUpdate returns ΔW of the last Step that updated p, or nil.
func (o *Momentum) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.state.lastUpdate(p) }

// State returns p's velocity and step count.
func (o *Momentum) State(p *autograd.Var) []NamedState {
	v, _, t := o.state.buffers(p)
	return []NamedState{
		{Name: StateVelocity, Value: v, Help: "v ← μ·v + g: a running sum of past gradients"},
		scalar(StateT, float64(t), "steps taken"),
	}
}

// LearningRate returns LR.
func (o *Momentum) LearningRate() float64 { return o.LR }

// SetLearningRate sets LR. It panics if lr is negative, NaN or infinite.
func (o *Momentum) SetLearningRate(lr float64) { mustLR("Momentum.SetLearningRate", lr); o.LR = lr }

// Name returns "momentum", or "nesterov" when Nesterov is set.
func (o *Momentum) Name() string {
	if o.Nesterov {
		return "nesterov"
	}
	return "momentum"
}

// Reset forgets every parameter's state (the velocities restart at 0).
func (o *Momentum) Reset() { o.state = nil }

// Clone returns an independent copy (see Optimizer.Clone).
func (o *Momentum) Clone(remap map[*autograd.Var]*autograd.Var) Optimizer {
	c := *o
	c.state = o.state.clone("Momentum", remap)
	return &c
}

func (o *Momentum) String() string {
	n := ""
	if o.Nesterov {
		n = ", nesterov"
	}
	return fmt.Sprintf("Momentum(lr=%g, μ=%g%s%s)", o.LR, o.Mu, n, wdString(o.WeightDecay))
}

func wdString(wd float64) string {
	if wd == 0 {
		return ""
	}
	return fmt.Sprintf(", weight decay=%g", wd)
}
