package textgen

import (
	"bytes"
	"errors"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons"
)

// persistVersion is the version of the encoding of a snapshot below.
const persistVersion = 1

// errDiverged is the error of saving a diverged run's snapshot: the
// loop's encoding leaves out the watch's autopsy, which its scenes show,
// so an earlier checkpoint is saved instead.
var errDiverged = errors.New("textgen: a diverged run's snapshot is not saved")

// errMineStopped is the error of saving the snapshot of a run that mine
// mode stopped (its last sample may be cut short, and the loop's encoding
// leaves out the stop).
var errMineStopped = errors.New("textgen: a run stopped by mine mode is not saved")

// EncodeState implements lessons.Persister: the settings, the loop's
// snapshot (weights, Adam's state, batches, losses), then the curve's
// points with their samples and the end-of-epoch evaluations with theirs.
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("textgen: not a snapshot")
	}
	if s.diverged {
		return errDiverged
	}
	if s.stopped {
		return errMineStopped
	}
	e.Int(persistVersion)
	e.Float(s.cfg.lr)
	e.Int(s.cfg.epochs)
	e.Float(s.cfg.temperature)
	e.Int(s.cfg.topK)
	e.Int(s.cfg.pos)
	if err := s.loop.Encode(e); err != nil {
		return err
	}
	e.Len(len(s.curve), s.curve == nil)
	for _, p := range s.curve {
		e.Int(p.Step)
		e.Float(p.Train)
		e.Float(p.Val)
		e.String(p.Sample)
		e.Float(p.Temperature)
		e.Int(p.TopK)
	}
	e.Len(len(s.evals), s.evals == nil)
	for _, ev := range s.evals {
		e.Int(ev.Step)
		e.Float(ev.Val)
		e.String(ev.Text)
		e.Float(ev.WordRate)
		e.Int(ev.Words)
		e.Float(ev.LongRate)
		e.Int(ev.LongWords)
		e.Float(ev.Dead)
	}
	return nil
}

// DecodeState implements lessons.Persister. Everything is checked against
// this machine: its starting learning rate and epochs, the controls'
// ranges, a curve point every CurveEvery steps and an evaluation at every
// epoch's end, samples of the right length drawn from the corpus's
// alphabet after the prompt.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("textgen", persistVersion)
	var s snapshot
	s.cfg.lr = d.Float()
	s.cfg.epochs = d.Int()
	if d.Err() == nil && (s.cfg.lr != m.cfg.lr || s.cfg.epochs != m.cfg.epochs) {
		return nil, d.Fail("learning rate %g and %d epochs at the start, this run's %g and %d", s.cfg.lr, s.cfg.epochs, m.cfg.lr, m.cfg.epochs)
	}
	s.cfg.temperature = temperature(d)
	s.cfg.topK = d.IntIn("top-k", topKMin, topKMax)
	s.cfg.pos = d.IntIn("position", 1, Ctx)
	if d.Err() != nil {
		return nil, d.Err()
	}
	loop, err := m.loop.DecodeSnapshot(d)
	if err != nil {
		return nil, err
	}
	s.loop = loop
	spe := m.loop.StepsPerEpoch()
	steps := spe * m.loop.Epochs
	// A point takes at least 8+8+1+8+1+1 bytes, an evaluation more.
	if n, isNil := d.Len(steps/CurveEvery+1, 27); !isNil {
		s.curve = make([]point, n)
		for i := range s.curve {
			p := &s.curve[i]
			p.Step = d.IntIn("curve step", i*CurveEvery, i*CurveEvery)
			p.Train, p.Val = d.Float(), d.Float()
			p.Sample = sample(d, SampleLen)
			p.Temperature = temperature(d)
			p.TopK = d.IntIn("top-k", topKMin, topKMax)
			// Before training there is no batch loss (NaN).
			train := loss(p.Train)
			if i == 0 {
				train = math.IsNaN(p.Train)
			}
			if d.Err() == nil && (!train || !loss(p.Val)) {
				d.Fail("curve point at step %d: losses %g, %g", p.Step, p.Train, p.Val)
			}
		}
	}
	if n, isNil := d.Len(m.loop.Epochs+1, 27); !isNil {
		s.evals = make([]eval, n)
		for i := range s.evals {
			ev := &s.evals[i]
			ev.Step = d.IntIn("evaluation step", i*spe, i*spe)
			ev.Val = d.Float()
			ev.Text = sample(d, WordSample)
			ev.WordRate = share(d)
			ev.Words = d.IntIn("words", 0, WordSample)
			ev.LongRate = share(d)
			ev.LongWords = d.IntIn("long words", 0, ev.Words)
			ev.Dead = share(d)
			if d.Err() == nil && !loss(ev.Val) {
				d.Fail("evaluation at step %d: loss %g", ev.Step, ev.Val)
			}
		}
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	if len(s.curve) == 0 || len(s.evals) == 0 {
		return nil, d.Fail("%d curve points and %d evaluations", len(s.curve), len(s.evals))
	}
	// The latest evaluation comes before the next curve point.
	if last, at := s.evals[len(s.evals)-1].Step, s.curve[len(s.curve)-1].Step; last >= at+CurveEvery {
		return nil, d.Fail("an evaluation at step %d but the curve ends at step %d", last, at)
	}
	return s, nil
}

// The ranges of the sampler's controls.
var (
	temperatureMin, temperatureMax = controlRange("temperature")
	topKMinF, topKMaxF             = controlRange("topk")
	topKMin, topKMax               = int(topKMinF), int(topKMaxF)
)

func controlRange(name string) (lo, hi float64) {
	c, ok := Lesson().Control(name)
	if !ok {
		panic("textgen: no control " + name)
	}
	return c.Min, c.Max
}

// temperature reads a temperature within its control's range.
func temperature(d *lessons.Decoder) float64 {
	v := d.Float()
	if d.Err() == nil && !(v >= temperatureMin && v <= temperatureMax) {
		d.Fail("temperature %g", v)
	}
	return v
}

// share reads a share in [0, 1].
func share(d *lessons.Decoder) float64 {
	v := d.Float()
	if d.Err() == nil && !(v >= 0 && v <= 1) {
		d.Fail("share %g", v)
	}
	return v
}

// loss reports whether v can be a mean cross-entropy.
func loss(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }

// sample reads a sample of n characters after the prompt, all of them in
// the corpus's alphabet.
func sample(d *lessons.Decoder, n int) string {
	s := d.String(len(Prompt) + n)
	if d.Err() != nil {
		return ""
	}
	if len(s) != len(Prompt)+n || !strings.HasPrefix(s, Prompt) {
		d.Fail("a sample of %d bytes", len(s))
		return ""
	}
	for i := range len(s) {
		if bytes.IndexByte(text.alphabet, s[i]) < 0 {
			d.Fail("a sample with byte %d", s[i])
			return ""
		}
	}
	return s
}
