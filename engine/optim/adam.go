package optim

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Adam keeps running averages of the gradient (m) and of its square (v),
// corrects both for their start at zero, and steps along m̂ scaled per
// element by 1/√v̂ (Kingma & Ba 2015; PyTorch's Adam, not AMSGrad):
//
//	g  ← dW + λ·W
//	t  ← t + 1
//	m  ← β1·m + (1 − β1)·g
//	v  ← β2·v + (1 − β2)·g²
//	m̂  = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
//	W  ← W − lr·m̂ / (√v̂ + ε)
//
// The step count t is kept per parameter, as in PyTorch: a parameter
// skipped for having no gradient does not advance its t. Weight decay is
// the classic L2 term added to the gradient, unless Decoupled is set: then
// it is AdamW's decoupled decay (Loshchilov & Hutter 2019; PyTorch's
// AdamW), which shrinks the weight directly and leaves g, m and v alone:
//
//	W  ← W·(1 − lr·λ)          before the update above, with g = dW
//
// With L2 the decay term passes through 1/√v̂ and is weakest exactly where
// gradients are large; decoupled, every weight decays at the same rate.
type Adam struct {
	LR          float64
	Beta1       float64 // β1, decay of m; 0.9 by default
	Beta2       float64 // β2, decay of v; 0.999 by default
	Eps         float64 // ε, added to √v̂; 1e-8 by default
	WeightDecay float64 // λ: adds λ·W to the gradient (or, Decoupled, shrinks W by lr·λ·W)
	Decoupled   bool    // AdamW: decay W directly instead of through the gradient

	state stateMap
}

// NewAdam returns Adam with learning rate lr, β1 = 0.9, β2 = 0.999 and
// ε = 1e-8.
func NewAdam(lr float64) *Adam { return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// NewAdamW returns AdamW: Adam with decoupled weight decay λ = 0.01 (PyTorch's
// default), learning rate lr, β1 = 0.9, β2 = 0.999 and ε = 1e-8.
func NewAdamW(lr float64) *Adam {
	a := NewAdam(lr)
	a.WeightDecay, a.Decoupled = 0.01, true
	return a
}

// Step applies one update to every parameter that has a gradient.
// It panics if a parameter's gradient has a different shape from its value.
func (o *Adam) Step(params []*autograd.Var) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		st := o.state.slot("Adam.Step", p, 2)
		st.steps++
		// The same order of operations as torch.optim.Adam, so the two
		// agree to the last bits or nearly (see adamKernel).
		bc1 := 1 - math.Pow(o.Beta1, float64(st.steps))
		bc2 := math.Sqrt(1 - math.Pow(o.Beta2, float64(st.steps)))
		stepSize := o.LR / bc1
		k := adamConsts{
			b1: o.Beta1, c1: 1 - o.Beta1, b2: o.Beta2, c2: 1 - o.Beta2,
			negStep: -stepSize, bc2: bc2, eps: o.Eps,
			wd: o.WeightDecay, decay: 1 - o.LR*o.WeightDecay, // AdamW's factor
		}
		switch {
		case o.Decoupled:
			k.mode = adamDecoupled
		case o.WeightDecay != 0:
			k.mode = adamL2
		}
		adamUpdate(&k, p.Value.Data, p.Grad.Data, st.a.Data, st.b.Data, st.last.Data)
	}
}

// Modes of adamUpdate.
const (
	adamPlain     = iota // no weight decay
	adamL2               // g ← dW + λ·W
	adamDecoupled        // W ← W·(1 − lr·λ) + step
)

// adamConsts holds one parameter's step of Adam: the coefficients, folded
// once per step, and the mode. The assembly kernel reads it by offset:
// keep the field order.
type adamConsts struct {
	b1, c1  float64 // β1 and 1 − β1
	b2, c2  float64 // β2 and 1 − β2
	negStep float64 // −lr / (1 − β1^t)
	bc2     float64 // √(1 − β2^t)
	eps     float64
	wd      float64 // λ
	decay   float64 // 1 − lr·λ
	mode    int
}

// adamUpdate applies one step of Adam to w from the gradient g, updating
// m and v and writing ΔW into d (all of len(g)). adamKernel is the
// arithmetic per element; the vector kernel, where the CPU has one, does
// the same operations in the same order on four elements at a time
// (IEEE 754 operations, without fused multiply-adds), so both give the
// same bits.
func adamUpdate(k *adamConsts, w, g, m, v, d []float64) {
	n := len(g)
	w, m, v, d = w[:n], m[:n], v[:n], d[:n]
	done := adamVector(k, w, g, m, v, d)
	adamKernel(k, w[done:], g[done:], m[done:], v[done:], d[done:])
}

// adamKernel is adamUpdate one element at a time.
func adamKernel(k *adamConsts, w, g, m, v, d []float64) {
	n := len(g)
	w, m, v, d = w[:n], m[:n], v[:n], d[:n]
	b1, c1, b2, c2 := k.b1, k.c1, k.b2, k.c2
	negStep, bc2, eps, wd, decay := k.negStep, k.bc2, k.eps, k.wd, k.decay
	// The float64 conversions round every product, as the vector kernel
	// does: without them a compiler targeting FMA (GOAMD64=v3) may fuse a
	// product with the following sum.
	for i, gi := range g {
		if k.mode == adamL2 {
			gi += float64(wd * w[i])
		}
		mi := float64(b1*m[i]) + float64(c1*gi)
		vi := float64(b2*v[i]) + float64(float64(c2*gi)*gi)
		m[i], v[i] = mi, vi
		step := float64(negStep * (mi / (math.Sqrt(vi)/bc2 + eps)))
		if k.mode == adamDecoupled {
			old := w[i]
			nw := float64(old*decay) + step
			w[i], d[i] = nw, nw-old
			continue
		}
		d[i] = step
		w[i] += step
	}
}

// LastUpdate returns ΔW of the last Step that updated p, or nil.
func (o *Adam) LastUpdate(p *autograd.Var) *tensor.Tensor { return o.state.lastUpdate(p) }

// State returns m, v and t and, after the first step, the bias
// corrections 1−β1^t and 1−β2^t, the corrected m̂ and v̂, and the
// effective per-element step size lr/(√v̂ + ε) (ΔW = −step size·m̂).
func (o *Adam) State(p *autograd.Var) []NamedState {
	m, v, t := o.state.buffers(p)
	out := []NamedState{
		{Name: StateM, Value: m, Help: "m ← β1·m + (1−β1)·g: running average of the gradient"},
		{Name: StateV, Value: v, Help: "v ← β2·v + (1−β2)·g²: running average of its square"},
		scalar(StateT, float64(t), "steps taken"),
	}
	if t == 0 {
		return out
	}
	bc1 := 1 - math.Pow(o.Beta1, float64(t))
	bc2 := 1 - math.Pow(o.Beta2, float64(t))
	mHat, vHat := m.Clone(), v.Clone()
	for i := range mHat.Data {
		mHat.Data[i] /= bc1
		vHat.Data[i] /= bc2
	}
	return append(out,
		scalar(StateBias1, bc1, "bias correction of m (m starts at 0)"),
		scalar(StateBias2, bc2, "bias correction of v (v starts at 0)"),
		NamedState{Name: StateMHat, Value: mHat, Help: "m̂ = m / (1−β1^t)"},
		NamedState{Name: StateVHat, Value: vHat, Help: "v̂ = v / (1−β2^t)"},
		NamedState{Name: StateStepSize, Value: stepSize(o.LR, v, bc2, o.Eps),
			Help: "lr / (√v̂ + ε): each element's own learning rate"},
	)
}

// LearningRate returns LR.
func (o *Adam) LearningRate() float64 { return o.LR }

// SetLearningRate sets LR. It panics if lr is negative, NaN or infinite.
func (o *Adam) SetLearningRate(lr float64) { mustLR("Adam.SetLearningRate", lr); o.LR = lr }

// Name returns "adam", or "adamw" when the decay is decoupled.
func (o *Adam) Name() string {
	if o.Decoupled {
		return "adamw"
	}
	return "adam"
}

// Reset forgets every parameter's state (m, v and t restart at 0).
func (o *Adam) Reset() { o.state = nil }

// Clone returns an independent copy (see Optimizer.Clone).
func (o *Adam) Clone(remap map[*autograd.Var]*autograd.Var) Optimizer {
	c := *o
	c.state = o.state.clone("Adam", remap)
	return &c
}

func (o *Adam) String() string {
	name := "Adam"
	if o.Decoupled {
		name = "AdamW"
	}
	return fmt.Sprintf("%s(lr=%g, β1=%g, β2=%g, ε=%g%s)", name, o.LR, o.Beta1, o.Beta2, o.Eps, wdString(o.WeightDecay))
}
