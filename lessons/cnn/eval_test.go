package cnn

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
// pass of the unfused ops (layers) per chunk of evalChunk test images.
func plainEvaluate(n *net, set *data.Images) evaluation {
	e := evaluation{preds: make([]int, set.Len()), alive: make([]bool, 3*n.f)}
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
		for i, c := range arg {
			e.preds[lo+i] = c
			if c == labels[i] {
				e.correct++
			}
		}
		markAlive(e.alive[:n.f], ls[1].Value)
		markAlive(e.alive[n.f:], ls[4].Value)
	}
	e.Acc = float64(e.correct) / float64(set.Len())
	e.Loss /= float64(set.Len())
	return e
}

// A measurement in passes of evalPass images with the fused convolutions,
// whether chunk by chunk in the foreground or beside training, gives the
// same bits as one unfused pass per chunk: untrained, trained a little,
// with dead channels (a large rate), and with other filter counts.
func TestMeasurementSameBitsAsUnfusedPasses(t *testing.T) {
	cases := []struct {
		set   lessons.Settings
		steps int
	}{
		{nil, 0},
		{nil, 30},
		{lessons.Settings{"lr": "1", "optimizer": "sgd"}, 12},
		{lessons.Settings{"filters": "2"}, 7},
		{lessons.Settings{"filters": "4", "batch": "8"}, 40},
	}
	for _, c := range cases {
		r := start(t, c.set)
		for range c.steps {
			r.Advance(lessons.Step)
		}
		m := mach(r)
		want := plainEvaluate(m.net, m.test)
		got := m.net.evaluate(m.test, 0)
		// Chunk by chunk beside this goroutine, as during training.
		p := m.net.newEvaluation(m.test, 0)
		for !p.finished() {
			p.start()
		}
		async := p.result()
		for _, e := range []evaluation{got, async} {
			if math.Float64bits(e.Loss) != math.Float64bits(want.Loss) || e.Acc != want.Acc ||
				!slices.Equal(e.preds, want.preds) || !slices.Equal(e.alive, want.alive) {
				t.Fatalf("%v after %d steps: loss %v acc %v alive %v, want %v %v %v",
					c.set, c.steps, e.Loss, e.Acc, e.alive, want.Loss, want.Acc, want.alive)
			}
		}
	}
}
