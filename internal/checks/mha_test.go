package checks

import (
	"strings"
	"testing"
)

// The mha reference against the forward pass computed independently (in
// plain Python, loops and math.exp), and its backward pass against finite
// differences of the reference forward pass.
func TestMHAReference(t *testing.T) {
	in := mhaHand
	sameMatTol(t, "Y", mhaForwardRef(mhaVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, 2, false).Y,
		[][]float64{{1.272987496204761, 1.555541257518994, 2.9386807380038276, -1.6656932417990666},
			{1.5435080704025546, 3.153906192997173, -0.5755437493227396, 2.119051819725294},
			{1.9943548942487177, 3.7111537778776125, -0.3586453355341567, 2.3530002297828743}}, 1e-14)
	sameMatTol(t, "causal Y", mhaForwardRef(mhaVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, 2, true).Y,
		[][]float64{{4, 4, 3, 1}, {1.3727550021091304, 4, -1.8584104072867713, 3.2311654093959015},
			{1.9943548942487177, 3.7111537778776125, -0.3586453355341567, 2.3530002297828743}}, 1e-14)

	for _, in := range []mhaInput{randomMHA(newRand(3), 4, 6, 3, true), randomMHA(newRand(4), 3, 4, 2, false)} {
		g := mhaBackwardRef(mhaBackVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, in.causal)
		ms := map[string][][]float64{"dX": in.X, "dWq": in.Wq, "dWk": in.Wk, "dWv": in.Wv, "dWo": in.Wo}
		loss := func() float64 {
			Y := mhaForwardRef(mhaVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, in.causal).Y
			s := 0.0
			for i := range Y {
				for j := range Y[i] {
					s += in.dY[i][j] * Y[i][j]
				}
			}
			return s
		}
		for _, p := range mhaParts {
			var fd [][]float64
			for _, row := range ms[p] {
				fd = append(fd, centralDiff(loss, row))
			}
			sameMatTol(t, p, g.part(p), fd, 1e-8)
		}
	}

	// Every known mistake changes the answer of the cases it is meant for.
	in = randomMHA(newRand(5), 4, 6, 3, true)
	right := convFlat(mhaForwardRef(mhaVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, true).Y)
	for _, m := range mhaForwardMistakes {
		if sameVec(convFlat(mhaForwardRef(m.v, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.h, true).Y), right) {
			t.Errorf("forward mistake %q gives the right answer", m.hint)
		}
	}
	g := mhaBackwardRef(mhaBackVariant{}, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, true)
	for _, m := range mhaBackMistakes {
		w, same := mhaBackwardRef(m.b, in.X, in.Wq, in.Wk, in.Wv, in.Wo, in.dY, in.h, true), true
		for _, p := range mhaParts {
			same = same && sameVec(convFlat(w.part(p)), convFlat(g.part(p)))
		}
		if same {
			t.Errorf("backward mistake %q gives the right gradients", m.hint)
		}
	}
}

func sameMatTol(t *testing.T, what string, got, want [][]float64, tol float64) {
	t.Helper()
	if msg := shapeMismatch(got, want); msg != "" {
		t.Fatalf("%s %s", what, msg)
	}
	for i := range want {
		for j := range want[i] {
			near(t, what, got[i][j], want[i][j], tol)
		}
	}
}

func TestMHACheckPassesTheReference(t *testing.T) {
	fwd := func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
		return mhaForwardRef(mhaVariant{}, X, Wq, Wk, Wv, Wo, h, causal).Y
	}
	back := func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
		g := mhaBackwardRef(mhaBackVariant{}, X, Wq, Wk, Wv, Wo, dY, h, causal)
		return g.dX, g.dWq, g.dWk, g.dWv, g.dWo
	}
	impl := MHAImpl{Forward: fwd, Backward: back}
	if p := CheckMHA(impl); len(p) != 0 {
		t.Fatalf("the reference fails its own check:\n%s", Summary(p))
	}
	impl.Forward = func(X, Wq, Wk, Wv, Wo [][]float64, h int, causal bool) [][]float64 {
		panic("TODO: implement mha.Forward")
	}
	impl.Backward = func(X, Wq, Wk, Wv, Wo, dY [][]float64, h int, causal bool) (dX, dWq, dWk, dWv, dWo [][]float64) {
		panic("TODO: implement mha.Backward")
	}
	p := CheckMHA(impl)
	if len(p) != len(mhaCases(MHAImpl{})) {
		t.Fatalf("stubs: %d problems\n%s", len(p), Summary(p))
	}
	for _, q := range p {
		if q.Kind != NotImplemented || !strings.HasPrefix(q.Message, NotImplementedPrefix+"mha.") {
			t.Errorf("[%s] %s %q", q.Check, q.Kind, q.Message)
		}
	}
}
