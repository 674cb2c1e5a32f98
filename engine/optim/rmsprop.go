package optim

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// RMSProp keeps a running average of the squared gradient instead of
// AdaGrad's sum, so old gradients are forgotten (PyTorch's RMSprop without
// momentum, not centred):
//
//	g ← dW + λ·W
//	v ← α·v + (1 − α)·g²   (v starts at 0)
//	W ← W − lr·g / (√v + ε)
type RMSProp struct {
	LR          float64
	Alpha       float64 // α, the decay of the running average; 0.99 by default (PyTorch's; Keras' rho is 0.9)
	Eps         float64 // ε, added to √v; 1e-8 by default
	WeightDecay float64 // λ: adds λ·W to the gradient

	state stateMap
}

// NewRMSProp returns RMSProp with learning rate lr, α = 0.99 and ε = 1e-8.
func NewRMSProp(lr float64) *RMSProp { return &RMSProp{LR: lr, Alpha: 0.99, Eps: 1e-8} }

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *RMSProp) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		st := o.state.slot("RMSProp.Step", p, 1)
		w, v, d := p.Value.Data, st.a.Data, st.last.Data
		for i, g := range p.Grad.Data {
			if o.WeightDecay != 0 {
				g += float64(o.WeightDecay * w[i])
			}
			v[i] = float64(o.Alpha*v[i]) + float64(float64((1-o.Alpha)*g)*g)
			d[i] = float64(-o.LR * (g / (math.Sqrt(v[i]) + o.Eps)))
			w[i] += d[i]
		}
		st.steps++
	}
}

// LastUpdate returns ΔW of the last Step that updated p, or nil.
func (o *RMSProp) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.state.lastUpdate(p) }

// State returns v, the step count and, after the first step, the
// effective per-element step size lr/(√v + ε) (ΔW = −step size·g).
func (o *RMSProp) State(p *autograd.Var) []NamedState {
	v, _, t := o.state.buffers(p)
	out := []NamedState{
		{Name: StateV, Value: v, Help: "v ← α·v + (1−α)·g²: a running average of squared gradients"},
		scalar(StateT, float64(t), "steps taken"),
	}
	if t > 0 {
		out = append(out, NamedState{Name: StateStepSize, Value: stepSize(o.LR, v, 1, o.Eps),
			Help: "lr / (√v + ε): each element's own learning rate"})
	}
	return out
}

// LearningRate returns LR.
func (o *RMSProp) LearningRate() float64 { return o.LR }

// SetLearningRate sets LR. It panics if lr is negative, NaN or infinite.
func (o *RMSProp) SetLearningRate(lr float64) { mustLR("RMSProp.SetLearningRate", lr); o.LR = lr }

// Name returns "rmsprop".
func (o *RMSProp) Name() string { return "rmsprop" }

// Reset forgets every parameter's state (v restarts at 0).
func (o *RMSProp) Reset() { o.state = nil }

// Clone returns an independent copy (see Optimizer.Clone).
func (o *RMSProp) Clone(remap map[*autograd.Var]*autograd.Var) Optimizer {
	c := *o
	c.state = o.state.clone("RMSProp", remap)
	return &c
}

func (o *RMSProp) String() string {
	return fmt.Sprintf("RMSProp(lr=%g, α=%g, ε=%g%s)", o.LR, o.Alpha, o.Eps, wdString(o.WeightDecay))
}
