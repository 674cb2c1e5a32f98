package skipgram

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement skipgram."

// opts are the places where negative sampling commonly goes wrong.
type opts struct {
	// loss
	naive, negSign, noNeg, meanNeg bool
	// grads
	dvcNoNeg, posSign, negAsPos, negOneMinus bool
}

// wrong returns the solution with the mistakes set by f.
func wrong(f func(*opts)) checks.SkipGramImpl {
	var o opts
	f(&o)
	loss := func(vc, uo []float64, uNeg [][]float64) float64 {
		ls := logSigmoid
		if o.naive {
			ls = func(s float64) float64 { return math.Log(sigmoid(s)) }
		}
		L := -ls(dot(uo, vc))
		neg := 0.0
		for _, u := range uNeg {
			s := -dot(u, vc)
			if o.negSign {
				s = -s
			}
			neg -= ls(s)
		}
		switch {
		case o.noNeg:
			neg = 0
		case o.meanNeg:
			neg /= float64(len(uNeg))
		}
		return L + neg
	}
	grads := func(vc, uo []float64, uNeg [][]float64) ([]float64, []float64, [][]float64) {
		d := len(vc)
		p := sigmoid(dot(uo, vc)) - 1
		if o.posSign {
			p = -p
		}
		dvc, duo := make([]float64, d), make([]float64, d)
		for i := range d {
			duo[i] = p * vc[i]
			dvc[i] = p * uo[i]
		}
		duNeg := make([][]float64, len(uNeg))
		for k, u := range uNeg {
			q := sigmoid(dot(u, vc))
			switch {
			case o.negAsPos:
				q--
			case o.negOneMinus:
				q = 1 - q
			}
			duNeg[k] = make([]float64, d)
			for i := range d {
				duNeg[k][i] = q * vc[i]
				if !o.dvcNoNeg {
					dvc[i] += q * u[i]
				}
			}
		}
		return dvc, duo, duNeg
	}
	return checks.SkipGramImpl{Loss: loss, Grads: grads}
}

var mutants = []struct {
	name string
	impl checks.SkipGramImpl
	want string
}{
	{"Loss stub", checks.SkipGramImpl{Loss: func(vc, uo []float64, uNeg [][]float64) float64 { panic(todo + "Loss") }, Grads: Grads},
		"not implemented yet: skipgram.Loss"},
	{"Grads stub", checks.SkipGramImpl{Loss: Loss, Grads: func(vc, uo []float64, uNeg [][]float64) ([]float64, []float64, [][]float64) {
		panic(todo + "Grads")
	}}, "not implemented yet: skipgram.Grads"},
	{"log of the sigmoid", wrong(func(o *opts) { o.naive = true }), "compute log σ(s) stably"},
	{"negatives without the minus", wrong(func(o *opts) { o.negSign = true }), "the negatives enter with a minus inside the sigmoid"},
	{"no negatives", wrong(func(o *opts) { o.noNeg = true }), "add the K negative samples' terms"},
	{"mean over the negatives", wrong(func(o *opts) { o.meanNeg = true }), "sum over the negatives, do not average"},
	{"dvc without the negatives", wrong(func(o *opts) { o.dvcNoNeg = true }), "dvc gets a term from every negative too"},
	{"1 − σ for the context", wrong(func(o *opts) { o.posSign = true }), "not (1 − σ(uo·vc))"},
	{"negatives treated as context", wrong(func(o *opts) { o.negAsPos = true }), "a negative sample pulls the other way"},
	{"σ(−uₖ·vc) for the negatives", wrong(func(o *opts) { o.negOneMinus = true }), "not σ(−uₖ·vc)"},
	{"changes vc", checks.SkipGramImpl{Loss: Loss, Grads: func(vc, uo []float64, uNeg [][]float64) ([]float64, []float64, [][]float64) {
		dvc, duo, duNeg := Grads(vc, uo, uNeg)
		for i := range vc {
			vc[i] -= 0.1 * dvc[i]
		}
		return dvc, duo, duNeg
	}}, "changed its argument vc[0]"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckSkipGram(m.impl), m.want)
		})
	}
}
