package translate

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode: the learner's code is called on the lesson's real values
// and compared with the engine's.
//
//   - Training (the forward op, with attention on): at every decoder
//     position the attention over the encoder's states is computed again
//     by attention.Attention(Q, K, V, false) for the first rows of the
//     batch, up to trainer.MineCap compared values a position (at least
//     one row): K are the row's keys Wa·h_j and V its states h_j at its
//     real characters (the padding, whose weight the engine's mask makes
//     exactly 0, is left out), and Q = √d·s_t, the decoder's state scaled
//     so that the exercise's scaled score (Q·K_j)/√d is the lesson's
//     unscaled Luong score s_t·Wa·h_j. Its weights and output are compared
//     with the engine's softmax and context; where they agree the
//     learner's are written in their place and the rest of the pass
//     computed again from them, so the loss and the gradients follow from
//     the learner's attention.
//   - Decoding the displayed example (one op per character): the learner's
//     softmax.Softmax on the position's real logits is compared with the
//     probabilities the lesson shows, and decode.Greedy picks the next
//     character from the position's real log-probabilities. The lesson's
//     decoder is no bigram model (its next character depends on its
//     state), so Greedy is called with maxLen 1 on a table whose every row
//     is that position's log-probabilities: what it checks is the pick of
//     one character (the smallest id on a tie, as the lesson's).
//
//   - The update: Adam's step of every parameter is made again by the
//     learner's adam exercise (trainer.MineOpt: one learner's optimizer per
//     parameter, fed the same gradients), the parameters going on with
//     the learner's values.
//
// At the first disagreement, or a call that panics or hangs, the run
// stops at that op.

func init() {
	trainer.RegisterMineOp("translate", "luong attention", "attention", "Attention")
	trainer.RegisterMineOp("translate", "decoder softmax", "softmax", "Softmax")
	trainer.RegisterMineOp("translate", "greedy pick", "decode", "Greedy")
}

// mineState is the machine's side of mine mode: plain values, copied by
// snapshots (a report is replaced, never changed, once others may hold
// it).
type mineState struct {
	mine    *lessons.Mine
	rep     *lessons.MineReport // of the step in progress or the last one
	stopped bool
	opt     trainer.MineOpt // the learner's side of Adam
}

// Mined implements lessons.Miner.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker.
func (m *machine) SetMine(mine *lessons.Mine) { m.mined.mine = mine }

// MineReport implements lessons.MineChecker.
func (m *machine) MineReport() *lessons.MineReport { return m.mined.rep }

// impl returns the learner's Impl of exercise, nil when it has none.
func (m *machine) impl(exercise string) any {
	if m.mined.mine == nil {
		return nil
	}
	return m.mined.mine.Impls[exercise]
}

// add puts c in the report of the training step in progress (step) and
// reports whether the run goes on.
func (m *machine) add(step int, c lessons.MineCheck) bool {
	if r := m.mined.rep; r == nil || r.Step != step {
		m.mined.rep = &lessons.MineReport{Step: step, First: -1}
	} else {
		cp := *r
		cp.Checks = slices.Clone(r.Checks)
		m.mined.rep = &cp
	}
	if !trainer.MineAdd(m.mined.rep, c) {
		m.mined.stopped = true
		return false
	}
	return true
}

// attnTrace is one decoder position's attention as recorded on the tape.
type attnTrace struct {
	q, weights, ctx *autograd.Var // [rows hidden], [rows steps], [rows 1 hidden]
}

// mineAttention checks the attention of every decoder position of the
// step just recorded (traces in tape order), and reports whether the run
// goes on.
func (m *machine) mineAttention(tp *autograd.Tape, e encoded, lens []int, traces []attnTrace) bool {
	im, _ := m.impl("attention").(*checks.AttentionImpl)
	if im == nil || len(traces) == 0 {
		return true
	}
	h := m.cfg.hidden
	scale := math.Sqrt(float64(h))
	keys, states := e.keys.Value.Data, e.states.Value.Data
	for t, tr := range traces {
		mc := trainer.NewMineCompare(m.mined.mine, "attention", "Attention",
			fmt.Sprintf("attention at output %d: softmax(s·Wa·h), Σ a·h", t+1), "luong attention")
		w, ctx := tr.weights.Value, tr.ctx.Value
		mc.Total(len(w.Data) + len(ctx.Data))
		checked := 0
		for r := 0; r < e.rows && (r == 0 || checked < trainer.MineCap) && mc.OK(); r++ {
			n := lens[r]
			q := [][]float64{make([]float64, h)}
			for k := range h {
				q[0][k] = scale * tr.q.Value.Data[r*h+k]
			}
			K, V := make([][]float64, n), make([][]float64, n)
			for j := range n {
				at := (r*e.steps + j) * h
				K[j], V[j] = slices.Clone(keys[at:at+h]), slices.Clone(states[at:at+h])
			}
			var out, aw [][]float64
			if !mc.Call(func() { out, aw = im.Attention(q, K, V, false) }) {
				break
			}
			if len(out) != 1 || len(out[0]) != h || len(aw) != 1 || len(aw[0]) != n {
				mc.Problem(fmt.Sprintf("returned out %s and weights %s for one query over %d keys of %d: want 1×%d and 1×%d",
					dims(out), dims(aw), n, h, h, n))
				break
			}
			for j := 0; j < n && mc.OK(); j++ {
				f := r*e.steps + j
				mc.Elem(w, f, fmt.Sprintf("weights[%d][%d]", r, j), w.Data[f], aw[0][j], nil, nil)
			}
			for k := 0; k < h && mc.OK(); k++ {
				f := r*h + k
				mc.Elem(ctx, f, fmt.Sprintf("out[%d][%d]", r, k), ctx.Data[f], out[0][k], nil, nil)
			}
			checked += n + h
		}
		c := mc.Check()
		if !m.add(m.step+1, c) {
			return false
		}
		// The learner's weights, then their output: the ops after each
		// computed again (the context from the weights first, which the
		// learner's own context then replaces).
		yours := slices.Clone(ctx.Data)
		tp.Refresh(tr.weights.Node())
		copy(ctx.Data, yours)
		tp.Refresh(tr.ctx.Node())
	}
	return true
}

func dims(v [][]float64) string {
	if len(v) == 0 {
		return "0×0"
	}
	return fmt.Sprintf("%d×%d", len(v), len(v[0]))
}

// mineDecode checks decoding position k (0-based) of the displayed
// example, just revealed: the learner's softmax of its logits and greedy
// pick. It reports whether the run goes on.
func (m *machine) mineDecode(k int) bool {
	sm, _ := m.impl("softmax").(*checks.SoftmaxImpl)
	dec, _ := m.impl("decode").(*checks.DecodeImpl)
	if (sm == nil && dec == nil) || !finiteParams(m.params) {
		return true
	}
	var logits, probs *tensor.Tensor
	m.model.decoded = func(pos int, l, p *tensor.Tensor) {
		if pos == k {
			logits, probs = l, p
		}
	}
	tr := m.model.translate([][]int{m.held[m.show].in}, k+1)[0]
	m.model.decoded = nil
	z := slices.Clone(logits.Data)
	step := m.step // the step whose decoding this is (its update is done)
	if sm != nil {
		mc := trainer.NewMineCompare(m.mined.mine, "softmax", "Softmax",
			fmt.Sprintf("p = softmax(logits) at output %d", k+1), "decoder softmax")
		mc.Total(len(z))
		var got []float64
		if mc.Call(func() { got = sm.Softmax(slices.Clone(z)) }) {
			if len(got) != len(z) {
				mc.Problem(fmt.Sprintf("returned %d values for %d logits: return a new slice as long as z", len(got), len(z)))
			}
			for j := 0; j < len(z) && mc.OK(); j++ {
				mc.Elem(nil, j, fmt.Sprintf("[%d]", j), probs.Data[j], got[j], []any{z}, got)
			}
		}
		if !m.add(step, mc.Check()) {
			return false
		}
	}
	if dec != nil {
		prev := data.StartID
		if k > 0 {
			prev = tr.ids[k-1]
		}
		logp := logSoftmax(z)
		table := make([][]float64, len(z))
		for i := range table {
			table[i] = slices.Clone(logp)
		}
		mc := trainer.NewMineCompare(m.mined.mine, "decode", "Greedy",
			fmt.Sprintf("output %d = argmax p (greedy)", k+1), "greedy pick")
		mc.Total(1)
		var got []int
		if mc.Call(func() { got = dec.Greedy(table, prev, data.EndID, 1) }) {
			if len(got) != 1 {
				mc.Problem(fmt.Sprintf("returned %d tokens with maxLen 1", len(got)))
			} else {
				mc.Elem(nil, 0, "", float64(tr.ids[k]), float64(got[0]), nil, nil)
			}
		}
		if !m.add(step, mc.Check()) {
			return false
		}
	}
	return true
}

// logSoftmax is log softmax(z), computed stably.
func logSoftmax(z []float64) []float64 {
	mx := slices.Max(z)
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - mx)
	}
	out := make([]float64, len(z))
	for i, v := range z {
		out[i] = v - mx - math.Log(s)
	}
	return out
}

// mineStep applies Adam and, in mine mode, compares each parameter's
// update with the learner's; it reports whether the run goes on.
func (m *machine) mineStep() bool {
	if !trainer.MineOptChecks(m.mined.mine, m.opt) {
		m.opt.Step(m.params)
		return true
	}
	before, grads := make([][]float64, len(m.params)), make([][]float64, len(m.params))
	for i, p := range m.params {
		before[i] = slices.Clone(p.Value.Data)
	}
	m.opt.Step(m.params)
	for i, p := range m.params {
		if p.Grad != nil {
			grads[i] = p.Grad.Data
		}
	}
	for _, c := range m.mined.opt.Update(m.mined.mine, m, m.opt, m.params, before, grads) {
		if !m.add(m.step+1, c) {
			return false
		}
	}
	return true
}
