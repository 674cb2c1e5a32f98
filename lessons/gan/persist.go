package gan

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// persistVersion is the version of the encoding of a snapshot below: 2
// adds the watch (what the loss-jump rule compares with) and the health
// gauges.
const persistVersion = 2

// EncodeState implements lessons.Persister: the settings in force, the
// loader's place, both networks' weights and Adams, the step's counters
// and values, the real batch of the last D step, the histories and the
// latest evaluation. The shown noise is not written: it is made from the
// sample seed.
func (m *machine) EncodeState(state any, e *lessons.Encoder) error {
	s, ok := state.(snapshot)
	if !ok {
		return errors.New("gan: not a snapshot")
	}
	e.Int(persistVersion)
	c := s.cfg
	e.Float(c.lrD)
	e.Float(c.lrG)
	e.Int(c.dSteps)
	e.String(c.loss)
	e.Int(c.sampleSeed)
	e.Int(c.width)
	e.Int(c.steps)
	epoch, b := s.loader.Pos()
	e.Int(epoch)
	e.Int(b)
	for _, vals := range [][][]float64{s.gVals, s.dVals} {
		e.Len(len(vals), false)
		for _, v := range vals {
			e.Floats(v)
		}
	}
	if err := trainer.EncodeOptimizer(e, s.optG, s.gParams); err != nil {
		return err
	}
	if err := trainer.EncodeOptimizer(e, s.optD, s.dParams); err != nil {
		return err
	}
	e.Int(s.ops)
	e.Int(s.k)
	e.Int(s.step)
	e.Bool(s.byOp)
	if err := encodePlain(e, reflect.ValueOf(s.cur)); err != nil {
		return err
	}
	trainer.EncodeTensor(e, s.realX)
	for _, h := range s.hist.all() {
		e.Floats(*h)
	}
	if err := encodePlain(e, reflect.ValueOf(s.last)); err != nil {
		return err
	}
	e.Bool(s.diverged)
	e.Int(s.divStep)
	if err := trainer.EncodeWatch(e, &s.watch); err != nil {
		return err
	}
	trainer.EncodeHealth(e, &s.health)
	return nil
}

// all returns the histories, in a fixed order.
func (h *history) all() []*[]float64 {
	return []*[]float64{&h.lossD, &h.lossG, &h.dReal, &h.dFake, &h.evalStep, &h.covered, &h.onRing, &h.blockLD}
}

// DecodeState implements lessons.Persister.
func (m *machine) DecodeState(d *lessons.Decoder) (any, error) {
	d.Version("gan", persistVersion)
	var s snapshot
	c := &s.cfg
	c.lrD, c.lrG = d.Float(), d.Float()
	c.dSteps = d.IntIn("D steps", 1, 1000)
	c.loss = d.String(64)
	c.sampleSeed = d.Int()
	c.width, c.steps = d.Int(), d.Int()
	if d.Err() == nil && (c.width != m.cfg.width || c.steps != m.cfg.steps || c.loss != m.cfg.loss) {
		d.Fail("another run's settings")
	}
	l := Lesson()
	for name, v := range map[string]string{"lrd": fmt.Sprint(c.lrD), "lrg": fmt.Sprint(c.lrG), "dsteps": fmt.Sprint(c.dSteps), "samples": fmt.Sprint(c.sampleSeed)} {
		if ct, ok := l.Control(name); !ok {
			return nil, d.Fail("no control %s", name)
		} else if _, err := ct.Parse(v); err != nil && d.Err() == nil {
			d.Fail("%s = %s: %v", name, v, err)
		}
	}
	s.loader = *data.NewLoader(N, Batch, true, m.seed)
	epoch := d.IntIn("epoch", 0, m.cfg.steps*1000)
	b := d.IntIn("batch", 0, s.loader.BatchesPerEpoch()-1)
	if d.Err() != nil {
		return nil, d.Err()
	}
	s.loader.Seek(epoch, b)
	s.gVals = trainer.DecodeValues(d, m.gParams)
	s.dVals = trainer.DecodeValues(d, m.dParams)
	if d.Err() != nil {
		return nil, d.Err()
	}
	var err error
	s.gParams, s.dParams = m.gParams, m.dParams
	if s.optG, err = trainer.DecodeOptimizer(d, m.gParams); err != nil {
		return nil, err
	}
	if s.optD, err = trainer.DecodeOptimizer(d, m.dParams); err != nil {
		return nil, err
	}
	s.ops = d.IntIn("ops", 0, 3*c.dSteps+2)
	s.k = d.IntIn("D steps of the step", 0, 1000)
	s.step = d.IntIn("step", 0, m.cfg.steps)
	s.byOp = d.Bool()
	decodePlain(d, reflect.ValueOf(&s.cur).Elem())
	s.realX = trainer.DecodeTensor(d, Batch*2)
	for _, h := range s.hist.all() {
		*h = d.Floats(4 * (m.cfg.steps + 1))
	}
	decodePlain(d, reflect.ValueOf(&s.last).Elem())
	s.diverged = d.Bool()
	s.divStep = d.IntIn("divergence step", 0, m.cfg.steps+1)
	s.watch = trainer.Watch{Jump: m.watch.Jump}
	trainer.DecodeWatch(d, &s.watch)
	s.health = trainer.DecodeHealth(d)
	if d.Err() != nil {
		return nil, d.Err()
	}
	s.shownZ = shownNoise(c.sampleSeed)
	return s, nil
}

// encodePlain writes a struct of ints, float64s and arrays of them
// (stepVals, evaluation), field by field; any other kind is an error, so
// that a field added later of a kind it cannot write is not skipped.
func encodePlain(e *lessons.Encoder, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Int:
		e.Int(int(v.Int()))
	case reflect.Float64:
		e.Float(v.Float())
	case reflect.Array:
		for i := range v.Len() {
			if err := encodePlain(e, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		e.Int(v.NumField())
		for i := range v.NumField() {
			if err := encodePlain(e, v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("gan: cannot save a %s", v.Type())
	}
	return nil
}

// decodePlain reads what encodePlain wrote into v (settable).
func decodePlain(d *lessons.Decoder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Int:
		v.SetInt(int64(d.Int()))
	case reflect.Float64:
		v.SetFloat(d.Float())
	case reflect.Array:
		for i := range v.Len() {
			decodePlain(d, v.Index(i))
		}
	case reflect.Struct:
		if n := d.Int(); d.Err() == nil && n != v.NumField() {
			d.Fail("%s with %d fields, want %d", v.Type(), n, v.NumField())
			return
		}
		for i := range v.NumField() {
			decodePlain(d, v.Field(i))
		}
	default:
		d.Fail("cannot read a %s", v.Type())
	}
}
