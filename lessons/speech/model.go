package speech

import (
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// net is the lesson's small CNN over a spectrogram, with f filters in
// the first convolution:
//
//	Conv 1→f 3×3 pad 1, ReLU, MaxPool 2    [1 24 48] → [f 12 24]
//	Conv f→2f 3×3 pad 1, ReLU, MaxPool 2   → [2f 6 12]
//	Flatten, Dense 2f·72→10                → ten word scores
//
// A 3×3 kernel on a spectrogram sees three neighbouring mel bands over
// three frames (48 ms): a rising or falling formant, the onset of a
// hiss. The nodes are named a1, h1, p1, a2, h2, p2, f, z, s and L.
type net struct {
	f            int
	conv1, conv2 *nn.Conv2D
	dense        *nn.Dense
}

// flat is the length of the flattened p2 for f filters.
func flat(f int) int { return 2 * f * (H / 4) * (W / 4) }

func newNet(f int, rng *rand.Rand) *net {
	return &net{
		f:     f,
		conv1: nn.NewConv2DInit("conv1", 1, f, 3, 1, 1, nn.HeNormal, rng),
		conv2: nn.NewConv2DInit("conv2", f, 2*f, 3, 1, 1, nn.HeNormal, rng),
		dense: nn.NewDense("dense", flat(f), Classes, rng),
	}
}

func (n *net) params() []*autograd.Var {
	return append(append(n.conv1.Params(), n.conv2.Params()...), n.dense.Params()...)
}

type weights struct{ w1, b1, w2, b2, w3, b3 *autograd.Var }

func (n *net) live() weights {
	return weights{n.conv1.W, n.conv1.B, n.conv2.W, n.conv2.B, n.dense.W, n.dense.B}
}

func (n *net) frozen() weights {
	c := func(v *autograd.Var) *autograd.Var { return autograd.Const(v.Name, v.Value) }
	return weights{c(n.conv1.W), c(n.conv1.B), c(n.conv2.W), c(n.conv2.B), c(n.dense.W), c(n.dense.B)}
}

// layers records the network on x [N 1 H W] and returns a1, h1, p1, a2,
// h2, p2, f, z and the scores s [N 10].
func (n *net) layers(tp *autograd.Tape, x *autograd.Var, w weights) [9]*autograd.Var {
	a1 := tp.Conv2D(x, w.w1, w.b1, 1, 1).Named("a1")
	h1 := tp.ReLU(a1).Named("h1")
	p1 := tp.MaxPool2D(h1, 2, 2).Named("p1")
	a2 := tp.Conv2D(p1, w.w2, w.b2, 1, 1).Named("a2")
	h2 := tp.ReLU(a2).Named("h2")
	p2 := tp.MaxPool2D(h2, 2, 2).Named("p2")
	f := tp.Flatten(p2).Named("f")
	z := tp.MatMul(f, w.w3).Named("z")
	return [9]*autograd.Var{a1, h1, p1, a2, h2, p2, f, z, tp.Add(z, w.b3).Named("s")}
}

func (n *net) forward(tp *autograd.Tape, x *autograd.Var, w weights) *autograd.Var {
	return n.layers(tp, x, w)[8]
}

// evaluation is the network measured on the whole test set.
type evaluation struct {
	Step      int
	Acc, Loss float64
	preds     []int
	// confusion[y][p] counts test words y heard as p.
	confusion [Classes][Classes]int
	// Dead is the share of ReLU channels (of h1 and h2) that are 0 for
	// every test word: they pass no gradient back for any of them.
	Dead float64
}

// evalChunk is how many test spectrograms make one term of the mean
// cross-entropy a measurement adds up.
const evalChunk = 160

// evalPass is how many test spectrograms one inference pass takes: a
// chunk is measured in evalChunk/evalPass passes on one recycling tape
// (about 8 MB of activations and im2col columns rather than 65 MB for a
// chunk at once). Every spectrogram's scores are the same, bit for bit,
// whichever pass it is in: the convolutions work image by image and each
// element of a product is one fixed sequence of fused multiply-adds
// (engine/tensor). The chunk's cross-entropy is taken over its whole
// scores, as in one pass.
const evalPass = 32

// evalTapes are the recycling tapes of the measurements' passes: one for
// a measurement beside training, one for a measurement in the
// foreground.
var evalTapes = trainer.TapePool{Keep: 2}

// chunkEval is what one chunk of a measurement found.
type chunkEval struct {
	loss   float64 // the chunk's mean cross-entropy times its size
	preds  []int
	labels []int
	alive  []bool
}

// evaluate measures n on set, chunk after chunk, each in passes of
// evalPass, added up in order: the same bits as single passes. (The
// chunks are not run side by side: each convolution already spreads its
// images over the cores.)
func (n *net) evaluate(set *data.Set, step int) evaluation {
	e := evaluation{Step: step, preds: make([]int, set.Len())}
	chunks := make([]chunkEval, (set.Len()+evalChunk-1)/evalChunk)
	for i := range chunks {
		lo := i * evalChunk
		chunks[i] = n.measureChunk(set, lo, min(lo+evalChunk, set.Len()))
	}
	alive := make([]bool, 3*n.f)
	right := 0
	for i, c := range chunks {
		lo := i * evalChunk
		e.Loss += c.loss
		for k, p := range c.preds {
			e.preds[lo+k] = p
			e.confusion[c.labels[k]][p]++
			if p == c.labels[k] {
				right++
			}
		}
		for k, a := range c.alive {
			alive[k] = alive[k] || a
		}
	}
	e.Acc = float64(right) / float64(set.Len())
	e.Loss /= float64(set.Len())
	dead := 0
	for _, a := range alive {
		if !a {
			dead++
		}
	}
	e.Dead = float64(dead) / float64(len(alive))
	return e
}

// measureChunk measures the spectrograms lo … hi−1 of set.
func (n *net) measureChunk(set *data.Set, lo, hi int) chunkEval {
	c := chunkEval{alive: make([]bool, 3*n.f)}
	scores := tensor.New(hi-lo, Classes)
	rec := evalTapes.Get()
	defer evalTapes.Put(rec)
	w := n.frozen()
	for a := lo; a < hi; a += evalPass {
		b := min(a+evalPass, hi)
		rows := make([]int, b-a)
		for i := range rows {
			rows[i] = a + i
		}
		x, ys := set.Batch(rows)
		c.labels = append(c.labels, ys...)
		h1, h2, s := n.infer(rec.NoGrad(), autograd.Const("x", x), w)
		copy(scores.Data[(a-lo)*Classes:], s.Data)
		markAlive(c.alive[:n.f], h1)
		markAlive(c.alive[n.f:], h2)
		rec.Reset()
	}
	c.loss = autograd.NoGradTape().SoftmaxCrossEntropy(autograd.Const("s", scores), c.labels).Item() * float64(hi-lo)
	_, c.preds = tensor.MaxAxis(scores, 1, false)
	return c
}

// infer runs the network on x for a measurement and returns h1, h2 and
// the word scores s: layers' arithmetic with each convolution and its
// ReLU as one op (autograd's Conv2DAct: the same values, bit for bit,
// without a1 and a2 in memory). Training keeps the ops apart, as the
// lesson shows them.
func (n *net) infer(tp *autograd.Tape, x *autograd.Var, w weights) (h1, h2, s *tensor.Tensor) {
	h1v := tp.Conv2DAct(x, w.w1, w.b1, 1, 1, autograd.ActReLU)
	p1 := tp.MaxPool2D(h1v, 2, 2)
	h2v := tp.Conv2DAct(p1, w.w2, w.b2, 1, 1, autograd.ActReLU)
	p2 := tp.MaxPool2D(h2v, 2, 2)
	z := tp.MatMul(tp.Flatten(p2), w.w3)
	return h1v.Value, h2v.Value, tp.Add(z, w.b3).Value
}

// clone returns a copy of the network with its own parameter values, for
// a measurement that runs while training goes on.
func (n *net) clone() *net {
	c := *n
	c.conv1, c.conv2, c.dense = n.conv1.Clone(), n.conv2.Clone(), n.dense.Clone()
	return &c
}

// classAcc is the share of each word's test utterances heard right.
func (e evaluation) classAcc() []float64 {
	acc := make([]float64, Classes)
	for y := range Classes {
		n := 0
		for p := range Classes {
			n += e.confusion[y][p]
		}
		if n > 0 {
			acc[y] = float64(e.confusion[y][y]) / float64(n)
		}
	}
	return acc
}

// markAlive sets alive[c] for every channel c of h [N C H W] that holds a
// positive value.
func markAlive(alive []bool, h *tensor.Tensor) {
	n, c, hw := h.Shape[0], h.Shape[1], h.Shape[2]*h.Shape[3]
	for k := range c {
		for i := 0; i < n && !alive[k]; i++ {
			for _, v := range h.Data[(i*c+k)*hw : (i*c+k+1)*hw] {
				if v > 0 {
					alive[k] = true
					break
				}
			}
		}
	}
}

// hearing is the network's reading of one spectrogram.
type hearing struct {
	probs []float64
	pred  int
}

// hear runs the network on one spectrogram x [1 1 H W].
func (n *net) hear(x *tensor.Tensor) hearing {
	tp := autograd.NoGradTape()
	s := n.forward(tp, autograd.Const("x", x), n.frozen())
	p := tp.Softmax(s).Value.Data
	best := 0
	for k, v := range p {
		if v > p[best] {
			best = k
		}
	}
	return hearing{probs: p, pred: best}
}
