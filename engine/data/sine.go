package data

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// SineFreq is the angular frequency of Sine, in radians per time step.
const SineFreq = 0.1

// Sine returns batch sine sequences of the given length as a tensor of
// shape [batch length]: row b holds sin(0.1·t + φ_b) for t = 0 … length−1,
// with the phases φ_b ~ U[0, 2π) drawn from seed. A sequence model reads
// Reshape(batch, length, 1). It panics if batch or length is < 1.
func Sine(seed uint64, batch, length int) *tensor.Tensor {
	seq, _ := SineWithPhases(seed, batch, length)
	return seq
}

// SineWithPhases is Sine that also returns the phases it drew, so a lesson
// can plot the true continuation of a sequence.
func SineWithPhases(seed uint64, batch, length int) (seq *tensor.Tensor, phases []float64) {
	mustPositive("Sine", "batch and length", batch, length)
	rng := tensor.NewRNG(seed)
	seq = tensor.New(batch, length)
	phases = make([]float64, batch)
	for b := range batch {
		phases[b] = 2 * math.Pi * rng.Float64()
		for t := range length {
			seq.Data[b*length+t] = math.Sin(SineFreq*float64(t) + phases[b])
		}
	}
	return seq, phases
}

// NextStep splits sequences of shape [batch length] into the inputs (the
// first length−1 steps) and the targets (the last length−1 steps), both of
// shape [batch length−1]: the model predicts x[t+1] from x[… t]. It panics
// if seq is not 2-D with length ≥ 2.
func NextStep(seq *tensor.Tensor) (inputs, targets *tensor.Tensor) {
	if len(seq.Shape) != 2 || seq.Shape[1] < 2 {
		panic("data: NextStep: want shape [batch length] with length ≥ 2, got " + shapeString(seq.Shape))
	}
	b, l := seq.Shape[0], seq.Shape[1]
	inputs, targets = tensor.New(b, l-1), tensor.New(b, l-1)
	for i := range b {
		copy(inputs.Data[i*(l-1):(i+1)*(l-1)], seq.Data[i*l:i*l+l-1])
		copy(targets.Data[i*(l-1):(i+1)*(l-1)], seq.Data[i*l+1:(i+1)*l])
	}
	return inputs, targets
}
