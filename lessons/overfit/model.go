package overfit

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// The data: two half-moons with Gaussian noise of this standard
// deviation, and a validation set of ValN points from the same
// distribution.
const (
	Noise = 0.3
	ValN  = 200
)

// The rectangle of the decision-region plots; it holds nearly all points.
var (
	xRange = [2]float64{-1.5, 2.5}
	yRange = [2]float64{-1.25, 1.75}
)

// dataset is a set of labelled points: X is [n 2], Y is [n 1] of 0s and 1s.
type dataset struct {
	X, Y   *tensor.Tensor
	Labels []int
}

// moons draws n points of the lesson's distribution. Sets drawn with the
// same seed share their first points, so a larger training set adds
// points to the smaller one instead of replacing it.
func moons(seed uint64, n int) dataset {
	s := data.Moons(seed, n, Noise)
	y := tensor.New(n, 1)
	for i, l := range s.Labels {
		y.Data[i] = float64(l)
	}
	return dataset{X: s.X, Y: y, Labels: s.Labels}
}

func (d dataset) len() int { return len(d.Labels) }

// net is the lesson's multi-layer perceptron: two hidden ReLU layers of
// the same width, each followed by dropout while training, and one output
// unit whose value is the logit of class 1.
type net struct {
	layers [3]*nn.Dense
}

// newNet returns a 2→width→width→1 network: He-normal hidden weights (the
// scale that keeps ReLU activations from shrinking layer after layer),
// LeCun-normal output weights and zero biases, all drawn from rng.
func newNet(width int, rng *rand.Rand) *net {
	return &net{layers: [3]*nn.Dense{
		nn.NewDenseInit("d1", 2, width, nn.HeNormal, rng),
		nn.NewDenseInit("d2", width, width, nn.HeNormal, rng),
		nn.NewDenseInit("d3", width, 1, nn.LeCunNormal, rng),
	}}
}

// weights returns W1, W2, W3: the parameters L2 decays.
func (n *net) weights() []*autograd.Var {
	return []*autograd.Var{n.layers[0].W, n.layers[1].W, n.layers[2].W}
}

// biases returns b1, b2, b3, which L2 leaves alone.
func (n *net) biases() []*autograd.Var {
	return []*autograd.Var{n.layers[0].B, n.layers[1].B, n.layers[2].B}
}

// params returns every parameter, weights first.
func (n *net) params() []*autograd.Var { return append(n.weights(), n.biases()...) }

// count is the number of parameters.
func (n *net) count() int {
	c := 0
	for _, p := range n.params() {
		c += len(p.Value.Data)
	}
	return c
}

// forward records the network on tp and returns the logits [rows 1]. With
// train set and p > 0, each hidden activation goes through inverted
// dropout with masks drawn from rng; otherwise dropout records nothing.
// Every value is named, so the computation graph reads
// z1 = matmul(x, d1.W), a1 = add(z1, d1.b), h1 = relu(a1), h1~ = dropout(h1) …
func (n *net) forward(tp *autograd.Tape, x *autograd.Var, train bool, p float64, rng *rand.Rand) *autograd.Var {
	h := x
	for i, d := range n.layers {
		k := i + 1
		z := tp.MatMul(h, d.W).Named(fmt.Sprintf("z%d", k))
		a := tp.Add(z, d.B).Named(fmt.Sprintf("a%d", k))
		if i == len(n.layers)-1 {
			return a.Named("logit")
		}
		h = tp.ReLU(a).Named(fmt.Sprintf("h%d", k))
		if train && p > 0 {
			h = tp.Dropout(h, p, rng, true).Named(fmt.Sprintf("h%d~", k))
		}
	}
	panic("unreachable")
}

// eval returns the mean binary cross-entropy and the accuracy (logit > 0
// means class 1) of the network on d, in evaluation mode.
func (n *net) eval(d dataset) (loss, acc float64) {
	tp := autograd.NoGradTape()
	z := n.forward(tp, autograd.Const("x", d.X), false, 0, nil)
	loss = tp.BCEWithLogits(z, autograd.Const("y", d.Y)).Item()
	right := 0
	for i, v := range z.Value.Data {
		if (v > 0) == (d.Labels[i] == 1) {
			right++
		}
	}
	return loss, float64(right) / float64(d.len())
}

// prob returns p(class 1) in evaluation mode on a rows×cols grid over the
// plot rectangle, row 0 at the bottom, each value at the centre of its cell.
func (n *net) prob(rows, cols int) []float64 {
	x := tensor.New(rows*cols, 2)
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			x.Data[2*i] = xRange[0] + (float64(c)+0.5)/float64(cols)*(xRange[1]-xRange[0])
			x.Data[2*i+1] = yRange[0] + (float64(r)+0.5)/float64(rows)*(yRange[1]-yRange[0])
		}
	}
	z := n.forward(autograd.NoGradTape(), autograd.Const("x", x), false, 0, nil)
	out := make([]float64, rows*cols)
	for i, v := range z.Value.Data {
		out[i] = 1 / (1 + math.Exp(-v))
	}
	return out
}

// norms returns the Frobenius norm ‖W‖ = √(Σ w²) of each weight matrix.
func (n *net) norms() [3]float64 {
	var out [3]float64
	for i, w := range n.weights() {
		out[i] = norm(w.Value.Data)
	}
	return out
}

// norm is the Euclidean norm √(Σ x²).
func norm(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return math.Sqrt(s)
}

// deadShare is the share of the hidden ReLU units (both layers) whose
// output is 0 for every point of d, in evaluation mode: units that pass
// no gradient back for any of these points.
func (n *net) deadShare(d dataset) float64 {
	tp := autograd.NoGradTape()
	h := autograd.Const("x", d.X)
	dead, units := 0, 0
	for _, l := range n.layers[:2] {
		h = tp.ReLU(tp.Add(tp.MatMul(h, l.W), l.B))
		rows, cols := h.Value.Shape[0], h.Value.Shape[1]
		for c := range cols {
			alive := false
			for r := range rows {
				if h.Value.Data[r*cols+c] > 0 {
					alive = true
					break
				}
			}
			if !alive {
				dead++
			}
		}
		units += cols
	}
	return float64(dead) / float64(units)
}
