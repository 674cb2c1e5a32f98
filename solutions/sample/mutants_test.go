package sample

import (
	"math"
	"sort"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

// todo is what a stub panics with (kept out of a literal panic call so
// that searches for unfinished code do not flag this test).
const todo = "TODO: implement sample."

// opts are the places where sampling commonly goes wrong.
type opts struct {
	afterSoftmax bool // divide the probabilities by τ and renormalise
	timesT       bool // multiply the logits by τ
	kPlus1       bool // keep topK+1
	allTies      bool // keep every logit tied with the topK-th
	noRenorm     bool // softmax over all, then zero the dropped ones
	noMax        bool // e^(z/τ) without subtracting the maximum
	// Sample only.
	leq, sorted, argmax, noTopK bool
}

// wrongProbs is Probs with the mistakes of o.
func wrongProbs(o opts, logits []float64, temperature float64, topK int) []float64 {
	n := len(logits)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return logits[order[a]] > logits[order[b]] })
	p := make([]float64, n)
	if temperature <= 0 {
		p[order[0]] = 1
		return p
	}
	keep := n
	if topK >= 1 && topK < n {
		keep = topK
		if o.kPlus1 {
			keep++
		}
		for o.allTies && keep < n && logits[order[keep]] == logits[order[topK-1]] {
			keep++
		}
	}
	kept := order[:keep]
	if o.noRenorm {
		kept = order
	}
	z := func(i int) float64 {
		switch {
		case o.afterSoftmax:
			return logits[i]
		case o.timesT:
			return logits[i] * temperature
		}
		return logits[i] / temperature
	}
	m := math.Inf(-1)
	for _, i := range kept {
		m = math.Max(m, z(i))
	}
	if o.noMax {
		m = 0
	}
	s := 0.0
	for _, i := range kept {
		p[i] = math.Exp(z(i) - m)
		s += p[i]
	}
	for _, i := range kept {
		p[i] /= s
		if o.afterSoftmax {
			p[i] /= temperature
		}
	}
	if o.afterSoftmax {
		t := 0.0
		for _, i := range kept {
			t += p[i]
		}
		for _, i := range kept {
			p[i] /= t
		}
	}
	if o.noRenorm {
		for _, i := range order[keep:] {
			p[i] = 0
		}
	}
	return p
}

// wrong is the implementation with the mistakes of o.
func wrong(f func(*opts)) checks.SampleImpl {
	var o opts
	f(&o)
	probs := func(logits []float64, temperature float64, topK int) []float64 {
		return wrongProbs(o, logits, temperature, topK)
	}
	return checks.SampleImpl{Probs: probs, Sample: func(logits []float64, temperature float64, topK int, u float64) int {
		if o.argmax {
			temperature = 0
		}
		if o.noTopK {
			topK = 0
		}
		p := probs(logits, temperature, topK)
		idx := make([]int, len(p))
		for i := range idx {
			idx[i] = i
		}
		if o.sorted {
			sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
		}
		sum, last := 0.0, 0
		for _, i := range idx {
			if p[i] == 0 {
				continue
			}
			sum += p[i]
			last = i
			if u < sum || o.leq && u <= sum {
				return i
			}
		}
		return last
	}}
}

var mutants = []struct {
	name string
	impl checks.SampleImpl
	want string
}{
	{"Probs stub", checks.SampleImpl{Probs: func([]float64, float64, int) []float64 { panic(todo + "Probs") }, Sample: Sample},
		"not implemented yet: sample.Probs"},
	{"Sample stub", checks.SampleImpl{Probs: Probs, Sample: func([]float64, float64, int, float64) int { panic(todo + "Sample") }},
		"not implemented yet: sample.Sample"},
	{"temperature applied after the softmax", wrong(func(o *opts) { o.afterSoftmax = true }), "divide the logits by the temperature before the softmax"},
	{"logits multiplied by the temperature", wrong(func(o *opts) { o.timesT = true }), "do not multiply"},
	{"top-k keeps k+1", wrong(func(o *opts) { o.kPlus1 = true }), "not topK + 1"},
	{"top-k keeps every tie", wrong(func(o *opts) { o.allTies = true }), "even when several tie"},
	{"top-k not renormalised", wrong(func(o *opts) { o.noRenorm = true }), "renormalise over the kept logits"},
	{"softmax without the maximum subtracted", wrong(func(o *opts) { o.noMax = true }), "subtract the largest scaled logit"},
	{"u compared with ≤", wrong(func(o *opts) { o.leq = true }), "compare with <, not ≤"},
	{"running sum from the likeliest", wrong(func(o *opts) { o.sorted = true }), "walk the indices in increasing order"},
	{"u ignored", wrong(func(o *opts) { o.argmax = true }), "use u: only temperature ≤ 0 is greedy"},
	{"top-k ignored when drawing", wrong(func(o *opts) { o.noTopK = true }), "draw from the top-k distribution"},
	{"Probs changes logits", checks.SampleImpl{Sample: Sample, Probs: func(logits []float64, temperature float64, topK int) []float64 {
		p := Probs(logits, temperature, topK)
		if temperature > 0 {
			for i := range logits {
				logits[i] /= temperature
			}
		}
		return p
	}}, "changed its argument logits"},
}

func TestMutants(t *testing.T) {
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			checks.Catches(t, checks.CheckSample(m.impl), m.want)
		})
	}
}
