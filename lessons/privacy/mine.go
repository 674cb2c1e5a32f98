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
// is given, for the parameters b₁, W₂ and b₂ (flattened in that order, W₂
// row-major: 714 numbers) and one more, "W₁'s share":
//
//   - w: their weights before the update, and 0;
//   - grads: each example's own gradient of them (the batch's rows, from
//     the one backward pass: perExample.full), and √(Σ ∂ℓᵢ/∂W₁²), the
//     norm of its gradient of W₁, so that each row's norm is the norm of
//     the example's whole gradient and the learner's clip scale
//     min(1, C/‖gᵢ‖₂) is the lesson's;
//   - the step's clip norm C, noise multiplier σ and learning rate;
//   - z: the very standard normal draw the lesson adds as σ·C·z to those
//     parameters (the exercise's convention: the noise is passed in, so
//     the step is checkable), and 0.
//
// Its noisy mean gradient g̃ is compared, every element, with the
// lesson's (ḡᵢ = gᵢ·min(1, C/‖gᵢ‖₂), g̃ = (Σᵢ ḡᵢ + σ·C·z)/B, the
// exercise's formula, computed from the factored gradients; W₁'s share is
// Σᵢ min(1, C/‖gᵢ‖₂)·‖∂ℓᵢ/∂W₁‖/B), then its new weights with w − lr·g̃,
// SGD's step. Where all agree the learner's g̃ and new weights are the
// step's for b₁, W₂ and b₂ (and the numbers revealed); W₁'s 50,176 are the
// engine's (written out for every example they would make each call
// B × 50,890 numbers, 50 MB of JSON at the defaults: a harness call's
// time and CPU limits would not hold a run of them). At the first
// disagreement, or a call that panics or hangs, the run stops at the
// update, which is not made; a wrong noisy gradient gets the checks'
// diagnosis when it is a known mistake (checks.Diagnose).

func init() { trainer.RegisterMineOp("privacy", "dp-sgd step", "dpsgd", "Step") }

// dpImpl is the learner's dpsgd exercise, or nil outside mine mode.
func (m *machine) dpImpl() *checks.DPSGDImpl {
	if m.loop.Mine == nil {
		return nil
	}
	im, _ := m.loop.Mine.Impls["dpsgd"].(*checks.DPSGDImpl)
	return im
}

// w1Size is the number of W₁'s weights, first in net.params: the
// learner is given the others and W₁'s share of each example's norm.
const w1Size = Pixels * Hidden

// mineUpdate is update in mine mode: the learner's DP-SGD step checked
// against the lesson's and, where they agree, applied.
func (m *machine) mineUpdate(impl *checks.DPSGDImpl) {
	params := m.priv.params()
	var all []float64
	for _, p := range params {
		all = append(all, p.Value.Data...)
	}
	k, d, n := m.step, m.dp, m.pe.b
	zAll := m.noise()
	// The learner's arguments: b₁, W₂, b₂ and W₁'s share.
	w := append(slices.Clone(all[w1Size:]), 0)
	z := append(slices.Clone(zAll[w1Size:]), 0)
	grads := make([][]float64, n)
	share := 0.0 // W₁'s share of g̃: Σᵢ scaleᵢ·‖∂ℓᵢ/∂W₁‖/B
	for i := range grads {
		g := m.pe.full(i)
		r := math.Sqrt(sq(g[:w1Size]))
		grads[i] = append(g[w1Size:], r)
		share += d.scales[i] * r
	}
	share /= float64(n)
	// The lesson's numbers, in tensors that take the learner's values.
	gT := tensor.New(len(all))
	copy(gT.Data, d.mean)
	wT := tensor.New(len(all))
	for j := range all {
		wT.Data[j] = all[j] - k.lr*d.mean[j]
	}
	mc := trainer.NewMineCompare(m.loop.Mine, "dpsgd", "Step",
		fmt.Sprintf("update: DP-SGD step, C=%g σ=%g lr=%g, B=%d", k.clip, k.sigma, k.lr, n), "dp-sgd step")
	mc.Total(2 * len(w))
	var gotW, gotG []float64
	// The arguments, kept for the checks' diagnosis of the noisy gradient.
	args := []any{w, grads, k.clip, k.sigma, k.lr, z}
	if mc.Call(func() {
		rows := make([][]float64, n)
		for i, g := range grads {
			rows[i] = slices.Clone(g)
		}
		gotW, gotG = impl.Step(slices.Clone(w), rows, k.clip, k.sigma, k.lr, slices.Clone(z))
	}) {
		last := len(w) - 1
		switch {
		case len(gotG) != len(w):
			mc.Problem(fmt.Sprintf("returned a noisy gradient of %d values for %d weights", len(gotG), len(w)))
		case len(gotW) != len(w):
			mc.Problem(fmt.Sprintf("returned %d new weights for %d", len(gotW), len(w)))
		default:
			for j := 0; j < last && mc.OK(); j++ {
				mc.Elem(gT, w1Size+j, fmt.Sprintf("noisyGrad[%s]", m.paramIndex(j)), d.mean[w1Size+j], gotG[j], args, gotG)
			}
			if mc.OK() {
				mc.Elem(nil, 0, fmt.Sprintf("noisyGrad[%d: W₁'s share]", last), share, gotG[last], args, gotG)
			}
			for j := 0; j < last && mc.OK(); j++ {
				mc.Elem(wT, w1Size+j, fmt.Sprintf("newW[%s]", m.paramIndex(j)), wT.Data[w1Size+j], gotW[j], nil, nil)
			}
			if mc.OK() {
				mc.Elem(nil, 0, fmt.Sprintf("newW[%d: W₁'s share]", last), -k.lr*share, gotW[last], nil, nil)
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
	dc := *d
	dc.mean = gT.Data
	dc.meanNorm = math.Sqrt(sq(dc.mean))
	m.dp = &dc
	off := 0
	for _, p := range params {
		copy(p.Grad.Data, gT.Data[off:off+len(p.Grad.Data)])
		off += len(p.Grad.Data)
	}
	m.opt.LR = k.lr
	m.opt.Step(params)
	// The learner's new weights, within MineTol of SGD's.
	off = 0
	for _, p := range params {
		copy(p.Value.Data, wT.Data[off:off+len(p.Value.Data)])
		off += len(p.Value.Data)
	}
	m.acct.Steps(m.q(), k.sigma, 1)
	m.sub = subNone
}

// paramIndex names element j of the learner's vector (b₁, W₂, b₂):
// "70: W₂[0,6]".
func (m *machine) paramIndex(j int) string {
	flat := j
	for _, p := range m.priv.params()[1:] {
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
