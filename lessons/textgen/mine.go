package textgen

import (
	"fmt"
	"slices"
	"sync"

	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Mine mode, beside the loop's checks of the causal mask (trainer's
// adapters), checks the sampler with the learner's sample exercise. Every
// character of the lesson's samples — the curve's every CurveEvery steps,
// the evaluation's after every epoch, and those of the untrained model —
// is drawn from the model's real next-character logits with the
// temperature and top-k of the controls and the lesson's own uniform
// number u; for each draw,
//
//   - Probs(logits, temperature, topK) is compared, element by element,
//     with the distribution the lesson draws from (Distribution: the
//     exercise's convention, ties to the lower index, greedy at τ ≤ 0);
//   - Sample(logits, temperature, topK, u) is compared with the lesson's
//     index (Sample), and where they agree the sample goes on with the
//     learner's character.
//
// One check of each function covers a whole sample (its Checked counts
// the values compared); at the first disagreement the sample ends there
// and the run stops. The what-if sample of the lesson's question (another
// temperature, a look-ahead) is not checked. Out of mine mode (or without
// the exercise) nothing changes.
func init() {
	trainer.RegisterMineOp("textgen", "sample probs", "sample", "Probs")
	trainer.RegisterMineOp("textgen", "sample draw", "sample", "Sample")
}

// mineState is the machine's side of mine mode: the checks of the
// untrained model's samples, made when mine mode starts (nil: none).
type mineState struct {
	start *lessons.MineReport
}

// Mined implements lessons.Miner: mine mode checks the ops the learner
// implemented in this lesson's exercises (trainer.MineOps) and the
// sampler.
func (m *machine) Mined() lessons.MineChecker { return m }

// SetMine implements lessons.MineChecker: the loop's checks, and on a
// machine that has not started training the untrained model's samples
// are drawn again with the learner's sampler.
func (m *machine) SetMine(mine *lessons.Mine) {
	m.loop.SetMine(mine)
	m.mined.start = nil
	if m.sampleImpl() == nil || m.loop.Step > 0 || m.loop.InStep() {
		return
	}
	key := mineStartKey{startKey{m.seed, m.cfg.temperature, m.cfg.topK}, mine}
	if s, ok := mineStarts.Load(key); ok {
		st := s.(mineStart)
		m.curve, m.evals, m.mined.start = []point{st.p}, []eval{st.e}, st.rep
		m.loop.MineStopped = st.rep.Stopped()
		return
	}
	rep := &lessons.MineReport{Step: 0, First: -1} // before training
	p, e := m.curve[0], m.evals[0]
	var ok bool
	p.Sample, ok = m.generateMine(rep, "the untrained model's sample", Prompt, SampleLen, m.sampleRNG(0, 1))
	if ok {
		e.Text, _ = m.generateMine(rep, "the untrained model's long sample", Prompt, WordSample, m.sampleRNG(0, 2))
	} else {
		e.Text = Prompt
	}
	e.WordRate, e.Words = WordRate(e.Text[len(Prompt):], text.vocab)
	e.LongRate, e.LongWords = WordRateMin(e.Text[len(Prompt):], text.vocab, 4)
	m.curve, m.evals, m.mined.start = []point{p}, []eval{e}, rep
	m.loop.MineStopped = rep.Stopped()
	mineStarts.Store(key, mineStart{p, e, rep})
}

// mineStarts caches the untrained model's samples drawn by a learner's
// sampler, as starts does the engine's (the learner's code is the same
// for one Mine).
var mineStarts sync.Map // mineStartKey → mineStart

type mineStartKey struct {
	startKey
	mine *lessons.Mine
}

type mineStart struct {
	p   point
	e   eval
	rep *lessons.MineReport
}

// MineReport implements lessons.MineChecker: before training, the
// checks of the untrained model's samples (a report of step 0); during
// the first step, they come first in its report.
func (m *machine) MineReport() *lessons.MineReport {
	return lessons.WithStart(m.mined.start, m.loop.MineReport())
}

// sampleImpl is the learner's sample exercise, or nil.
func (m *machine) sampleImpl() *checks.SampleImpl {
	if m.loop.Mine == nil {
		return nil
	}
	im, _ := m.loop.Mine.Impls["sample"].(*checks.SampleImpl)
	return im
}

// sampleOf is generate for one of the run's own samples (called what):
// in mine mode, drawn by the learner's sampler into the step's report;
// at a disagreement the sample ends there and the run stops.
func (m *machine) sampleOf(what string, n int, u func() float64) string {
	rep := m.loop.MineReport()
	if m.sampleImpl() == nil || rep == nil || m.loop.MineStopped {
		return m.generate(Prompt, n, u)
	}
	s, ok := m.generateMine(rep, what, Prompt, n, u)
	if !ok {
		// In the update (the curve's sample) the step stands there.
		m.loop.MineStopped, m.loop.Cur.Halted = true, m.loop.InStep()
	}
	return s
}

// generateMine is generate with every character drawn by the learner's
// sampler and checked against the lesson's, the checks added to rep; ok
// is false at a disagreement (the text stops before that character).
func (m *machine) generateMine(rep *lessons.MineReport, what, prompt string, n int, u func() float64) (string, bool) {
	impl, mine := m.sampleImpl(), m.loop.Mine
	temp, k := m.cfg.temperature, m.cfg.topK
	v := len(text.alphabet)
	probs := trainer.NewMineCompare(mine, "sample", "Probs", fmt.Sprintf("%s: p = Probs(logits, %g, %d)", what, temp, k), "sample probs")
	draw := trainer.NewMineCompare(mine, "sample", "Sample", fmt.Sprintf("%s: next = Sample(logits, %g, %d, u)", what, temp, k), "sample draw")
	probs.Total(n * v)
	draw.Total(n)
	drawn := tensor.New(n)
	ids := text.encode(prompt)
	ok := true
	for i := 0; i < n && ok; i++ {
		logits := m.nextLogits(ids[max(0, len(ids)-Ctx):])
		ui := u()
		want := Distribution(logits, temp, k)
		var got []float64
		if ok = probs.Call(func() { got = impl.Probs(slices.Clone(logits), temp, k) }); !ok {
			break
		}
		if len(got) != v {
			probs.Problem(fmt.Sprintf("returned %d probabilities for %d logits", len(got), v))
			ok = false
			break
		}
		for j := 0; j < v && ok; j++ {
			ok = probs.Elem(nil, 0, fmt.Sprintf("char %d [%d]", i+1, j), want[j], got[j], nil, nil)
		}
		if !ok {
			break
		}
		idx := Sample(logits, temp, k, ui)
		var yours int
		if ok = draw.Call(func() { yours = impl.Sample(slices.Clone(logits), temp, k, ui) }); !ok {
			break
		}
		if ok = draw.Elem(drawn, i, fmt.Sprintf("char %d (u=%.4g)", i+1, ui), float64(idx), float64(yours), nil, nil); ok {
			// They agree: the learner's index, the same number.
			ids = append(ids, yours)
		}
	}
	if !trainer.MineAdd(rep, probs.Check()) {
		return text.decode(ids), false
	}
	return text.decode(ids), trainer.MineAdd(rep, draw.Check())
}
