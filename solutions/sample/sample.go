// Package sample is the reference solution of the sample exercise.
package sample

import (
	"math"
	"sort"
)

// Probs returns the distribution Sample draws from: greedy (one-hot at the
// first largest logit) for temperature ≤ 0, else the softmax of the kept
// logits divided by the temperature, the topK largest kept when
// 1 ≤ topK < n (ties to the lower index).
func Probs(logits []float64, temperature float64, topK int) []float64 {
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
	kept := order
	if topK >= 1 && topK < n {
		kept = order[:topK]
	}
	m := logits[order[0]] / temperature
	s := 0.0
	for _, i := range kept {
		p[i] = math.Exp(logits[i]/temperature - m)
		s += p[i]
	}
	for _, i := range kept {
		p[i] /= s
	}
	return p
}

// Sample returns the first index whose running sum of Probs exceeds u.
func Sample(logits []float64, temperature float64, topK int, u float64) int {
	sum, last := 0.0, 0
	for i, p := range Probs(logits, temperature, topK) {
		if p == 0 {
			continue
		}
		sum += p
		last = i
		if u < sum {
			return i
		}
	}
	return last
}
