package nn

import "github.com/dlearn/dlearn/engine/autograd"

// Layer is anything with parameters that records a computation on a tape:
// every layer of this package, and Sequential itself.
type Layer interface {
	// Forward records the layer's computation on x and returns the result.
	Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var
	// Params returns the layer's parameters in a fixed order.
	Params() []*autograd.Var
}

// Trainable is a layer that behaves differently in training and in
// evaluation (Dropout, BatchNorm).
type Trainable interface {
	Train(on bool)
}

// Sequential applies its layers in order, each to the previous output.
type Sequential struct {
	Layers []Layer
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Layer) *Sequential { return &Sequential{Layers: layers} }

// Forward records every layer in order on tp. It panics if a layer does.
func (s *Sequential) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	for _, l := range s.Layers {
		x = l.Forward(tp, x)
	}
	return x
}

// Params returns the parameters of every layer, in layer order.
func (s *Sequential) Params() []*autograd.Var {
	var ps []*autograd.Var
	for _, l := range s.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Train switches every Trainable layer (at any depth) to training (on) or
// evaluation mode.
func (s *Sequential) Train(on bool) {
	for _, l := range s.Layers {
		if t, ok := l.(Trainable); ok {
			t.Train(on)
		}
	}
}

// ReLU is the layer form of Tape.ReLU.
type ReLU struct{}

// Forward records relu(x).
func (ReLU) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return tp.ReLU(x) }

// Params returns nil: ReLU has no parameters.
func (ReLU) Params() []*autograd.Var { return nil }

// LeakyReLU is the layer form of Tape.LeakyReLU with the given slope.
type LeakyReLU struct{ Slope float64 }

// Forward records leaky_relu(x).
func (l LeakyReLU) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.LeakyReLU(x, l.Slope)
}

// Params returns nil: LeakyReLU has no parameters.
func (LeakyReLU) Params() []*autograd.Var { return nil }

// Tanh is the layer form of Tape.Tanh.
type Tanh struct{}

// Forward records tanh(x).
func (Tanh) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return tp.Tanh(x) }

// Params returns nil: Tanh has no parameters.
func (Tanh) Params() []*autograd.Var { return nil }

// Sigmoid is the layer form of Tape.Sigmoid.
type Sigmoid struct{}

// Forward records sigmoid(x).
func (Sigmoid) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return tp.Sigmoid(x) }

// Params returns nil: Sigmoid has no parameters.
func (Sigmoid) Params() []*autograd.Var { return nil }

// Softmax is the layer form of Tape.Softmax (over the last axis).
type Softmax struct{}

// Forward records softmax(x).
func (Softmax) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return tp.Softmax(x) }

// Params returns nil: Softmax has no parameters.
func (Softmax) Params() []*autograd.Var { return nil }

// Flatten reshapes [N, ...] to [N, rest], as between a convolution and a
// Dense layer.
type Flatten struct{}

// Forward records the reshape. It panics if x is a scalar.
func (Flatten) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var { return tp.Flatten(x) }

// Params returns nil: Flatten has no parameters.
func (Flatten) Params() []*autograd.Var { return nil }
