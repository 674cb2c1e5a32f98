package explain

import (
	"math"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// plainPasses is the network's scores, channel means and class-3
// gradients of the images of x as the lesson first computed them: chunk
// after chunk, each on a fresh tape.
func plainPasses(n *net, x *tensor.Tensor) (scores, means, score3, grad3 []float64) {
	rows, k := x.Shape[0], 2*n.f
	w := n.frozen()
	for lo := 0; lo < rows; lo += chunk {
		hi := min(lo+chunk, rows)
		part := tensor.FromValues(slices.Clone(x.Data[lo*Pixels:hi*Pixels]), hi-lo, 1, Side, Side)
		p := n.forward(autograd.NoGradTape(), autograd.Const("x", part), w)
		scores = append(scores, p.s.Value.Data...)
		h := p.h2.Value.Data
		for i := range hi - lo {
			for ch := range k {
				s := 0.0
				for _, v := range h[(i*k+ch)*196 : (i*k+ch+1)*196] {
					s += v
				}
				means = append(means, s/196)
			}
		}
		tp := autograd.NewTape()
		xv := autograd.NewParam("x", part)
		sc := tp.Slice(n.forward(tp, xv, w).s, 1, 3, 4)
		score3 = append(score3, sc.Value.Data...)
		tp.Backward(tp.Sum(sc))
		grad3 = append(grad3, xv.Grad.Data...)
	}
	return scores, means, score3, grad3
}

func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// The passes on a pooled recycling tape give the same bits as on fresh
// tapes: scores, channel means (alone and with the scores, from one pass)
// and input gradients, for both activations, untrained and trained, on
// more images than one chunk.
func TestPassesSameBitsAsOnFreshTapes(t *testing.T) {
	for _, act := range []string{Smooth, Kinked} {
		for _, steps := range []int{0, 20} {
			r, err := lessons.Start(Lesson(), lessons.DefaultSeed, lessons.Settings{"act": act})
			if err != nil {
				t.Fatal(err)
			}
			for range steps {
				r.Advance(lessons.Step)
			}
			m := lessons.MachineOf(r).(*machine)
			x := tensor.FromValues(m.test.X.Data[:200*Pixels], 200, 1, Side, Side)
			ws, wm, w3, wg := plainPasses(m.net, x)
			s, means := m.net.scoresAndMeans(x, true)
			s3, g3 := m.net.gradients(x, 3)
			if !sameBits(s, ws) || !sameBits(m.net.scores(x), ws) || !sameBits(means, wm) ||
				!sameBits(m.net.channelMeans(x), wm) || !sameBits(s3, w3) || !sameBits(g3, wg) {
				t.Fatalf("%s after %d steps: the passes differ from one after another", act, steps)
			}
		}
	}
}
