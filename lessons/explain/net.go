package explain

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Classes is the number of digit classes; Side the images' side in pixels.
const (
	Classes = 10
	Side    = 28
	Pixels  = Side * Side
)

// Activations: the smooth network (tanh and average pooling, as LeNet was
// built) or the kinked one (ReLU and max pooling, as the cnn lesson's).
const (
	Smooth = "tanh"
	Kinked = "relu"
)

// net is the lesson's small CNN with f filters in the first convolution:
//
//	Conv 1→f 3×3 pad 1, act, Pool 2    [1 28 28] → [f 14 14]
//	Conv f→2f 3×3 pad 1, act           → [2f 14 14]   the last convolution
//	Pool 2, Flatten, Dense 2f·49→10    → ten class scores
//
// act and Pool are tanh and average pooling (Smooth) or ReLU and max
// pooling (Kinked). The layers are the engine's.
type net struct {
	f            int
	act          string
	conv1, conv2 *nn.Conv2D
	dense        *nn.Dense
}

// newNet returns the network with its kernels drawn from rng: Glorot
// uniform for tanh, He normal for ReLU; the dense layer LeCun normal.
func newNet(f int, act string, rng *rand.Rand) *net {
	init := nn.GlorotUniform
	if act == Kinked {
		init = nn.HeNormal
	}
	return &net{
		f: f, act: act,
		conv1: nn.NewConv2DInit("conv1", 1, f, 3, 1, 1, init, rng),
		conv2: nn.NewConv2DInit("conv2", f, 2*f, 3, 1, 1, init, rng),
		dense: nn.NewDense("dense", 2*f*7*7, Classes, rng),
	}
}

// params returns the trainable parameters in forward order.
func (n *net) params() []*autograd.Var {
	return append(append(n.conv1.Params(), n.conv2.Params()...), n.dense.Params()...)
}

// clone returns a copy of the network with its own parameter values.
func (n *net) clone() *net {
	c := *n
	c.conv1, c.conv2, c.dense = n.conv1.Clone(), n.conv2.Clone(), n.dense.Clone()
	return &c
}

// weights are the six tensors forward uses: the live parameters
// (training) or constants sharing their values (explaining, where no
// gradient may reach the parameters).
type weights struct{ w1, b1, w2, b2, w3, b3 *autograd.Var }

func (n *net) live() weights {
	return weights{n.conv1.W, n.conv1.B, n.conv2.W, n.conv2.B, n.dense.W, n.dense.B}
}

func (n *net) frozen() weights {
	c := func(v *autograd.Var) *autograd.Var { return autograd.Const(v.Name, v.Value) }
	return weights{c(n.conv1.W), c(n.conv1.B), c(n.conv2.W), c(n.conv2.B), c(n.dense.W), c(n.dense.B)}
}

// pass is one forward pass: the last convolution's feature maps h2
// [N 2f 14 14] (after the activation) and the class scores s [N 10].
type pass struct{ h2, s *autograd.Var }

// forward records the network on x [N 1 28 28]. The nodes are named a1,
// h1, p1, a2, h2, p2, f, z and s, in tape order.
func (n *net) forward(tp *autograd.Tape, x *autograd.Var, w weights) pass {
	act := tp.Tanh
	pool := tp.AvgPool2D
	if n.act == Kinked {
		act, pool = tp.ReLU, tp.MaxPool2D
	}
	a1 := tp.Conv2D(x, w.w1, w.b1, 1, 1).Named("a1")
	h1 := act(a1).Named("h1")
	p1 := pool(h1, 2, 2).Named("p1")
	a2 := tp.Conv2D(p1, w.w2, w.b2, 1, 1).Named("a2")
	h2 := act(a2).Named("h2")
	p2 := pool(h2, 2, 2).Named("p2")
	f := tp.Flatten(p2).Named("f")
	z := tp.MatMul(f, w.w3).Named("z")
	return pass{h2: h2, s: tp.Add(z, w.b3).Named("s")}
}

// chunk is how many images one inference pass takes.
const chunk = 128

// tapes are the recycling tapes of the inference passes. (The chunks run
// one after another: each convolution already spreads its images over
// the cores, and chunks side by side only added the cost of sharing them.)
var tapes = trainer.TapePool{Keep: 1}

// passes runs the network on the images packed in x ([N 1 28 28]) in
// chunks, on a pooled recycling tape, and calls f with each chunk's rows
// and pass. f must read what it needs before returning (the tape is
// recycled).
func (n *net) passes(x *tensor.Tensor, f func(lo, hi int, p pass)) {
	rows := x.Shape[0]
	w := n.frozen()
	rec := tapes.Get()
	defer tapes.Put(rec)
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		part := tensor.FromValues(x.Data[lo*Pixels:hi*Pixels], hi-lo, 1, Side, Side)
		f(lo, hi, n.forward(rec.NoGrad(), autograd.Const("x", part), w))
		rec.Reset()
	}
}

// scores returns the class scores [len(imgs)/784 × 10] of the images
// packed in x ([N 1 28 28]), in chunks, without recording.
func (n *net) scores(x *tensor.Tensor) []float64 {
	out := make([]float64, x.Shape[0]*Classes)
	n.passes(x, func(lo, _ int, p pass) { copy(out[lo*Classes:], p.s.Value.Data) })
	return out
}

// gradients returns, for each image packed in x ([N 1 28 28]), class c's
// score and its gradient with respect to the pixels, ∂s_c/∂x (784 values
// per image), in chunks on a pooled recycling tape. Each image's score
// depends on its own pixels only, so the gradient of the sum of the
// scores is every image's own.
func (n *net) gradients(x *tensor.Tensor, c int) (score []float64, grad []float64) {
	rows := x.Shape[0]
	score, grad = make([]float64, rows), make([]float64, rows*Pixels)
	w := n.frozen()
	tp := tapes.Get()
	defer tapes.Put(tp)
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		part := tensor.FromValues(append([]float64(nil), x.Data[lo*Pixels:hi*Pixels]...), hi-lo, 1, Side, Side)
		xv := autograd.NewParam("x", part) // its gradient is its own, not the tape's
		p := n.forward(tp, xv, w)
		sc := tp.Slice(p.s, 1, c, c+1)
		copy(score[lo:hi], sc.Value.Data)
		tp.Backward(tp.Sum(sc))
		copy(grad[lo*Pixels:], xv.Grad.Data)
		tp.Reset()
	}
	return score, grad
}

// camPass returns, for one image, the last convolution's maps h2 (2f×196
// values), the gradient of class c's score with respect to them, and the
// ten scores.
func (n *net) camPass(img []float64, c int) (maps, grads, scores []float64) {
	tp := autograd.NewTape()
	defer tp.Reset()
	// x takes a gradient only so that the tape records the pass.
	x := autograd.NewParam("x", tensor.FromValues(append([]float64(nil), img...), 1, 1, Side, Side))
	w := n.frozen()
	p := n.forward(tp, x, w)
	tp.Backward(tp.Sum(tp.Slice(p.s, 1, c, c+1)))
	return p.h2.Value.Data, p.h2.Grad.Data, p.s.Value.Data
}

// channelMeans returns, for every image packed in x, the mean activation
// of each channel of the last convolution: [N × 2f].
func (n *net) channelMeans(x *tensor.Tensor) []float64 {
	_, means := n.scoresAndMeans(x, false)
	return means
}

// scoresAndMeans returns scores(x) and, with withScores false or not,
// channelMeans(x), from one pass over x.
func (n *net) scoresAndMeans(x *tensor.Tensor, withScores bool) (scores, means []float64) {
	rows, k := x.Shape[0], 2*n.f
	means = make([]float64, rows*k)
	if withScores {
		scores = make([]float64, rows*Classes)
	}
	n.passes(x, func(lo, hi int, p pass) {
		if withScores {
			copy(scores[lo*Classes:], p.s.Value.Data)
		}
		h := p.h2.Value.Data
		for i := range hi - lo {
			for ch := range k {
				s := 0.0
				for _, v := range h[(i*k+ch)*196 : (i*k+ch+1)*196] {
					s += v
				}
				means[(lo+i)*k+ch] = s / 196
			}
		}
	})
	return scores, means
}
