package optim

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Optimizer updates parameters in place from their gradients and keeps,
// per parameter, the state a lesson displays.
//
// Every optimizer in this package implements it: *SGD, *Momentum,
// *AdaGrad, *RMSProp and *Adam. Each also has exported fields (LR,
// WeightDecay and its own hyper-parameters) that may be changed between
// steps.
type Optimizer interface {
	// Step applies one update to every parameter whose Grad is non-nil
	// (parameters with a nil Grad are skipped and keep their state). It
	// panics if a gradient's shape differs from its value's, or if a
	// parameter's shape changed since its state was created.
	Step(params []*autograd.Var)
	// LastUpdate returns ΔW, the change the last Step that updated p
	// applied to p.Value, or nil if no Step has updated p. The tensor is
	// owned by the optimizer and overwritten by the next Step: Clone it
	// to keep it.
	LastUpdate(p *autograd.Var) *tensor.Tensor
	// State returns copies of p's optimizer state, in display order (see
	// the State… name constants). Before the first Step that updates p
	// it holds the zero buffers and the step count 0, without the derived
	// quantities (bias corrections, effective step sizes).
	State(p *autograd.Var) []NamedState
	// LearningRate returns the current learning rate.
	LearningRate() float64
	// SetLearningRate changes the learning rate for the following steps;
	// the state is kept. It panics if lr is negative, NaN or infinite
	// (validate user input with CheckLR first).
	SetLearningRate(lr float64)
	// Name returns the optimizer's short name, as accepted by New:
	// "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam".
	Name() string
	// Reset forgets all per-parameter state, as if no Step had run.
	Reset()
	// Clone returns an independent copy with the same settings and state.
	// With remap nil the copy keys its state by the same parameters;
	// otherwise the state of p moves to remap[p], and the state of
	// parameters missing from remap is dropped. Clone panics if remap[p]
	// has a different shape from p.
	Clone(remap map[*autograd.Var]*autograd.Var) Optimizer
}

// NamedState is one piece of an optimizer's per-parameter state, as a
// lesson shows it.
type NamedState struct {
	// Name is the short symbol shown in a panel title ("velocity", "m").
	Name string
	// Value is a copy: a tensor shaped like the parameter, or a scalar
	// (shape []) for counters and bias corrections.
	Value *tensor.Tensor
	// Help is one line of explanation for a legend.
	Help string
}

// Names of the state entries, for looking them up with Lookup.
const (
	StateVelocity = "velocity"  // Momentum: v ← μv + g
	StateG        = "G"         // AdaGrad: running sum of g²
	StateM        = "m"         // Adam: running average of g
	StateV        = "v"         // RMSProp, Adam: running average of g²
	StateT        = "t"         // steps taken for this parameter
	StateBias1    = "1-β1^t"    // Adam: bias correction of m
	StateBias2    = "1-β2^t"    // Adam: bias correction of v
	StateMHat     = "m̂"        // Adam: m / (1-β1^t)
	StateVHat     = "v̂"        // Adam: v / (1-β2^t)
	StateStepSize = "step size" // adaptive methods: lr / (√(…) + ε), per element
)

// Lookup returns the value of the entry named name, or nil if there is
// none.
func Lookup(states []NamedState, name string) *tensor.Tensor {
	for _, s := range states {
		if s.Name == name {
			return s.Value
		}
	}
	return nil
}

// ZeroGrad clears the gradients of params (those that have one), so the
// next backward pass does not add to the previous one.
func ZeroGrad(params []*autograd.Var) { autograd.ZeroGrad(params...) }

// CheckLR reports whether lr is a usable learning rate: finite and not
// negative (0 freezes the parameters). The error reads
// "optim: learning rate -1 must be a finite number ≥ 0".
func CheckLR(lr float64) error {
	if math.IsNaN(lr) || math.IsInf(lr, 0) || lr < 0 {
		return fmt.Errorf("optim: learning rate %g must be a finite number ≥ 0", lr)
	}
	return nil
}

func mustLR(op string, lr float64) {
	if err := CheckLR(lr); err != nil {
		panic(fmt.Sprintf("optim: %s: %s", op, err.Error()[len("optim: "):]))
	}
}
