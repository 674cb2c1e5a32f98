package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Dense is a fully connected layer: y = x·W + b, with W of shape [in out]
// and b of shape [out], for x of shape [batch in] (or [..., in]: leading
// axes are treated as batch axes, as Keras does).
type Dense struct {
	Name string
	W, B *autograd.Var
}

// NewDense returns a Dense layer with W drawn from N(0, 1/in) (LeCun
// normal) using rng and b = 0. It panics if in or out is not positive.
func NewDense(name string, in, out int, rng *rand.Rand) *Dense {
	return NewDenseInit(name, in, out, LeCunNormal, rng)
}

// NewDenseInit returns a Dense layer with W initialised by init using rng
// and b = 0; NewDenseInit(name, in, out, GlorotUniform, rng) is Keras'
// Dense. It panics if in or out is not positive.
func NewDenseInit(name string, in, out int, init Init, rng *rand.Rand) *Dense {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: NewDense %s: sizes %d→%d must be positive", name, in, out))
	}
	return &Dense{
		Name: name,
		W:    autograd.NewParam(name+".W", init.Tensor(rng, in, out, in, out)),
		B:    autograd.NewParam(name+".b", tensor.New(out)),
	}
}

// Forward records x·W + b on tp. An input of shape [..., in] with more
// than two axes is flattened to [rows in] for the product and the result
// reshaped to [..., out]. It panics, naming both shapes, if x's last axis
// is not in or x has fewer than two axes.
func (d *Dense) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	s := x.Value.Shape
	in, out := d.W.Value.Shape[0], d.W.Value.Shape[1]
	if len(s) < 2 || s[len(s)-1] != in {
		panic(fmt.Sprintf("nn: Dense %s: input shape %v does not match W %v (want [... %d])", d.Name, s, d.W.Value.Shape, in))
	}
	if len(s) == 2 {
		return tp.Add(tp.MatMul(x, d.W), d.B)
	}
	rows := tensor.Size(s[:len(s)-1])
	y := tp.Add(tp.MatMul(tp.Reshape(x, rows, in), d.W), d.B)
	shape := append(append([]int{}, s[:len(s)-1]...), out)
	return tp.Reshape(y, shape...)
}

// ForwardAct records act(x·W + b) as one fused op (autograd.DenseAct):
// the same values as Forward followed by the activation's op, bit for
// bit, with one tensor and one pass instead of three. It is for training
// at speed; a lesson that shows its ops one by one uses Forward and the
// activation. Inputs with more than two axes are handled as in Forward. It
// panics as Forward does.
func (d *Dense) ForwardAct(tp *autograd.Tape, x *autograd.Var, act autograd.Activation) *autograd.Var {
	s := x.Value.Shape
	in, out := d.W.Value.Shape[0], d.W.Value.Shape[1]
	if len(s) < 2 || s[len(s)-1] != in {
		panic(fmt.Sprintf("nn: Dense %s: input shape %v does not match W %v (want [... %d])", d.Name, s, d.W.Value.Shape, in))
	}
	if len(s) == 2 {
		return tp.DenseAct(x, d.W, d.B, act)
	}
	y := tp.DenseAct(tp.Reshape(x, tensor.Size(s[:len(s)-1]), in), d.W, d.B, act)
	return tp.Reshape(y, append(append([]int{}, s[:len(s)-1]...), out)...)
}

// Params returns W and b.
func (d *Dense) Params() []*autograd.Var { return []*autograd.Var{d.W, d.B} }

// Clone returns a copy of the layer with parameters of its own: the same
// names, copies of the values, no gradients (a snapshot to measure while
// the layer trains on).
func (l *Dense) Clone() *Dense {
	c := *l
	c.W, c.B = cloneParam(l.W), cloneParam(l.B)
	return &c
}

// cloneParam returns a parameter named like v holding a copy of its
// value, or nil for nil (a layer without a bias).
func cloneParam(v *autograd.Var) *autograd.Var {
	if v == nil {
		return nil
	}
	return autograd.NewParam(v.Name, v.Value.Clone())
}
