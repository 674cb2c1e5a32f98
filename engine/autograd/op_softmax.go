package autograd

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Softmax returns exp(a) / sum(exp(a)) along the last axis. It subtracts
// each row's maximum first, so large inputs do not overflow: the softmax of
// [1000 0] is [1 0]. It panics if a is a scalar or its last axis is empty.
//
// Backward: dL/da = y ⊙ (g − sum(g ⊙ y)) per row, where y is the output.
// Softmax is not element-wise, so it has no Local.
func (t *Tape) Softmax(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.Softmax(in[0]) })
	n := lastAxis("Softmax", a)
	out := t.ar.Uninit(a.Value.Shape...) // every row is written
	tensor.SoftmaxRows(out.Data, a.Value.Data, n, 1, nil)
	return t.record("softmax", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		// y ⊙ (g − dot) per row, as 1·(…): the same bits.
		d := t.ar.Uninit(out.Shape...)
		tensor.SoftmaxRowsBackward(d.Data, out.Data, g.Data, n, 1)
		return t.grads(d)
	}, nil)
}

// LogSoftmax returns a − log(sum(exp(a))) along the last axis, computed as
// (a − max) − log(sum(exp(a − max))) so that it stays finite for large
// inputs. It panics if a is a scalar or its last axis is empty.
//
// Backward: dL/da = g − softmax(a) ⊙ sum(g) per row. LogSoftmax has no
// Local.
func (t *Tape) LogSoftmax(a *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.LogSoftmax(in[0]) })
	n := lastAxis("LogSoftmax", a)
	out := t.ar.New(a.Value.Shape...)
	for r := 0; r < len(out.Data); r += n {
		logSoftmaxRow(out.Data[r:r+n], a.Value.Data[r:r+n])
	}
	return t.record("log_softmax", out, []*Var{a}, func(g *tensor.Tensor) []*tensor.Tensor {
		d := t.ar.New(out.Shape...)
		for r := 0; r < len(d.Data); r += n {
			y, gr, dr := out.Data[r:r+n], g.Data[r:r+n], d.Data[r:r+n]
			s := 0.0
			for _, v := range gr {
				s += v
			}
			for i, v := range y {
				dr[i] = gr[i] - math.Exp(v)*s
			}
		}
		return t.grads(d)
	}, nil)
}

// lastAxis returns the size of a's last axis, panicking, naming op, if a
// is a scalar or that axis is empty.
func lastAxis(op string, a *Var) int {
	if len(a.Value.Shape) == 0 || a.Value.Shape[len(a.Value.Shape)-1] == 0 {
		panic(fmt.Sprintf("autograd: %s: shape %v has no last axis to normalise over", op, a.Value.Shape))
	}
	return a.Value.Shape[len(a.Value.Shape)-1]
}

// softmaxRow writes the softmax of x into dst (both of the same length):
// tensor.SoftmaxRows on one row, scale 1 (exact).
func softmaxRow(dst, x []float64) {
	tensor.SoftmaxRows(dst[:len(x)], x, len(x), 1, nil)
}

// logSoftmaxRow writes the log-softmax of x into dst.
func logSoftmaxRow(dst, x []float64) {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	s := 0.0
	if &dst[0] == &x[0] { // in place: no room for the exponentials
		for _, v := range x {
			s += math.Exp(v - m)
		}
	} else {
		dst = dst[:len(x)]
		for i, v := range x {
			dst[i] = v - m
		}
		tensor.ExpInto(dst, dst)
		for _, e := range dst {
			s += e
		}
	}
	lse := math.Log(s)
	for i, v := range x {
		dst[i] = v - m - lse
	}
}
