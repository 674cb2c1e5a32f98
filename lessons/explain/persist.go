package explain

import (
	"errors"
	"strconv"

	"github.com/dlearn/dlearn/lessons"
)

// persistVersion is the version of the encoding of a snapshot below.
const persistVersion = 1

// EncodeState implements lessons.Persister: the loop's snapshot, the
// settings, the stage and what training measured. The report is not
// written: it is a function of the trained weights, the settings, the
// stage and the seed, so Restore makes it again (see snapshot.remade).
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("explain: not a snapshot")
	}
	e.Int(persistVersion)
	e.String(s.source)
	if err := s.loop.Encode(e); err != nil {
		return err
	}
	e.Int(s.set.digit)
	e.Int(s.set.steps)
	e.Int(s.set.patch)
	e.Int(s.set.channel)
	e.String(s.set.rule)
	e.String(s.set.method)
	e.String(s.set.target)
	e.Int(s.stage)
	e.Float(s.acc)
	e.Floats(s.chanMeans)
	return nil
}

// DecodeState implements lessons.Persister.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("explain", persistVersion)
	if src := d.String(64); d.Err() == nil && src != m.train.Source {
		return nil, d.Fail("digits from %q, this run's from %q", src, m.train.Source)
	}
	loop, err := m.loop.DecodeSnapshot(d)
	if err != nil {
		return nil, err
	}
	s := snapshot{loop: loop, source: m.train.Source, remade: &remade{}}
	s.set.digit, s.set.steps, s.set.patch, s.set.channel = d.Int(), d.Int(), d.Int(), d.Int()
	s.set.rule, s.set.method, s.set.target = d.String(64), d.String(64), d.String(64)
	s.stage = d.IntIn("stage", stTrain, stCompare)
	s.acc = d.Float()
	s.chanMeans = d.Floats(len(m.test.Labels) * 2 * m.net.f)
	if d.Err() != nil {
		return nil, d.Err()
	}
	// The settings must be values the controls accept: the report is
	// made from them.
	l := Lesson()
	for name, v := range map[string]string{
		"digit": strconv.Itoa(s.set.digit), "steps": strconv.Itoa(s.set.steps), "patch": strconv.Itoa(s.set.patch),
		"channel": strconv.Itoa(s.set.channel), "rule": s.set.rule, "method": s.set.method, "target": s.set.target,
	} {
		c, _ := l.Control(name)
		if got, err := c.Parse(v); err != nil || got != v {
			return nil, d.Fail("%s = %q", name, v)
		}
	}
	if s.stage > stTrain && len(s.chanMeans) != len(m.test.Labels)*2*m.net.f {
		return nil, d.Fail("%d channel means", len(s.chanMeans))
	}
	return s, nil
}

// remade holds the report Restore made for a decoded snapshot, so that
// restoring it again (stepping back) does not make it again.
type remade struct{ rep *report }
