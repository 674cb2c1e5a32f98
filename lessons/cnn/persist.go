package cnn

import (
	"errors"
	"slices"

	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// persistVersion is the version of the encoding of a snapshot below.
const persistVersion = 1

// EncodeState implements lessons.Persister: the loop's snapshot, then the
// test measurements (finished, and the one in progress with its frozen
// weights), the test digit, the live share of a2 and the settings.
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("cnn: not a snapshot")
	}
	e.Int(persistVersion)
	e.String(s.source)
	if err := s.loop.Encode(e); err != nil {
		return err
	}
	e.Len(len(s.evals), s.evals == nil)
	for _, ev := range s.evals {
		encodeEval(e, ev)
	}
	e.Bool(s.pending != nil)
	if s.pending != nil {
		trainer.EncodeValues(e, s.pending.net.params())
		encodeEval(e, s.pending.e)
	}
	e.Int(s.inspect)
	e.Float(s.alive)
	e.Settings(s.set)
	return nil
}

func encodeEval(e *lessons.Encoder, ev evaluation) {
	e.Int(ev.Step)
	e.Float(ev.Acc)
	e.Float(ev.Loss)
	e.Ints(ev.preds)
	e.Int(ev.done)
	e.Int(ev.correct)
	e.Bools(ev.alive)
	e.Int(ev.Dead1)
	e.Int(ev.Dead2)
	e.Float(ev.Dead)
}

// DecodeState implements lessons.Persister.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("cnn", persistVersion)
	if src := d.String(64); d.Err() == nil && src != m.train.Source {
		return nil, d.Fail("digits from %q, this run's from %q", src, m.train.Source)
	}
	loop, err := m.loop.DecodeSnapshot(d)
	if err != nil {
		return nil, err
	}
	s := snapshot{loop: loop, source: m.train.Source}
	steps := m.loop.StepsPerEpoch() * m.loop.Epochs
	n, isNil := d.Len(steps+2, 1)
	if !isNil {
		s.evals = make([]evaluation, n)
		for i := range s.evals {
			s.evals[i] = m.decodeEval(d, steps)
		}
	}
	if d.Bool() {
		p := m.net.newEvaluation(m.test, 0)
		for i, v := range trainer.DecodeValues(d, p.net.params()) {
			if d.Err() == nil {
				copy(p.net.params()[i].Value.Data, v)
			}
		}
		p.e = m.decodeEval(d, steps)
		s.pending = p
	}
	s.inspect = d.IntIn("digit", 0, m.test.Len()-1)
	s.alive = d.Float()
	s.set = d.Settings()
	if d.Err() != nil {
		return nil, d.Err()
	}
	for name, v := range s.set {
		c, ok := Lesson().Control(name)
		if !ok {
			return nil, d.Fail("no control %q", name)
		}
		if _, err := c.Parse(v); err != nil {
			return nil, d.Fail("%v", err)
		}
	}
	if len(s.evals) == 0 {
		return nil, d.Fail("no test measurement")
	}
	return s, nil
}

// decodeEval reads an evaluation of this machine's test set.
func (m *machine) decodeEval(d *lessons.Decoder, steps int) evaluation {
	nt := m.test.Len()
	ev := evaluation{Step: d.IntIn("step", 0, steps), Acc: d.Float(), Loss: d.Float()}
	ev.preds = d.Ints(nt, 0, Classes-1)
	ev.done = d.IntIn("measured", 0, nt)
	ev.correct = d.IntIn("correct", 0, ev.done)
	ev.alive = d.Bools(3 * m.net.f)
	ev.Dead1, ev.Dead2 = d.IntIn("dead", 0, m.net.f), d.IntIn("dead", 0, 2*m.net.f)
	ev.Dead = d.Float()
	if d.Err() == nil && (len(ev.preds) != nt || len(ev.alive) != 3*m.net.f) {
		d.Fail("a measurement of %d digits and %d channels", len(ev.preds), len(ev.alive))
	}
	ev.preds, ev.alive = slices.Clip(ev.preds), slices.Clip(ev.alive)
	return ev
}
