package speech

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// plainEvaluate is a test measurement as the lesson first made it: one
// pass of the unfused ops (layers) per chunk, the chunks one after
// another.
func plainEvaluate(n *net, set *data.Set, step int) evaluation {
	e := evaluation{Step: step, preds: make([]int, set.Len())}
	alive := make([]bool, 3*n.f)
	right := 0
	for lo := 0; lo < set.Len(); lo += evalChunk {
		hi := min(lo+evalChunk, set.Len())
		rows := make([]int, hi-lo)
		for i := range rows {
			rows[i] = lo + i
		}
		x, labels := set.Batch(rows)
		tp := autograd.NoGradTape()
		ls := n.layers(tp, autograd.Const("x", x), n.frozen())
		e.Loss += tp.SoftmaxCrossEntropy(ls[8], labels).Item() * float64(hi-lo)
		_, arg := tensor.MaxAxis(ls[8].Value, 1, false)
		for i, p := range arg {
			e.preds[lo+i] = p
			e.confusion[labels[i]][p]++
			if p == labels[i] {
				right++
			}
		}
		markAlive(alive[:n.f], ls[1].Value)
		markAlive(alive[n.f:], ls[4].Value)
	}
	e.Acc = float64(right) / float64(set.Len())
	e.Loss /= float64(set.Len())
	dead := 0
	for _, a := range alive {
		if !a {
			dead++
		}
	}
	e.Dead = float64(dead) / float64(len(alive))
	return e
}

// A measurement in passes of evalPass with the fused convolutions on a
// pooled recycling tape gives the same bits as single unfused passes per
// chunk on fresh tapes: untrained, trained, at a rate that kills units,
// and with other filter counts.
func TestMeasurementSameBitsAsUnfusedPasses(t *testing.T) {
	cases := []struct {
		set   lessons.Settings
		steps int
	}{
		{nil, 0},
		{nil, 25},
		{lessons.Settings{"lr": "1"}, 10},
		{lessons.Settings{"filters": "2"}, 6},
	}
	for _, c := range cases {
		r := start(t, lessons.DefaultSeed, c.set)
		for mach(r).loop.Step < c.steps && !r.Done() {
			r.Advance(lessons.Step) // the sound walk's stages, then training steps
		}
		m := mach(r)
		want := plainEvaluate(m.net, m.c.test, 3)
		got := m.net.clone().evaluate(m.c.test, 3)
		if math.Float64bits(got.Loss) != math.Float64bits(want.Loss) || got.Acc != want.Acc || got.Dead != want.Dead ||
			got.confusion != want.confusion || !slices.Equal(got.preds, want.preds) || got.Step != want.Step {
			t.Fatalf("%v after %d steps: loss %v acc %v dead %v, want %v %v %v", c.set, c.steps, got.Loss, got.Acc, got.Dead, want.Loss, want.Acc, want.Dead)
		}
	}
}
