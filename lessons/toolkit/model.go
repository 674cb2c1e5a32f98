package toolkit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// The deep network and its data.
const (
	// Depth is the number of Dense layers: Depth−1 hidden ReLU layers of
	// Width units, then the 10 logits.
	Depth = 10
	Width = 32
	// NTrain training digits, NTest held-out ones, Batch per step.
	NTrain = 2000
	NTest  = 500
	Batch  = 50
	// Pixels is the length of a flattened 28×28 digit.
	Pixels = 28 * 28
	// SmallStd and LargeStd are the standard deviations of the "small"
	// and "large" initialisations.
	SmallStd = 0.01
	LargeStd = 1.0
)

// Inits are the initialisation choices, in the order the survey shows
// them.
var Inits = []string{"zeros", "small", "large", "xavier", "he"}

// initLabel is how the learner reads each choice.
var initLabel = map[string]string{
	"zeros":  "zeros",
	"small":  "N(0, 0.01²)",
	"large":  "N(0, 1)",
	"xavier": "Xavier U(±√(6/(in+out)))",
	"he":     "He N(0, 2/in)",
}

// initStd is the standard deviation of a weight of a layer with the
// given fans under scheme name (Glorot uniform's limit l gives l/√3).
func initStd(name string, in, out int) float64 {
	switch name {
	case "zeros":
		return 0
	case "small":
		return SmallStd
	case "large":
		return LargeStd
	case "xavier":
		return math.Sqrt(6/float64(in+out)) / math.Sqrt(3)
	case "he":
		return math.Sqrt(2 / float64(in))
	}
	panic(fmt.Sprintf("toolkit: unknown initialisation %q", name))
}

// digits holds the flattened images [n 784] as the network sees them and
// their labels.
type digits struct {
	X      *tensor.Tensor
	Labels []int
}

// loadDigits returns the first training and test digits, flattened. With
// standardise, every pixel becomes (p − μ)/σ with the training set's mean
// and standard deviation over all its pixels; otherwise the raw grey
// levels 0 … 255 are fed as they are stored.
func loadDigits(seed uint64, standardise bool) (train, test digits, mu, sd float64) {
	key := digitsKey{seed, standardise}
	cache.Lock()
	defer cache.Unlock()
	if c, ok := cache.digits[key]; ok {
		return c.train, c.test, c.mu, c.sd
	}
	tr, te := data.Digits(seed, NTrain, NTest)
	flat := func(im *data.Images) digits {
		x := im.X.Clone()
		x.Shape = []int{im.Len(), Pixels}
		return digits{X: x, Labels: im.Labels}
	}
	train, test = flat(tr), flat(te)
	for _, v := range train.X.Data {
		mu += v
	}
	mu /= float64(len(train.X.Data))
	for _, v := range train.X.Data {
		sd += (v - mu) * (v - mu)
	}
	sd = math.Sqrt(sd / float64(len(train.X.Data)))
	for _, d := range []digits{train, test} {
		for i, v := range d.X.Data {
			if standardise {
				d.X.Data[i] = (v - mu) / sd
			} else {
				d.X.Data[i] = math.Round(255 * v)
			}
		}
	}
	cache.digits[key] = cachedDigits{train, test, mu, sd}
	return train, test, mu, sd
}

// cache keeps the digits as the network sees them, per seed and scaling:
// reading and decoding them costs far more than a training run, and
// nothing writes into them, so every machine of a process shares them.
var cache = struct {
	sync.Mutex
	digits map[digitsKey]cachedDigits
	survey map[digitsKey]*survey
	start  map[config]startMeasure
}{digits: map[digitsKey]cachedDigits{}, survey: map[digitsKey]*survey{}, start: map[config]startMeasure{}}

// startMeasure is an untrained network's evaluation.
type startMeasure struct{ loss, acc, dead float64 }

type digitsKey struct {
	seed        uint64
	standardise bool
}

type cachedDigits struct {
	train, test digits
	mu, sd      float64
}

// net is the deep ReLU MLP: Depth Dense layers, each hidden one followed,
// when batch normalisation is on, by a BatchNorm before its ReLU.
type net struct {
	dense []*nn.Dense
	bn    []*nn.BatchNorm // nil when off
}

// newNet initialises every weight by scheme init (biases 0) from rng.
func newNet(init string, bn bool, rng *rand.Rand) *net { return newNetScaled(init, bn, rng, nil) }

// newNetScaled is newNet with, when scales is not nil, each layer's
// Glorot limit or He standard deviation taken from scales (mine mode:
// the learner's) instead of computed; the draws from rng are the same.
func newNetScaled(init string, bn bool, rng *rand.Rand, scales []float64) *net {
	n := &net{}
	in := Pixels
	for l := range Depth {
		out := Width
		if l == Depth-1 {
			out = 10
		}
		d := nn.NewDenseInit(fmt.Sprintf("d%d", l+1), in, out, nn.Zeros, rng)
		switch {
		case init == "xavier" && scales != nil:
			d.W.Value = tensor.RandU(rng, -scales[l], scales[l], in, out)
		case init == "he" && scales != nil:
			w := tensor.RandN(rng, in, out)
			for i := range w.Data {
				w.Data[i] *= scales[l]
			}
			d.W.Value = w
		case init == "xavier":
			d.W.Value = nn.GlorotUniform.Tensor(rng, in, out, in, out)
		case init == "he":
			d.W.Value = nn.HeNormal.Tensor(rng, in, out, in, out)
		case init == "small" || init == "large":
			w := tensor.RandN(rng, in, out)
			s := initStd(init, in, out)
			for i := range w.Data {
				w.Data[i] *= s
			}
			d.W.Value = w
		}
		n.dense = append(n.dense, d)
		if bn && l < Depth-1 {
			n.bn = append(n.bn, nn.NewBatchNorm(fmt.Sprintf("bn%d", l+1), out))
		}
		in = out
	}
	return n
}

// params returns every parameter: each layer's W and b, then each
// BatchNorm's γ and β.
func (n *net) params() []*autograd.Var {
	var ps []*autograd.Var
	for _, d := range n.dense {
		ps = append(ps, d.Params()...)
	}
	for _, b := range n.bn {
		ps = append(ps, b.Params()...)
	}
	return ps
}

// train switches the BatchNorm layers between training and evaluation.
func (n *net) train(on bool) {
	for _, b := range n.bn {
		b.Train(on)
	}
}

// pass is one forward pass: the pre-activations z (after BatchNorm when
// on) and activations h of every hidden layer, and the logits.
type pass struct {
	z, h   []*autograd.Var
	logits *autograd.Var
}

// forward records the network on x. Values are named so the computation
// graph reads m1 = matmul(x, d1.W), a1 = add(m1, d1.b) … h1 = relu(…).
func (n *net) forward(tp *autograd.Tape, x *autograd.Var) pass {
	var p pass
	h := x
	for l, d := range n.dense {
		k := l + 1
		a := tp.Add(tp.MatMul(h, d.W).Named(fmt.Sprintf("m%d", k)), d.B).Named(fmt.Sprintf("a%d", k))
		if l == Depth-1 {
			p.logits = a.Named("logits")
			return p
		}
		z := a
		if n.bn != nil {
			z = n.bn[l].Forward(tp, a).Named(fmt.Sprintf("z%d", k))
		}
		h = tp.ReLU(z).Named(fmt.Sprintf("h%d", k))
		p.z, p.h = append(p.z, z), append(p.h, h)
	}
	return p
}

// evaluate returns the mean cross-entropy and the accuracy on d in
// evaluation mode (BatchNorm on its running statistics), and the share
// of hidden units that output 0 for every digit of d.
func (n *net) evaluate(d digits) (loss, acc, dead float64) {
	n.train(false)
	defer n.train(true)
	tp := autograd.NoGradTape()
	p := n.forward(tp, autograd.Const("x", d.X))
	loss = tp.SoftmaxCrossEntropy(p.logits, d.Labels).Item()
	right := 0
	for i, c := range argmax(p.logits.Value) {
		if c == d.Labels[i] {
			right++
		}
	}
	units, off := 0, 0
	for _, h := range p.h {
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
				off++
			}
		}
		units += cols
	}
	return loss, float64(right) / float64(len(d.Labels)), float64(off) / float64(units)
}

// argmax returns the index of the largest value of each row of t [n k].
func argmax(t *tensor.Tensor) []int {
	n, k := t.Shape[0], t.Shape[1]
	out := make([]int, n)
	for i := range n {
		row := t.Data[i*k : (i+1)*k]
		for j, v := range row {
			if v > row[out[i]] {
				out[i] = j
			}
		}
	}
	return out
}

// std is the standard deviation of xs (biased).
func std(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	mu := 0.0
	for _, v := range xs {
		mu += v
	}
	mu /= float64(len(xs))
	s := 0.0
	for _, v := range xs {
		s += (v - mu) * (v - mu)
	}
	return math.Sqrt(s / float64(len(xs)))
}
