package speech

import (
	"errors"
	"slices"

	"github.com/dlearn/dlearn/lessons"
)

// persistVersion is the version of the encoding of a snapshot below.
const persistVersion = 1

// EncodeState implements lessons.Persister: the stage of the sound walk,
// the loop's snapshot, the test measurements and the settings. The sound
// taken apart is not written: it is the settings' word and frame, and
// DecodeState computes it again.
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("speech: not a snapshot")
	}
	e.Int(persistVersion)
	e.Int(s.stage)
	if err := s.loop.Encode(e); err != nil {
		return err
	}
	e.Len(len(s.evals), s.evals == nil)
	for _, ev := range s.evals {
		e.Int(ev.Step)
		e.Float(ev.Acc)
		e.Float(ev.Loss)
		e.Ints(ev.preds)
		e.Float(ev.Dead)
	}
	e.Settings(s.set)
	return nil
}

// DecodeState implements lessons.Persister. An evaluation's confusion
// matrix is counted again from its predictions and the test labels, and
// its accuracy must be theirs.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("speech", persistVersion)
	s := snapshot{stage: d.IntIn("stage", stWave, stTrain)}
	if d.Err() != nil {
		return nil, d.Err()
	}
	loop, err := m.loop.DecodeSnapshot(d)
	if err != nil {
		return nil, err
	}
	s.loop = loop
	steps := m.loop.StepsPerEpoch() * m.loop.Epochs
	n, isNil := d.Len(steps+1, 1)
	if !isNil {
		s.evals = make([]evaluation, n)
		for i := range s.evals {
			s.evals[i] = m.decodeEval(d, steps)
		}
	}
	s.set = d.Settings()
	if d.Err() != nil {
		return nil, d.Err()
	}
	if len(s.evals) == 0 {
		return nil, d.Fail("no test measurement")
	}
	if s.stage < stTrain && (len(s.evals) != 1 || s.evals[0].Step != 0) {
		return nil, d.Fail("measurements after training at stage %d of the sound walk", s.stage)
	}
	l := Lesson()
	if len(s.set) != len(l.Controls) {
		return nil, d.Fail("%d settings, want %d", len(s.set), len(l.Controls))
	}
	for _, c := range l.Controls {
		v, ok := s.set[c.Name]
		if !ok {
			return nil, d.Fail("no setting %q", c.Name)
		}
		if p, err := c.Parse(v); err != nil || p != v {
			return nil, d.Fail("setting %s = %q", c.Name, v)
		}
		if c.Restart && v != m.set[c.Name] {
			return nil, d.Fail("%s = %s, this run's %s", c.Name, v, m.set[c.Name])
		}
	}
	word, frame := s.set.Int("word"), s.set.Int("frame")
	if m.snd.word == word && m.snd.t == frame {
		s.snd = m.snd // sounds are never modified
	} else {
		s.snd = takeApart(m.c, word, frame)
	}
	return s, nil
}

// decodeEval reads an evaluation of this machine's test set.
func (m *machine) decodeEval(d *lessons.Decoder, steps int) evaluation {
	test := m.c.test
	nt := test.Len()
	ev := evaluation{Step: d.IntIn("step", 0, steps), Acc: d.Float(), Loss: d.Float()}
	ev.preds = slices.Clip(d.Ints(nt, 0, Classes-1))
	ev.Dead = d.Float()
	if d.Err() != nil {
		return ev
	}
	if len(ev.preds) != nt {
		d.Fail("a measurement of %d words, want %d", len(ev.preds), nt)
		return ev
	}
	if !(ev.Dead >= 0 && ev.Dead <= 1) {
		d.Fail("a share of dead channels of %g", ev.Dead)
		return ev
	}
	right := 0
	for i, p := range ev.preds {
		ev.confusion[test.Labels[i]][p]++
		if p == test.Labels[i] {
			right++
		}
	}
	if acc := float64(right) / float64(nt); ev.Acc != acc {
		d.Fail("accuracy %g of predictions %g right", ev.Acc, acc)
	}
	return ev
}
