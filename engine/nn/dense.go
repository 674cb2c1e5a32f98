package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Dense is a fully connected layer: y = x·W + b, with W of shape [in out]
// and b of shape [out], for x of shape [batch in].
type Dense struct {
	Name string
	W, B *autograd.Var
}

// NewDense returns a Dense layer with W drawn from N(0, 1/in) (LeCun
// normal) using rng and b = 0. It panics if in or out is not positive.
func NewDense(name string, in, out int, rng *rand.Rand) *Dense {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: NewDense %s: sizes %d→%d must be positive", name, in, out))
	}
	w := tensor.RandN(rng, in, out)
	s := 1 / math.Sqrt(float64(in))
	for i := range w.Data {
		w.Data[i] *= s
	}
	return &Dense{
		Name: name,
		W:    autograd.NewParam(name+".W", w),
		B:    autograd.NewParam(name+".b", tensor.New(out)),
	}
}

// Forward records x·W + b on tp. It panics if x is not [batch in].
func (d *Dense) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	return tp.Add(tp.MatMul(x, d.W), d.B)
}

// Params returns W and b.
func (d *Dense) Params() []*autograd.Var { return []*autograd.Var{d.W, d.B} }
