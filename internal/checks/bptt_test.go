package checks

import (
	"math"
	"strings"
	"testing"
)

// The bptt check's reference against central differences of its own
// forward pass (the loss L = Σ_t dhs[t]·hs[t]), against the one-step rnn
// reference chained by hand, and the lesson's vanishing gradient.
func TestBPTTReference(t *testing.T) {
	for _, q := range []bpttSeq{bpttHand, bpttLastLoss, randomBPTT(newRand(98), 6, 3, 4, "")} {
		q = q.clone()
		g := q.backward(bpttVariant{})
		loss := func() float64 {
			hs, _ := q.forward(bpttVariant{})
			s := 0.0
			for t := range hs {
				for j := range hs[t] {
					s += q.dhs[t][j] * hs[t][j]
				}
			}
			return s
		}
		check := func(what string, got, want []float64) {
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-7 {
					t.Errorf("%s[%d] = %v, finite differences %v", what, i, got[i], want[i])
				}
			}
		}
		check("db", g.db, centralDiff(loss, q.b))
		check("dh0", g.dh0, centralDiff(loss, q.h0))
		for i := range q.Wx {
			check("dWx", g.dWx[i], centralDiff(loss, q.Wx[i]))
		}
		for i := range q.Wh {
			check("dWh", g.dWh[i], centralDiff(loss, q.Wh[i]))
		}
		// The last step's norm is that of its own gradient.
		if T := len(q.xs); math.Abs(g.norms[T-1]-bpttNorm(q.dhs[T-1])) > 1e-15 {
			t.Errorf("norms[T−1] = %v, want ‖dhs[T−1]‖ = %v", g.norms[T-1], bpttNorm(q.dhs[T-1]))
		}
	}
	// One step: the same as the rnn exercise's StepBackward.
	q := bpttSeq{xs: [][]float64{rnnHand.x}, h0: rnnHand.h, Wx: rnnHand.Wx, Wh: rnnHand.Wh, b: rnnHand.b,
		dhs: [][]float64{rnnHand.dhNext}}
	g := q.backward(bpttVariant{})
	da := []float64{1 - math.Pow(math.Tanh(1), 2), 2}
	for j := range da {
		near(t, "one-step db", g.db[j], da[j], 1e-15)
	}
	// The lesson's picture: a loss on the last step only fades going back.
	n := bpttLastLoss.backward(bpttVariant{}).norms
	if !(n[0] < n[len(n)-1]) {
		t.Errorf("last-step loss: norms %v do not shrink going back", n)
	}

	// Every known mistake is wrong on the hand sequences.
	for _, m := range bpttForwardMistakes {
		a, _ := bpttHand.forward(m.v)
		b, _ := bpttHand.forward(bpttVariant{})
		if sameVec(convFlat(a), convFlat(b)) {
			t.Errorf("Forward mistake %q gives the right answers", m.hint)
		}
	}
	for i, m := range bpttHand.backMistakes() {
		wrong := false
		right := bpttHand.backward(bpttVariant{})
		for _, part := range bpttParts {
			wrong = wrong || !sameVec(m.g.flat(part), right.flat(part))
		}
		if !wrong {
			t.Errorf("Backward mistake %d (%q) gives the right answers", i, m.hint)
		}
	}
}

func TestBPTTCheckPassesTheReference(t *testing.T) {
	impl := BPTTImpl{
		Forward: func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64) [][]float64 {
			hs, _ := bpttSeq{xs: xs, h0: h0, Wx: Wx, Wh: Wh, b: b}.forward(bpttVariant{})
			return hs
		},
		Backward: func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
			g := bpttSeq{xs: xs, h0: h0, Wx: Wx, Wh: Wh, b: b, dhs: dhs}.backward(bpttVariant{})
			return g.dWx, g.dWh, g.db, g.dh0, g.norms
		},
	}
	if p := CheckBPTT(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Backward = func(xs [][]float64, h0 []float64, Wx, Wh [][]float64, b []float64, dhs [][]float64) ([][]float64, [][]float64, []float64, []float64, []float64) {
		panic("TODO: implement bptt.Backward")
	}
	p := CheckBPTT(impl)
	if len(p) != 8 || p[0].Kind != NotImplemented || !strings.HasPrefix(p[0].Message, NotImplementedPrefix+"bptt.Backward") {
		t.Fatalf("stub Backward: %d problems\n%s", len(p), Summary(p))
	}
}
