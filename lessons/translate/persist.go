package translate

import (
	"errors"

	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// persistVersion is the version of the encoding of a snapshot below.
const persistVersion = 1

// EncodeState implements lessons.Persister: the progress of the run, the
// weights, Adam's state and the example shown.
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("translate: not a snapshot")
	}
	e.Int(persistVersion)
	p := &s.progress
	e.Int(int(p.stage))
	e.Int(p.revealed)
	e.Int(p.step)
	e.Int(p.epoch)
	e.Len(len(p.batches), p.batches == nil)
	for _, b := range p.batches {
		e.Ints(b)
	}
	e.Int(p.next)
	e.Floats(p.losses)
	e.Len(len(p.evals), p.evals == nil)
	for _, ev := range p.evals {
		e.Int(ev.step)
		for _, v := range []float64{ev.loss, ev.exact, ev.chars, ev.short, ev.long, ev.saturated} {
			e.Float(v)
		}
		for _, v := range ev.perPos {
			e.Float(v)
		}
	}
	e.Bool(p.diverged)
	e.Int(p.divStep)
	e.Float(p.maxRatio)
	e.Int(p.maxRatioStep)
	e.Len(len(s.values), false)
	for _, v := range s.values {
		e.Floats(v)
	}
	if err := trainer.EncodeOptimizer(e, s.opt, s.params); err != nil {
		return err
	}
	e.Int(s.show)
	return nil
}

// DecodeState implements lessons.Persister.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("translate", persistVersion)
	perEpoch := (NTrain + Batch - 1) / Batch
	steps := perEpoch * m.cfg.epochs
	var p progress
	p.stage = stage(d.IntIn("stage", int(ready), int(decoding)))
	if p.stage != ready && p.stage != decoding {
		d.Fail("a snapshot inside a step")
	}
	p.revealed = d.IntIn("revealed", 0, outLen)
	p.step = d.IntIn("step", 0, steps)
	p.epoch = d.IntIn("epoch", 0, m.cfg.epochs)
	if n, isNil := d.Len(perEpoch, 1); !isNil {
		p.batches = make([][]int, n)
		for i := range p.batches {
			p.batches[i] = d.Ints(Batch, 0, NTrain-1)
		}
	}
	p.next = d.IntIn("next batch", 0, len(p.batches))
	p.losses = d.Floats(p.step)
	if d.Err() == nil && len(p.losses) != p.step {
		d.Fail("%d losses for %d steps", len(p.losses), p.step)
	}
	if n, isNil := d.Len(p.step/EvalEvery+3, 8); !isNil {
		p.evals = make([]eval, n)
		for i := range p.evals {
			ev := &p.evals[i]
			ev.step = d.IntIn("evaluation step", 0, p.step)
			for _, v := range []*float64{&ev.loss, &ev.exact, &ev.chars, &ev.short, &ev.long, &ev.saturated} {
				*v = d.Float()
			}
			for k := range ev.perPos {
				ev.perPos[k] = d.Float()
			}
		}
	}
	if d.Err() == nil && len(p.evals) == 0 {
		d.Fail("no evaluation")
	}
	p.diverged = d.Bool()
	p.divStep = d.IntIn("divergence step", 0, p.step+1)
	p.maxRatio = d.Float()
	p.maxRatioStep = d.IntIn("step of the largest update", 0, p.step)
	values := trainer.DecodeValues(d, m.params)
	if d.Err() != nil {
		return nil, d.Err()
	}
	opt, err := trainer.DecodeOptimizer(d, m.params)
	if err != nil {
		return nil, err
	}
	adam, ok := opt.(*optim.Adam)
	if !ok {
		return nil, d.Fail("optimizer %s, want adam", opt.Name())
	}
	show := d.IntIn("example", 0, NHeld-1)
	if d.Err() != nil {
		return nil, d.Err()
	}
	return snapshot{progress: p, values: values, opt: adam, show: show, params: m.params}, nil
}
