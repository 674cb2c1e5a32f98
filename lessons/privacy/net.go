package privacy

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Hidden is the width of the network's one hidden layer; Classes the
// digits.
const (
	Hidden  = 64
	Classes = 10
)

// net is the lesson's classifier, Pixels → Hidden (ReLU) → Classes:
// small enough that DP-SGD's noise, one draw per parameter, stays
// bearable, large enough to memorise a thousand digits.
type net struct {
	w1, b1, w2, b2 *autograd.Var
}

func newNet(rng *rand.Rand) *net {
	return &net{
		w1: autograd.NewParam("W₁", nn.HeNormal.Tensor(rng, Pixels, Hidden, Pixels, Hidden)),
		b1: autograd.NewParam("b₁", tensor.New(Hidden)),
		w2: autograd.NewParam("W₂", nn.LeCunNormal.Tensor(rng, Hidden, Classes, Hidden, Classes)),
		b2: autograd.NewParam("b₂", tensor.New(Classes)),
	}
}

func (n *net) params() []*autograd.Var { return []*autograd.Var{n.w1, n.b1, n.w2, n.b2} }

// size is the number of parameters.
func (n *net) size() int { return Pixels*Hidden + Hidden + Hidden*Classes + Classes }

// pass is one recorded forward pass: the values per-example gradients
// are read from.
type pass struct {
	x, z1, h, z2, loss *autograd.Var
}

// forward records the network and the mean cross-entropy on tp.
func (n *net) forward(tp *autograd.Tape, x *tensor.Tensor, y []int) pass {
	var p pass
	p.x = autograd.Const("x", x)
	p.z1 = tp.Add(tp.MatMul(p.x, n.w1).Named("x·W₁"), n.b1).Named("z₁")
	p.h = tp.ReLU(p.z1).Named("h")
	p.z2 = tp.Add(tp.MatMul(p.h, n.w2).Named("h·W₂"), n.b2).Named("logits")
	p.loss = tp.SoftmaxCrossEntropy(p.z2, y).Named("L")
	return p
}

// eval returns every example's cross-entropy and whether the network
// classifies it right.
func (n *net) eval(x *tensor.Tensor, y []int) (loss []float64, right []bool) {
	tp := autograd.NoGradTape()
	h := tp.ReLU(tp.Add(tp.MatMul(autograd.Const("x", x), n.w1), n.b1))
	z := tp.Add(tp.MatMul(h, n.w2), n.b2).Value
	loss, right = make([]float64, len(y)), make([]bool, len(y))
	for i, c := range y {
		row := z.Data[i*Classes : (i+1)*Classes]
		hi := slices.Max(row)
		s := 0.0
		best := 0
		for k, v := range row {
			s += math.Exp(v - hi)
			if v > row[best] {
				best = k
			}
		}
		loss[i] = hi + math.Log(s) - row[c]
		right[i] = best == c
	}
	return loss, right
}
