// Package softmax is an exercise of the word-embeddings lesson
// (embeddings): the softmax, the cross-entropy of one example from its
// logits, and its gradient, written from scratch and stable for any
// logits.
//
// Run `dlearn grade softmax` (or `go test ./softmax` in this folder) to
// check it.
package softmax

// Softmax returns the probabilities of the logits z (length n ≥ 1), in a
// new slice of length n:
//
//	softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)
//
// Every output is in [0, 1] and they sum to 1. e^z overflows to +Inf for
// z > 709 (and every e^z underflows to 0 for z < −745), so subtract
// m = max(z) from each z first: that does not change the result, and the
// largest exponent becomes e^0 = 1. Softmax([1000 0]) is [1 0]. Do not
// change z.
func Softmax(z []float64) []float64 {
	panic("TODO: implement softmax.Softmax")
}

// CrossEntropy returns the loss of one example whose true class is
// target (0 ≤ target < len(z)), from its logits z:
//
//	L = −log softmax(z)[target] = log Σⱼ e^(zⱼ) − z[target]
//
// Compute the log-sum-exp as m + log Σⱼ e^(zⱼ − m) with m = max(z), never
// as the log of a probability: softmax(z)[target] can underflow to 0, and
// log 0 = −Inf. CrossEntropy([1000 0], 1) is 1000. Do not change z.
func CrossEntropy(z []float64, target int) float64 {
	panic("TODO: implement softmax.CrossEntropy")
}

// Grad returns dL/dz, the gradient of CrossEntropy(z, target) with
// respect to the logits, in a new slice of length len(z):
//
//	dL/dzᵢ = softmax(z)ᵢ − 1   if i = target
//	dL/dzᵢ = softmax(z)ᵢ       otherwise
//
// that is softmax(z) − onehot(target). Do not change z.
func Grad(z []float64, target int) []float64 {
	panic("TODO: implement softmax.Grad")
}
