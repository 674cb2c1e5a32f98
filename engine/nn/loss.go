package nn

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// MSE returns the mean squared error mean((pred − target)²) as a scalar,
// recorded as three nodes (sub, square, mean) so lessons can show each.
// It panics if the shapes differ.
func MSE(tp *autograd.Tape, pred, target *autograd.Var) *autograd.Var {
	if !tensor.SameShape(pred.Value, target.Value) {
		panic(fmt.Sprintf("nn: MSE: shapes %v and %v do not match", pred.Value.Shape, target.Value.Shape))
	}
	return tp.Mean(tp.Square(tp.Sub(pred, target)))
}

// BCE returns the binary cross-entropy of probabilities p (the output of a
// sigmoid) against 0/1 targets y, averaged over all elements, as one node.
// p is clamped to [1e-7, 1 − 1e-7] first (autograd.BCEEpsilon, as Keras),
// so p = 0 or 1 gives a large finite loss, not Inf; the gradient is 0
// where p was clamped. Prefer BCEWithLogits when you have the logits. It
// panics if the shapes differ.
func BCE(tp *autograd.Tape, p, y *autograd.Var) *autograd.Var {
	return tp.BCE(p, y)
}

// BCEWithLogits returns the binary cross-entropy of sigmoid(z) against
// targets y, averaged over all elements, from the logits z in the stable
// form max(z,0) − z·y + log(1 + exp(−|z|)), as one node. It panics if the
// shapes differ.
func BCEWithLogits(tp *autograd.Tape, z, y *autograd.Var) *autograd.Var {
	return tp.BCEWithLogits(z, y)
}

// CrossEntropy returns the softmax cross-entropy of logits [..., classes]
// against integer labels, one per row of logits (all leading axes
// flattened), averaged over rows, as one node computed through a stable
// log-softmax. It panics if logits has fewer than two axes, if the number
// of labels differs from the number of rows or a label is out of range.
func CrossEntropy(tp *autograd.Tape, logits *autograd.Var, labels []int) *autograd.Var {
	s := logits.Value.Shape
	if len(s) < 2 {
		panic(fmt.Sprintf("nn: CrossEntropy: logits shape %v, want [batch classes]", s))
	}
	if len(s) > 2 {
		logits = tp.Reshape(logits, -1, s[len(s)-1])
	}
	return tp.SoftmaxCrossEntropy(logits, labels)
}
