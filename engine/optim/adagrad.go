package optim

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// AdaGrad adapts the step size of every element to the history of its
// gradient (PyTorch's Adagrad with lr_decay 0):
//
//	g ← dW + λ·W
//	G ← G + g²           (element-wise; G starts at 0)
//	W ← W − lr·g / (√G + ε)
//
// Elements with large past gradients take small steps. Because G only
// grows, the steps shrink for ever, which is what RMSProp fixes.
type AdaGrad struct {
	LR          float64
	Eps         float64 // ε, added to √G; 1e-10 by default (PyTorch's)
	WeightDecay float64 // λ: adds λ·W to the gradient

	state stateMap
}

// NewAdaGrad returns AdaGrad with learning rate lr and ε = 1e-10.
func NewAdaGrad(lr float64) *AdaGrad { return &AdaGrad{LR: lr, Eps: 1e-10} }

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *AdaGrad) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		st := o.state.slot("AdaGrad.Step", p, 1)
		w, G, d := p.Value.Data, st.a.Data, st.last.Data
		for i, g := range p.Grad.Data {
			if o.WeightDecay != 0 {
				g += float64(o.WeightDecay * w[i])
			}
			G[i] += float64(g * g)
			d[i] = float64(-o.LR * (g / (math.Sqrt(G[i]) + o.Eps)))
			w[i] += d[i]
		}
		st.steps++
	}
}

// LastUpdate returns ΔW of the last Step that updated p, or nil.
func (o *AdaGrad) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.state.lastUpdate(p) }

// State returns G, the step count and, after the first step, the
// effective per-element step size lr/(√G + ε) (ΔW = −step size·g).
func (o *AdaGrad) State(p *autograd.Var) []NamedState {
	G, _, t := o.state.buffers(p)
	out := []NamedState{
		{Name: StateG, Value: G, Help: "G ← G + g²: the sum of squared gradients so far"},
		scalar(StateT, float64(t), "steps taken"),
	}
	if t > 0 {
		out = append(out, NamedState{Name: StateStepSize, Value: stepSize(o.LR, G, 1, o.Eps),
			Help: "lr / (√G + ε): each element's own learning rate"})
	}
	return out
}

// stepSize returns lr / (√(s/bc) + eps) element-wise.
func stepSize(lr float64, s *tensor.Tensor, bc, eps float64) *tensor.Tensor {
	out := tensor.New(s.Shape...)
	for i, v := range s.Data {
		out.Data[i] = lr / (math.Sqrt(v/bc) + eps)
	}
	return out
}

// LearningRate returns LR.
func (o *AdaGrad) LearningRate() float64 { return o.LR }

// SetLearningRate sets LR. It panics if lr is negative, NaN or infinite.
func (o *AdaGrad) SetLearningRate(lr float64) { mustLR("AdaGrad.SetLearningRate", lr); o.LR = lr }

// Name returns "adagrad".
func (o *AdaGrad) Name() string { return "adagrad" }

// Reset forgets every parameter's state (G restarts at 0).
func (o *AdaGrad) Reset() { o.state = nil }

// Clone returns an independent copy (see Optimizer.Clone).
func (o *AdaGrad) Clone(remap map[*autograd.Var]*autograd.Var) Optimizer {
	c := *o
	c.state = o.state.clone("AdaGrad", remap)
	return &c
}

func (o *AdaGrad) String() string {
	return fmt.Sprintf("AdaGrad(lr=%g, ε=%g%s)", o.LR, o.Eps, wdString(o.WeightDecay))
}
