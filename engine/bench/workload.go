package bench

import (
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Workload is one training run of the reference set: each call of Step
// performs one training step and returns its loss.
type Workload interface {
	Step() float64
}

// newParam returns a trainable parameter of the given shape drawn from
// N(0, gain/fanIn) (He normal for gain 2, LeCun normal for gain 1), or all
// zeros when fanIn is 0 (biases).
func newParam(name string, rng *rand.Rand, fanIn int, gain float64, shape ...int) *autograd.Var {
	t := tensor.New(shape...)
	if fanIn > 0 {
		s := math.Sqrt(gain / float64(fanIn))
		for i := range t.Data {
			t.Data[i] = s * rng.NormFloat64()
		}
	}
	return autograd.NewParam(name, t)
}

// mustOptim returns the optimizer New makes for name and lr, panicking on
// an error: the workloads' settings are constants.
func mustOptim(name string, lr float64, opts ...optim.Option) optim.Optimizer {
	o, err := optim.New(name, lr, opts...)
	if err != nil {
		panic("bench: " + err.Error())
	}
	return o
}

// update clears the gradients of params, runs the backward pass from loss
// and applies one optimizer step.
func update(tp *autograd.Tape, loss *autograd.Var, opt optim.Optimizer, params []*autograd.Var) {
	optim.ZeroGrad(params)
	tp.Backward(loss)
	opt.Step(params)
}

// epochBatches splits n rows into mini-batches of size batch and keeps, for
// every batch, input and target tensors that are refilled each epoch, so a
// training step allocates nothing for its data.
type epochBatches struct {
	perm    []int             // the current epoch's row order
	rows    [][]int           // batch i is perm[i·batch : …]
	x, y    []*autograd.Var   // constant leaves over the batch buffers
	labels  [][]int           // integer labels of each batch, if any
	src     [2]*tensor.Tensor // full inputs and targets (targets may be nil)
	srcLab  []int
	shuffle *rand.Rand // nil: rows keep their order
	next    int        // index of the next batch; len(rows) starts an epoch
}

// newEpochBatches prepares the batches of x (and y and labels when non-nil),
// shuffled each epoch with rng when rng is non-nil.
func newEpochBatches(x, y *tensor.Tensor, labels []int, batch int, rng *rand.Rand) *epochBatches {
	n := x.Shape[0]
	e := &epochBatches{perm: make([]int, n), src: [2]*tensor.Tensor{x, y}, srcLab: labels, shuffle: rng}
	for i := range e.perm {
		e.perm[i] = i
	}
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		e.rows = append(e.rows, e.perm[lo:hi])
		e.x = append(e.x, autograd.Const("x", tensor.New(append([]int{hi - lo}, x.Shape[1:]...)...)))
		if y != nil {
			e.y = append(e.y, autograd.Const("y", tensor.New(append([]int{hi - lo}, y.Shape[1:]...)...)))
		}
		if labels != nil {
			e.labels = append(e.labels, make([]int, hi-lo))
		}
	}
	e.next = len(e.rows)
	return e
}

// nextBatch returns the index of the next batch, starting a new epoch
// (shuffle and refill of every batch buffer) when the last one is used.
func (e *epochBatches) nextBatch() int {
	if e.next == len(e.rows) {
		e.next = 0
		if e.shuffle != nil {
			e.shuffle.Shuffle(len(e.perm), func(i, j int) { e.perm[i], e.perm[j] = e.perm[j], e.perm[i] })
		}
		for b, rows := range e.rows {
			gatherRows(e.x[b].Value, e.src[0], rows)
			if e.y != nil {
				gatherRows(e.y[b].Value, e.src[1], rows)
			}
			for i, r := range rows {
				if e.labels != nil {
					e.labels[b][i] = e.srcLab[r]
				}
			}
		}
	}
	b := e.next
	e.next++
	return b
}

// gatherRows copies the given first-axis rows of src into dst, in order.
func gatherRows(dst, src *tensor.Tensor, rows []int) {
	w := len(src.Data) / src.Shape[0]
	for i, r := range rows {
		copy(dst.Data[i*w:(i+1)*w], src.Data[r*w:(r+1)*w])
	}
}

// argmaxRows returns the index of the largest element of each row of the
// 2-D tensor t.
func argmaxRows(t *tensor.Tensor) []int {
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
