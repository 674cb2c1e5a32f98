package optim

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// SGD is plain stochastic gradient descent: W ← W − lr·dW.
type SGD struct {
	LR float64

	last map[*autograd.Var]*tensor.Tensor
}

// NewSGD returns plain SGD with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LR: lr, last: map[*autograd.Var]*tensor.Tensor{}} }

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *SGD) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		tensor.MustSameShape("SGD.Step", p.Value, p.Grad)
		d := o.last[p]
		if d == nil {
			d = tensor.New(p.Value.Shape...)
			o.last[p] = d
		}
		for i, g := range p.Grad.Data {
			d.Data[i] = -o.LR * g
			p.Value.Data[i] += d.Data[i]
		}
	}
}

// LastUpdate returns ΔW, the change the last Step made to p, or nil if
// Step has not updated p yet.
func (o *SGD) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.last[p] }

func (o *SGD) String() string { return fmt.Sprintf("SGD(lr=%g)", o.LR) }
