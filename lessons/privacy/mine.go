package privacy

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode: the DP-SGD step is made again by the learner's dpsgd
// exercise at the update of every private step, on the step's real
// numbers, and compared with the lesson's:
//
//	Step(w, grads, C, σ, lr, z)
//
// is given the weights before the update (every parameter flattened in
// the order of net.params: W₁ row-major, b₁, W₂, b₂), each example's own
// gradient written out in the same order (the batch's rows, from the one
// backward pass: perExample.full), the step's clip norm C, noise
// multiplier σ and learning rate, and z, the very standard normal draw the
// lesson adds as σ·C·z (the exercise's convention: the noise is passed
// in, so the step is checkable). Its noisy mean gradient g̃ is compared,
// every element, with the lesson's (ḡᵢ = gᵢ·min(1, C/‖gᵢ‖₂), g̃ = (Σᵢ ḡᵢ
// + σ·C·z)/B, the exercise's formula, computed from the factored
// gradients), then its new weights with w − lr·g̃, SGD's step. Where all
// agree the learner's g̃ is the step's (the numbers revealed) and the
// learner's new weights are the network's; at the first disagreement, or
// a call that panics or hangs, the run stops at the update, which is not
// made; a wrong noisy gradient gets the checks' diagnosis when it is a
// known mistake (checks.Diagnose).
//
// Each call sends B·P numbers (50 × 50,890 at the defaults) to the
// learner's process: a private step in mine mode takes a moment.

func init() { trainer.RegisterMineOp("privacy", "dp-sgd step", "dpsgd", "Step") }

// dpImpl is the learner's dpsgd exercise, or nil outside mine mode.
func (m *machine) dpImpl() *checks.DPSGDImpl {
	if m.loop.Mine == nil {
		return nil
	}
	im, _ := m.loop.Mine.Impls["dpsgd"].(*checks.DPSGDImpl)
	return im
}

// mineUpdate is update in mine mode: the learner's DP-SGD step checked
// against the lesson's and, where they agree, applied.
func (m *machine) mineUpdate(impl *checks.DPSGDImpl) {
	params := m.priv.params()
	var w []float64
	for _, p := range params {
		w = append(w, p.Value.Data...)
	}
	grads := make([][]float64, m.pe.b)
	for i := range grads {
		grads[i] = m.pe.full(i)
	}
	z := m.noise()
	k := m.step
	// The lesson's numbers, in tensors that take the learner's values.
	g := tensor.New(len(w))
	copy(g.Data, m.dp.mean)
	nw := tensor.New(len(w))
	for j := range w {
		nw.Data[j] = w[j] - k.lr*m.dp.mean[j]
	}
	mc := trainer.NewMineCompare(m.loop.Mine, "dpsgd", "Step",
		fmt.Sprintf("update: DP-SGD step, C=%g σ=%g lr=%g, B=%d", k.clip, k.sigma, k.lr, m.pe.b), "dp-sgd step")
	mc.Total(2 * len(w))
	var gotW, gotG []float64
	// The arguments, kept for the checks' diagnosis of the noisy gradient.
	args := []any{w, grads, k.clip, k.sigma, k.lr, z}
	if mc.Call(func() {
		gotW, gotG = impl.Step(slices.Clone(w), slices.Clone(grads), k.clip, k.sigma, k.lr, slices.Clone(z))
	}) {
		switch {
		case len(gotG) != len(w):
			mc.Problem(fmt.Sprintf("returned a noisy gradient of %d values for %d weights", len(gotG), len(w)))
		case len(gotW) != len(w):
			mc.Problem(fmt.Sprintf("returned %d new weights for %d", len(gotW), len(w)))
		default:
			for j := 0; j < len(w) && mc.OK(); j++ {
				mc.Elem(g, j, fmt.Sprintf("noisyGrad[%s]", m.paramIndex(j)), m.dp.mean[j], gotG[j], args, gotG)
			}
			for j := 0; j < len(w) && mc.OK(); j++ {
				mc.Elem(nw, j, fmt.Sprintf("newW[%s]", m.paramIndex(j)), nw.Data[j], gotW[j], nil, nil)
			}
		}
	}
	rep := m.loop.MineReport()
	if !trainer.MineAdd(rep, mc.Check()) {
		m.loop.MineStopped = true
		m.sub = subNone
		return
	}
	// The learner's g̃ is the step's: the numbers the lesson reveals.
	d := *m.dp
	d.mean = g.Data
	d.meanNorm = math.Sqrt(sq(d.mean))
	m.dp = &d
	off := 0
	for _, p := range params {
		copy(p.Grad.Data, g.Data[off:off+len(p.Grad.Data)])
		off += len(p.Grad.Data)
	}
	m.opt.LR = k.lr
	m.opt.Step(params)
	// The learner's new weights, within MineTol of SGD's.
	off = 0
	for _, p := range params {
		copy(p.Value.Data, nw.Data[off:off+len(p.Value.Data)])
		off += len(p.Value.Data)
	}
	m.acct.Steps(m.q(), k.sigma, 1)
	m.sub = subNone
}

// paramIndex names element flat of the flattened parameters: "3: W₁[0,3]".
func (m *machine) paramIndex(flat int) string {
	j := flat
	for _, p := range m.priv.params() {
		n := len(p.Value.Data)
		if j < n {
			if len(p.Value.Shape) == 2 {
				c := p.Value.Shape[1]
				return fmt.Sprintf("%d: %s[%d,%d]", flat, p.Name, j/c, j%c)
			}
			return fmt.Sprintf("%d: %s[%d]", flat, p.Name, j)
		}
		j -= n
	}
	return fmt.Sprint(flat)
}
