package textgen

import (
	"math"
	"reflect"
	"testing"

	"github.com/dlearn/dlearn/lessons"
)

// A measurer (a copy of the model with fused ops, run beside training)
// measures the same bits as the machine's own unfused model, for the
// curve's points and the epochs' evaluations (loss and sample side by
// side): trained for a while, and untrained with another sampler.
func TestMeasurerSameBitsAsTheModel(t *testing.T) {
	cases := []struct {
		set   lessons.Settings
		steps int
	}{
		{nil, 60},
		{lessons.Settings{"temperature": "0.5", "topk": "5"}, 0},
	}
	for _, c := range cases {
		r, err := lessons.Start(Lesson(), lessons.DefaultSeed, c.set)
		if err != nil {
			t.Fatal(err)
		}
		for range c.steps {
			r.Advance(lessons.Step)
		}
		m := lessons.MachineOf(r).(*machine)
		want, got := m.measure(c.steps, 1.5), m.measurer().measure(c.steps, 1.5)
		if math.Float64bits(got.Val) != math.Float64bits(want.Val) || got != want {
			t.Fatalf("%v after %d steps: point %+v, want %+v", c.set, c.steps, got, want)
		}
		we, ge := m.evaluate(), m.evaluateFast()
		if math.Float64bits(ge.Val) != math.Float64bits(we.Val) || !reflect.DeepEqual(ge, we) {
			t.Fatalf("%v after %d steps: evaluation %+v, want %+v", c.set, c.steps, ge, we)
		}
	}
}
