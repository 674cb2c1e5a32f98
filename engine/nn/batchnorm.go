package nn

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// BatchNorm is batch normalisation of feature vectors, PyTorch's
// BatchNorm1d on an [N F] input: each feature (column) is normalised over
// the batch, then scaled by a learned Gamma (initially 1) and shifted by a
// learned Beta (initially 0):
//
//	y = γ ⊙ (x − μ) / √(σ² + ε) + β
//
// In training mode (the default) μ and σ² are the batch's own mean and
// biased variance (divided by N), and each Forward also blends them into
// the running statistics with weight Momentum:
//
//	RunMean ← (1 − m)·RunMean + m·μ
//	RunVar  ← (1 − m)·RunVar  + m·σ²·N/(N − 1)   (the unbiased variance)
//
// In evaluation mode (Train(false)) μ and σ² are RunMean and RunVar, so an
// example's output no longer depends on the rest of its batch. The
// running statistics start at 0 and 1, as in PyTorch; they are not
// parameters (no gradient), but a model's state: copy them with the
// parameters when saving or cloning.
//
// The layer is built from autograd ops (mean over the batch axis,
// subtraction, square, square root, division), so the backward pass is
// the chain rule through them and every step shows on the tape.
type BatchNorm struct {
	Name           string
	Gamma, Beta    *autograd.Var
	RunMean        *tensor.Tensor // [F]
	RunVar         *tensor.Tensor // [F]
	Momentum, Eps  float64
	training       bool
	lastMu, lastV2 []float64 // the last training batch's statistics (biased variance)
}

// NewBatchNorm returns a BatchNorm over features features with PyTorch's
// defaults: momentum 0.1, eps 1e-5, γ = 1, β = 0, running mean 0 and
// running variance 1, in training mode. It panics if features is not
// positive.
func NewBatchNorm(name string, features int) *BatchNorm {
	if features <= 0 {
		panic(fmt.Sprintf("nn: NewBatchNorm %s: size %d must be positive", name, features))
	}
	return &BatchNorm{
		Name:     name,
		Gamma:    autograd.NewParam(name+".gamma", tensor.Ones(features)),
		Beta:     autograd.NewParam(name+".beta", tensor.New(features)),
		RunMean:  tensor.New(features),
		RunVar:   tensor.Ones(features),
		Momentum: 0.1,
		Eps:      1e-5,
		training: true,
	}
}

// Train switches between training (batch statistics, running statistics
// updated) and evaluation (running statistics, nothing updated).
func (b *BatchNorm) Train(on bool) { b.training = on }

// Training reports whether b is in training mode.
func (b *BatchNorm) Training() bool { return b.training }

// Forward records the normalisation of x [N F]. In training mode it also
// updates RunMean and RunVar (once per call, whatever the tape). It
// panics, naming the shapes, if x is not [N F] with F the layer's size,
// and in training mode if N < 2 (one example has no variance to normalise
// by; PyTorch refuses it too).
func (b *BatchNorm) Forward(tp *autograd.Tape, x *autograd.Var) *autograd.Var {
	s := x.Value.Shape
	f := b.Gamma.Value.Shape[0]
	if len(s) != 2 || s[1] != f {
		panic(fmt.Sprintf("nn: BatchNorm %s: input shape %v does not match gamma %v (want [N %d])", b.Name, s, b.Gamma.Value.Shape, f))
	}
	if !b.training {
		mu := autograd.Const(b.Name+".running_mean", b.RunMean)
		sd := tensor.New(f)
		for j, v := range b.RunVar.Data {
			sd.Data[j] = v + b.Eps
		}
		std := tp.Sqrt(autograd.Const(b.Name+".running_var+eps", sd))
		return tp.Add(tp.Mul(tp.Div(tp.Sub(x, mu), std), b.Gamma), b.Beta)
	}
	n := s[0]
	if n < 2 {
		panic(fmt.Sprintf("nn: BatchNorm %s: input shape %v: training needs at least 2 examples per batch", b.Name, s))
	}
	// Each intermediate is named after the layer, so a lesson's graph
	// reads bn1.mean, bn1.centred, bn1.var, bn1.std, bn1.norm.
	mu := tp.MeanAxis(x, 0, true).Named(b.Name + ".mean") // [1 F]
	xc := tp.Sub(x, mu).Named(b.Name + ".centred")        // [N F]
	v2 := tp.MeanAxis(tp.Square(xc), 0, true).Named(b.Name + ".var")
	std := tp.Sqrt(tp.AddScalar(v2, b.Eps)).Named(b.Name + ".std")
	y := tp.Add(tp.Mul(tp.Div(xc, std).Named(b.Name+".norm"), b.Gamma), b.Beta)
	m := b.Momentum
	b.lastMu, b.lastV2 = append(b.lastMu[:0], mu.Value.Data...), append(b.lastV2[:0], v2.Value.Data...)
	for j := range f {
		unbiased := v2.Value.Data[j] * float64(n) / float64(n-1)
		b.RunMean.Data[j] = (1-m)*b.RunMean.Data[j] + m*mu.Value.Data[j]
		b.RunVar.Data[j] = (1-m)*b.RunVar.Data[j] + m*unbiased
	}
	return y
}

// BatchStats returns the mean and biased variance of each feature in the
// last training batch (nil before the first); the slices are b's own.
func (b *BatchNorm) BatchStats() (mean, variance []float64) { return b.lastMu, b.lastV2 }

// Params returns gamma and beta.
func (b *BatchNorm) Params() []*autograd.Var { return []*autograd.Var{b.Gamma, b.Beta} }
