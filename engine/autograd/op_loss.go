package autograd

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
)

// BCEEpsilon is how far BCE keeps probabilities from 0 and 1: p is clamped
// to [BCEEpsilon, 1 − BCEEpsilon] before taking logs, as Keras does, so the
// loss at p = 0 or p = 1 is large but finite (about 16.1).
const BCEEpsilon = 1e-7

// BCE returns the binary cross-entropy of probabilities p against targets
// y (same shape, y usually 0 or 1), averaged over all elements:
//
//	mean(−y·log(p̃) − (1−y)·log(1−p̃)),  p̃ = clamp(p, ε, 1−ε)
//
// with ε = BCEEpsilon. It panics, naming both shapes, if they differ or if
// they are empty.
//
// Backward: dL/dp = (p̃ − y) / (p̃(1−p̃)) / n where p is inside the clamp
// range and 0 where it was clamped (as the clamp's own derivative);
// dL/dy = (log(1−p̃) − log(p̃)) / n.
func (t *Tape) BCE(p, y *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.BCE(in[0], in[1]) })
	n := lossSize("BCE", p, y)
	inv := 1 / float64(n)
	s := 0.0
	for i, pv := range p.Value.Data {
		pc, yv := clampProb(pv), y.Value.Data[i]
		switch yv {
		// For a 0 or 1 target one term is 0·log(…) = −0 (the logs of a
		// clamped p are finite and negative), and adding −0 to the other
		// changes nothing: one log gives the same bits.
		case 0:
			s -= math.Log(1 - pc)
		case 1:
			s -= math.Log(pc)
		default:
			s -= yv*math.Log(pc) + (1-yv)*math.Log(1-pc)
		}
	}
	return t.record("bce", t.scalar(s*inv), []*Var{p, y}, func(g *tensor.Tensor) []*tensor.Tensor {
		gs := g.Data[0] * inv
		var dp, dy *tensor.Tensor
		if p.requiresGrad {
			dp = t.ar.New(p.Value.Shape...)
			for i, pv := range p.Value.Data {
				if pv >= BCEEpsilon && pv <= 1-BCEEpsilon {
					dp.Data[i] = gs * (pv - y.Value.Data[i]) / (pv * (1 - pv))
				}
			}
		}
		if y.requiresGrad {
			dy = t.ar.New(y.Value.Shape...)
			for i, pv := range p.Value.Data {
				pc := clampProb(pv)
				dy.Data[i] = gs * (math.Log(1-pc) - math.Log(pc))
			}
		}
		return t.grads(dp, dy)
	}, nil)
}

func clampProb(p float64) float64 { return min(max(p, BCEEpsilon), 1-BCEEpsilon) }

// BCEWithLogits returns the binary cross-entropy of sigmoid(z) against
// targets y, averaged over all elements, computed from the logits z in the
// stable form
//
//	max(z, 0) − z·y + log(1 + exp(−|z|))
//
// which is finite for any finite z (z = ±1000 included). It panics, naming
// both shapes, if they differ or are empty.
//
// Backward: dL/dz = (sigmoid(z) − y) / n, dL/dy = −z / n.
func (t *Tape) BCEWithLogits(z, y *Var) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.BCEWithLogits(in[0], in[1]) })
	n := lossSize("BCEWithLogits", z, y)
	inv := 1 / float64(n)
	s := 0.0
	for i, zv := range z.Value.Data {
		s += max(zv, 0) - zv*y.Value.Data[i] + math.Log1p(math.Exp(-math.Abs(zv)))
	}
	return t.record("bce_logits", t.scalar(s*inv), []*Var{z, y}, func(g *tensor.Tensor) []*tensor.Tensor {
		gs := g.Data[0] * inv
		var dz, dy *tensor.Tensor
		if z.requiresGrad {
			dz = t.ar.New(z.Value.Shape...)
			for i, zv := range z.Value.Data {
				dz.Data[i] = gs * (sigmoid(zv) - y.Value.Data[i])
			}
		}
		if y.requiresGrad {
			dy = t.ar.Scaled(z.Value, -gs)
		}
		return t.grads(dz, dy)
	}, nil)
}

// SoftmaxCrossEntropy returns the cross-entropy of softmax(logits) against
// integer class labels, averaged over the batch: for logits [N K] and
// labels of length N with values in [0, K),
//
//	mean_i −log_softmax(logits_i)[labels_i]
//
// computed through a max-subtracted log-softmax, so it is finite for any
// finite logits. It panics if logits is not 2-D with K > 0, if len(labels)
// differs from N or a label is out of range.
//
// Backward: dL/dlogits_i = (softmax(logits_i) − onehot(labels_i)) / N.
func (t *Tape) SoftmaxCrossEntropy(logits *Var, labels []int) (res *Var) {
	defer replayAs(&res, func(t *Tape, in []*Var) *Var { return t.SoftmaxCrossEntropy(in[0], labels) })
	s := logits.Value.Shape
	if len(s) != 2 || s[1] == 0 {
		panic(fmt.Sprintf("autograd: SoftmaxCrossEntropy: logits shape %v, want [batch classes]", s))
	}
	n, k := s[0], s[1]
	if len(labels) != n {
		panic(fmt.Sprintf("autograd: SoftmaxCrossEntropy: logits shape %v and %d labels", s, len(labels)))
	}
	for i, c := range labels {
		if c < 0 || c >= k {
			panic(fmt.Sprintf("autograd: SoftmaxCrossEntropy: label %d (row %d) out of range for %d classes", c, i, k))
		}
	}
	labels = slices.Clone(labels)
	logp := t.ar.New(s...)
	loss := 0.0
	for i := range n {
		logSoftmaxRow(logp.Data[i*k:(i+1)*k], logits.Value.Data[i*k:(i+1)*k])
		loss -= logp.Data[i*k+labels[i]]
	}
	inv := 1 / float64(max(n, 1))
	v := t.record("softmax_ce", t.scalar(loss*inv), []*Var{logits}, func(g *tensor.Tensor) []*tensor.Tensor {
		gs := g.Data[0] * inv
		d := t.ar.Uninit(s...)            // every element is written
		tensor.ExpInto(d.Data, logp.Data) // math.Exp's bits, vectorised
		for i, e := range d.Data {
			d.Data[i] = gs * e
		}
		for i, c := range labels {
			d.Data[i*k+c] -= gs
		}
		return t.grads(d)
	}, nil)
	return withAttrs(v, fmt.Sprintf("classes=%d", k))
}

// lossSize checks that a and b have the same non-empty shape and returns
// their number of elements.
func lossSize(op string, a, b *Var) int {
	if !tensor.SameShape(a.Value, b.Value) {
		panic(fmt.Sprintf("autograd: %s: shapes %v and %v do not match", op, a.Value.Shape, b.Value.Shape))
	}
	if len(a.Value.Data) == 0 {
		panic(fmt.Sprintf("autograd: %s: empty shape %v", op, a.Value.Shape))
	}
	return len(a.Value.Data)
}
