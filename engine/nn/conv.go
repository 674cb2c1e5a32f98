package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Conv2D is a 2-D convolution layer on NCHW input: W has shape
// [out in k k] and b shape [out]; see Tape.Conv2D for the arithmetic.
type Conv2D struct {
	Name        string
	W, B        *autograd.Var
	Stride, Pad int
}

// NewConv2D returns a Conv2D layer from in to out channels with a k×k
// kernel, W drawn LeCun normal (N(0, 1/(in·k·k))) using rng and b = 0. It
// panics if a size is not positive, stride < 1 or pad < 0.
func NewConv2D(name string, in, out, k, stride, pad int, rng *rand.Rand) *Conv2D {
	return NewConv2DInit(name, in, out, k, stride, pad, LeCunNormal, rng)
}

// NewConv2DInit is NewConv2D with the kernel initialised by init (fan-in
// in·k·k, fan-out out·k·k, as Keras counts them).
func NewConv2DInit(name string, in, out, k, stride, pad int, init Init, rng *rand.Rand) *Conv2D {
	if in <= 0 || out <= 0 || k <= 0 || stride < 1 || pad < 0 {
		panic(fmt.Sprintf("nn: NewConv2D %s: channels %d→%d, kernel %d, stride %d, pad %d", name, in, out, k, stride, pad))
	}
	return &Conv2D{
		Name:   name,
		W:      autograd.NewParam(name+".W", init.Tensor(rng, in*k*k, out*k*k, out, in, k, k)),
		B:      autograd.NewParam(name+".b", tensor.New(out)),
		Stride: stride, Pad: pad,
	}
}

// Forward records the convolution of x [N in H W], giving [N out OH OW].
// It panics, naming both shapes, if x is not 4-D with in channels or the
// kernel does not fit.
func (c *Conv2D) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.Conv2D(x, c.W, c.B, c.Stride, c.Pad)
}

// ForwardAct records act(conv(x)) as one fused op (autograd.Conv2DAct):
// the same values as Forward followed by the activation's op, bit for
// bit, for training at speed; a lesson that shows its ops one by one uses
// Forward and the activation. It panics as Forward does.
func (c *Conv2D) ForwardAct(tp *autograd.Tape, x *autograd.Var, act autograd.Activation) *autograd.Var {
	return tp.Conv2DAct(x, c.W, c.B, c.Stride, c.Pad, act)
}

// Params returns W and b.
func (c *Conv2D) Params() []*autograd.Var { return []*autograd.Var{c.W, c.B} }

// MaxPool2D is a max-pooling layer with a K×K window moved by Stride (no
// padding); Keras' MaxPooling2D(2) is MaxPool2D{K: 2, Stride: 2}.
type MaxPool2D struct{ K, Stride int }

// Forward records the pooling of x [N C H W]. It panics if x is not 4-D or
// the window does not fit.
func (p MaxPool2D) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.MaxPool2D(x, p.K, p.Stride)
}

// Params returns nil: pooling has no parameters.
func (MaxPool2D) Params() []*autograd.Var { return nil }

// AvgPool2D is an average-pooling layer with a K×K window moved by Stride.
type AvgPool2D struct{ K, Stride int }

// Forward records the pooling of x [N C H W]. It panics if x is not 4-D or
// the window does not fit.
func (p AvgPool2D) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.AvgPool2D(x, p.K, p.Stride)
}

// Params returns nil: pooling has no parameters.
func (AvgPool2D) Params() []*autograd.Var { return nil }

// Clone returns a copy of the layer with parameters of its own: the same
// names, copies of the values, no gradients (a snapshot to measure while
// the layer trains on).
func (l *Conv2D) Clone() *Conv2D {
	c := *l
	c.W, c.B = cloneParam(l.W), cloneParam(l.B)
	return &c
}
