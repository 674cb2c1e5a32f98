package autograd

import (
	"github.com/dlearn/dlearn/engine/tensor"
)

// Var is a value in a computation: a leaf (a constant input or a trainable
// parameter) or the output of an operation recorded on a tape.
//
// An op's output Var, its Value and its Grad live as long as they are
// held, except on a recycling tape (NewRecyclingTape): there they are
// valid until the tape's next Reset. Leaves are the caller's and are never
// recycled; neither is a parameter's Grad.
type Var struct {
	// Value is the forward value. Optimizers update parameters in place.
	Value *tensor.Tensor
	// Grad is dL/dValue after a backward pass, nil before one and for
	// values that do not require a gradient.
	Grad *tensor.Tensor
	// Name is a parameter's name ("dense1.W") or a node's readable name
	// ("z1"); empty names are shown as v<index>.
	Name string

	requiresGrad bool
	param        bool
	node         *Node
	// gradOwned reports that Grad was allocated by accumulate and may be
	// written in place; otherwise it is shared with a Step.
	gradOwned bool
}

// NewParam returns a trainable leaf named name holding value. Its gradient
// accumulates across backward passes until ZeroGrad.
func NewParam(name string, value *tensor.Tensor) *Var {
	return &Var{Value: value, Name: name, requiresGrad: true, param: true}
}

// Const returns a leaf that never receives a gradient (inputs, targets).
func Const(name string, value *tensor.Tensor) *Var {
	return &Var{Value: value, Name: name}
}

// RequiresGrad reports whether a backward pass computes a gradient for v.
func (v *Var) RequiresGrad() bool { return v.requiresGrad }

// IsParam reports whether v is a trainable parameter.
func (v *Var) IsParam() bool { return v.param }

// Node returns the tape node that produced v, or nil for a leaf.
func (v *Var) Node() *Node { return v.node }

// Shape returns the shape of v's value.
func (v *Var) Shape() []int { return v.Value.Shape }

// Item returns the single value of a one-element Var; it panics otherwise.
func (v *Var) Item() float64 { return v.Value.Item() }

// Named sets v's readable name (used in node labels) and returns v.
func (v *Var) Named(name string) *Var {
	v.Name = name
	return v
}

// Detach returns a constant leaf sharing v's value: gradients stop there.
func (v *Var) Detach() *Var { return &Var{Value: v.Value, Name: v.Name} }

// ZeroGrad clears the gradients of the given variables.
func ZeroGrad(vars ...*Var) {
	for _, v := range vars {
		if v.Grad != nil {
			v.Grad.Zero()
		}
	}
}

// displayName is v's name, or v<i> for an unnamed node output.
func (v *Var) displayName() string {
	if v.Name != "" {
		return v.Name
	}
	if v.node != nil {
		return "v" + itoa(v.node.Index)
	}
	return "const"
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
