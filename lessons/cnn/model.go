package cnn

import (
	"math/rand/v2"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Classes is the number of digit classes.
const Classes = 10

// net is the lesson's small CNN, with f filters in the first convolution:
//
//	Conv 1→f 3×3 pad 1, ReLU, MaxPool 2    [1 28 28] → [f 14 14]
//	Conv f→2f 3×3 pad 1, ReLU, MaxPool 2   → [2f 7 7]
//	Flatten, Dense 2f·49→10                → ten class scores
//
// The layers are the engine's; forward records them op by op on a tape,
// naming every node so that the graph and the narrative can refer to it.
type net struct {
	f            int
	conv1, conv2 *nn.Conv2D
	dense        *nn.Dense
	pool         nn.MaxPool2D
}

// newNet returns the network with its convolution kernels drawn He-normal
// (they feed ReLUs) and the dense layer LeCun-normal, from rng.
func newNet(f int, rng *rand.Rand) *net {
	return &net{
		f:     f,
		conv1: nn.NewConv2DInit("conv1", 1, f, 3, 1, 1, nn.HeNormal, rng),
		conv2: nn.NewConv2DInit("conv2", f, 2*f, 3, 1, 1, nn.HeNormal, rng),
		dense: nn.NewDense("dense", 2*f*7*7, Classes, rng),
		pool:  nn.MaxPool2D{K: 2, Stride: 2},
	}
}

// params returns the trainable parameters in forward order.
func (n *net) params() []*autograd.Var {
	return append(append(n.conv1.Params(), n.conv2.Params()...), n.dense.Params()...)
}

// weights are the six tensors forward uses: the live parameters (training)
// or constants sharing their values (inspection, where no gradient may
// reach the parameters).
type weights struct{ w1, b1, w2, b2, w3, b3 *autograd.Var }

func (n *net) live() weights {
	return weights{n.conv1.W, n.conv1.B, n.conv2.W, n.conv2.B, n.dense.W, n.dense.B}
}

func (n *net) frozen() weights {
	c := func(v *autograd.Var) *autograd.Var { return autograd.Const(v.Name, v.Value) }
	return weights{c(n.conv1.W), c(n.conv1.B), c(n.conv2.W), c(n.conv2.B), c(n.dense.W), c(n.dense.B)}
}

// forward records the network on x [N 1 28 28] and returns the class
// scores s [N 10] (logits: the softmax comes with the loss). The nodes are
// named a1, h1, p1, a2, h2, p2, f, z and s, in tape order.
func (n *net) forward(tp *autograd.Tape, x *autograd.Var, w weights) *autograd.Var {
	return n.layers(tp, x, w)[8]
}

// layers records the network on x like forward and returns every layer's
// output: a1, h1, p1, a2, h2, p2, f, z, s. Their values are there even on
// a tape that records no nodes (inference).
func (n *net) layers(tp *autograd.Tape, x *autograd.Var, w weights) [9]*autograd.Var {
	a1 := tp.Conv2D(x, w.w1, w.b1, 1, 1).Named("a1")
	h1 := tp.ReLU(a1).Named("h1")
	p1 := tp.MaxPool2D(h1, n.pool.K, n.pool.Stride).Named("p1")
	a2 := tp.Conv2D(p1, w.w2, w.b2, 1, 1).Named("a2")
	h2 := tp.ReLU(a2).Named("h2")
	p2 := tp.MaxPool2D(h2, n.pool.K, n.pool.Stride).Named("p2")
	f := tp.Flatten(p2).Named("f")
	z := tp.MatMul(f, w.w3).Named("z")
	return [9]*autograd.Var{a1, h1, p1, a2, h2, p2, f, z, tp.Add(z, w.b3).Named("s")}
}

// evalChunk is how many test images a training step measures (see
// probe), and the unit of the mean cross-entropy a measurement adds up.
const evalChunk = 100

// evalPass is how many test images one inference pass takes: a chunk is
// measured in evalChunk/evalPass passes on one recycling tape, whose
// memory (activations and im2col columns, about 6 MB) is then a quarter
// of a chunk's in one pass. Every image's scores are the same, bit for
// bit, whichever pass it is in: the convolutions work image by image and
// each element of a product is one fixed sequence of fused
// multiply-adds (engine/tensor), so a pass's size changes nothing; the
// chunk's cross-entropy is taken over its whole scores, as before.
const evalPass = 25

// evalTapes are the recycling tapes of the inference passes of the test
// measurements. Two are kept, for a measurement that runs beside
// training (probe.start) and one in the foreground; passes beyond those
// (runs advanced at once) take fresh tapes.
var evalTapes = trainer.TapePool{Keep: 2}

// evaluation is the network measured on the test set, complete or (in a
// probe) in progress.
type evaluation struct {
	Step      int     // training steps taken when it was made
	Acc, Loss float64 // accuracy and mean cross-entropy
	preds     []int   // the predicted class of every test image
	done      int     // test images measured so far
	correct   int
	// alive says, for each channel of h1 then each of h2, whether its
	// ReLU output was positive anywhere for any test image measured so
	// far. A channel that never is is dead: it passes no gradient back
	// for any of these digits, so its kernel cannot learn from them.
	alive []bool
	// Dead1 and Dead2 are the dead channels of h1 and h2; Dead is their
	// share of all ReLU channels (set by result).
	Dead1, Dead2 int
	Dead         float64
}

// newEvaluation starts measuring a copy of n on set: the copy keeps the
// weights of this moment while training goes on.
func (n *net) newEvaluation(set *data.Images, step int) *probe {
	return &probe{net: n.clone(), set: set, e: evaluation{Step: step, preds: make([]int, set.Len()), alive: make([]bool, 3*n.f)}}
}

// probe is an evaluation in progress, run a chunk of test images at a
// time so that no training step has to wait for the whole test set. A
// chunk can run beside training (start, then wait before reading e).
type probe struct {
	net *net // frozen: never trained
	set *data.Images
	e   evaluation
	// running is the chunk start began, nil when none is running.
	running *trainer.Background
}

// finished reports whether every test image has been measured.
func (p *probe) finished() bool {
	p.wait()
	return p.e.done == p.set.Len()
}

// start measures the next chunk on its own goroutine; wait joins it.
// The network is the probe's frozen copy and e is the probe's own, so
// the chunk shares nothing that training writes.
func (p *probe) start() {
	p.wait()
	p.running = trainer.Go(p.measureChunk)
}

// wait returns once the chunk start began (if any) has been measured.
func (p *probe) wait() {
	if r := p.running; r != nil {
		p.running = nil
		r.Wait()
	}
}

// chunk measures the next evalChunk test images.
func (p *probe) chunk() {
	p.wait()
	p.measureChunk()
}

func (p *probe) measureChunk() {
	lo := p.e.done
	hi := min(lo+evalChunk, p.set.Len())
	scores := tensor.New(hi-lo, Classes)
	labels := make([]int, 0, hi-lo)
	// The passes run on a recycling tape's memory, given back at the
	// end: nothing of them outlives the chunk (the scores are copied).
	rec := evalTapes.Get()
	defer evalTapes.Put(rec)
	f := p.net.f
	w := p.net.frozen()
	// A pass reads consecutive test images: their rows of the set, in
	// place (the passes only read their input).
	px := tensor.Size(p.set.X.Shape[1:])
	for a := lo; a < hi; a += evalPass {
		b := min(a+evalPass, hi)
		x := &tensor.Tensor{Shape: append([]int{b - a}, p.set.X.Shape[1:]...), Data: p.set.X.Data[a*px : b*px : b*px]}
		labels = append(labels, p.set.Labels[a:b]...)
		h1, h2, s := p.net.infer(rec.NoGrad(), autograd.Const("x", x), w)
		copy(scores.Data[(a-lo)*Classes:], s.Data)
		markAlive(p.e.alive[:f], h1)
		markAlive(p.e.alive[f:], h2)
		rec.Reset()
	}
	p.e.Loss += autograd.NoGradTape().SoftmaxCrossEntropy(autograd.Const("s", scores), labels).Item() * float64(hi-lo)
	_, arg := tensor.MaxAxis(scores, 1, false)
	for i, c := range arg {
		p.e.preds[lo+i] = c
		if c == labels[i] {
			p.e.correct++
		}
	}
	p.e.done = hi
}

// infer runs the network on x for a measurement and returns h1, h2 and
// the class scores s. It is layers' arithmetic with each convolution and
// its ReLU as one op (autograd's Conv2DAct: the same values, bit for bit,
// without a1 and a2 in memory); training and inspection keep the ops
// apart, as the lesson shows them.
func (n *net) infer(tp *autograd.Tape, x *autograd.Var, w weights) (h1, h2, s *tensor.Tensor) {
	h1v := tp.Conv2DAct(x, w.w1, w.b1, 1, 1, autograd.ActReLU)
	p1 := tp.MaxPool2D(h1v, n.pool.K, n.pool.Stride)
	h2v := tp.Conv2DAct(p1, w.w2, w.b2, 1, 1, autograd.ActReLU)
	p2 := tp.MaxPool2D(h2v, n.pool.K, n.pool.Stride)
	z := tp.MatMul(tp.Flatten(p2), w.w3)
	return h1v.Value, h2v.Value, tp.Add(z, w.b3).Value
}

// markAlive sets alive[c] for every channel c of h [N C H W] that holds a
// positive value.
func markAlive(alive []bool, h *tensor.Tensor) {
	n, c, hw := h.Shape[0], h.Shape[1], h.Shape[2]*h.Shape[3]
	for k := range c {
		if alive[k] {
			continue
		}
	scan:
		for i := range n {
			for _, v := range h.Data[(i*c+k)*hw : (i*c+k+1)*hw] {
				if v > 0 {
					alive[k] = true
					break scan
				}
			}
		}
	}
}

// result runs the rest of the measurement and returns it.
func (p *probe) result() evaluation {
	p.wait()
	for !p.finished() {
		p.chunk()
	}
	e := p.e
	e.Acc = float64(e.correct) / float64(e.done)
	e.Loss /= float64(e.done)
	f := p.net.f
	for k, a := range e.alive {
		switch {
		case a:
		case k < f:
			e.Dead1++
		default:
			e.Dead2++
		}
	}
	e.Dead = float64(e.Dead1+e.Dead2) / float64(len(e.alive))
	return e
}

// copy returns an independent copy of the measurement so far.
func (p *probe) copy() *probe {
	p.wait()
	c := *p
	c.e.preds = slices.Clone(p.e.preds)
	c.e.alive = slices.Clone(p.e.alive)
	return &c
}

// evaluate measures n on the whole set at once.
func (n *net) evaluate(set *data.Images, step int) evaluation {
	return n.newEvaluation(set, step).result()
}

// clone returns a copy of the network with its own parameter values.
func (n *net) clone() *net {
	c := *n
	c.conv1, c.conv2, c.dense = n.conv1.Clone(), n.conv2.Clone(), n.dense.Clone()
	return &c
}

// inspection is the network looking at one image: every layer's output,
// the class probabilities and the saliency map.
type inspection struct {
	// maps are a1, h1, p1, a2, h2, p2 for the image, each [1 C H W].
	maps   []*tensor.Tensor
	scores []float64 // s, the class scores (logits)
	probs  []float64 // softmax(s)
	pred   int       // the class with the highest score
	// saliency is ∂s_pred/∂x, row-major 28×28: how much the winning
	// class's score would change per unit of extra ink at each pixel, to
	// first order.
	saliency []float64
}

// inspect runs the network on img [1 1 28 28] with the image as a
// variable that requires a gradient, then backpropagates the predicted
// class's score to the pixels. The parameters take part as constants, so
// their gradients (a training step may be half way through its backward
// pass) are left untouched.
func (n *net) inspect(img *tensor.Tensor) inspection {
	tp := autograd.NewTape()
	defer tp.Reset()
	x := autograd.NewParam("x", img.Clone())
	s := n.forward(tp, x, n.frozen())
	p := tp.Softmax(s)
	_, arg := tensor.MaxAxis(s.Value, 1, false)
	in := inspection{scores: s.Value.Data, probs: p.Value.Data, pred: arg[0]}
	for _, nd := range tp.Nodes()[:6] {
		in.maps = append(in.maps, nd.Out.Value)
	}
	tp.Backward(tp.Sum(tp.Slice(s, 1, in.pred, in.pred+1)))
	in.saliency = x.Grad.Data
	return in
}

// image returns test image i as [1 1 28 28].
func image(set *data.Images, i int) *tensor.Tensor {
	x, _ := set.Batch([]int{i})
	return x
}
