package bench

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of W4.
const (
	CNNBatch    = 32
	CNNSteps    = 50
	CNNLR       = 0.01
	CNNMomentum = 0.9
	cnnC1       = 8  // channels after the first convolution
	cnnC2       = 16 // channels after the second
)

// CNN is W4, an MNIST-shaped image classifier:
//
//	Conv 1→8 3×3 pad 1, ReLU, MaxPool 2
//	Conv 8→16 3×3 pad 1, ReLU, MaxPool 2
//	Flatten, Dense 784→10
//
// trained with softmax cross-entropy and SGD with momentum 0.9.
type CNN struct {
	W1, B1, W2, B2 *autograd.Var // the two convolutions
	Out            *nn.Dense
	tp             *autograd.Tape
	opt            optim.Optimizer
	params         []*autograd.Var
	batches        *epochBatches
}

// NewCNN returns W4: 32 images of N(0,1) noise with labels uniform in
// 0…9, drawn from seed, trained as one fixed batch of 32.
func NewCNN(seed uint64) *CNN {
	rng := tensor.NewRNG(seed)
	x := tensor.RandN(rng, CNNBatch, 1, data.ImageH, data.ImageW)
	labels := make([]int, CNNBatch)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return newCNN(seed+1, x, labels, CNNBatch, CNNLR, false)
}

// NewCNNOn returns W4's model trained on set (images [n 1 28 28], ten
// classes) in batches of batch rows, reshuffled every epoch, with SGD at
// learning rate lr and momentum 0.9.
func NewCNNOn(seed uint64, set *data.Set, batch int, lr float64) *CNN {
	return newCNN(seed, set.X, set.Labels, batch, lr, true)
}

func newCNN(seed uint64, x *tensor.Tensor, labels []int, batch int, lr float64, shuffle bool) *CNN {
	rng := tensor.NewRNG(seed)
	w := &CNN{
		W1:  newParam("conv1.W", rng, 9, 2, cnnC1, 1, 3, 3),
		B1:  newParam("conv1.b", rng, 0, 0, cnnC1),
		W2:  newParam("conv2.W", rng, cnnC1*9, 2, cnnC2, cnnC1, 3, 3),
		B2:  newParam("conv2.b", rng, 0, 0, cnnC2),
		Out: nn.NewDense("dense", cnnC2*7*7, 10, rng),
		tp:  autograd.NewRecyclingTape(),
		opt: mustOptim("momentum", lr, optim.WithMomentum(CNNMomentum)),
	}
	w.params = append([]*autograd.Var{w.W1, w.B1, w.W2, w.B2}, w.Out.Params()...)
	var shuf = tensor.NewRNG(seed + 1)
	if !shuffle {
		shuf = nil
	}
	w.batches = newEpochBatches(x, nil, labels, batch, shuf)
	return w
}

// forward records the logits [n 10] of images x [n 1 28 28].
func (w *CNN) forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	h := tp.MaxPool2D(tp.Conv2DAct(x, w.W1, w.B1, 1, 1, autograd.ActReLU), 2, 2)
	h = tp.MaxPool2D(tp.Conv2DAct(h, w.W2, w.B2, 1, 1, autograd.ActReLU), 2, 2)
	return w.Out.Forward(tp, tp.Flatten(h))
}

// Step runs one training step on the next batch and returns its loss.
func (w *CNN) Step() float64 {
	b := w.batches.nextBatch()
	w.tp.Reset()
	loss := w.tp.SoftmaxCrossEntropy(w.forward(w.tp, w.batches.x[b]), w.batches.labels[b])
	update(w.tp, loss, w.opt, w.params)
	return loss.Item()
}

// StepsPerEpoch returns the number of steps in one pass over the data.
func (w *CNN) StepsPerEpoch() int { return len(w.batches.rows) }

// Accuracy returns the fraction of images x [n 1 28 28] whose predicted
// class equals its label, evaluated in chunks of 250 without a tape.
func (w *CNN) Accuracy(x *tensor.Tensor, labels []int) float64 {
	const chunk = 250
	n := x.Shape[0]
	px := len(x.Data) / max(n, 1)
	ok := 0
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		xb := &tensor.Tensor{Shape: []int{hi - lo, 1, data.ImageH, data.ImageW}, Data: x.Data[lo*px : hi*px]}
		logits := w.forward(autograd.NoGradTape(), autograd.Const("x", xb)).Value
		for i, c := range argmaxRows(logits) {
			if c == labels[lo+i] {
				ok++
			}
		}
	}
	return float64(ok) / float64(max(n, 1))
}
