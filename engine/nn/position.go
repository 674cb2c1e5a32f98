package nn

import (
	"fmt"
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// SinusoidalPositions returns the fixed positional encodings of Vaswani et
// al. for positions 0 … n−1 in d dimensions, an [n d] tensor with
//
//	P[pos, 2i]   = sin(pos / 10000^(2i/d))
//	P[pos, 2i+1] = cos(pos / 10000^(2i/d))
//
// Each pair of columns is a sine and cosine of one frequency, from one
// turn per 2π positions down to one per 2π·10000, so every position gets
// a distinct vector and P[pos+k] is a fixed rotation of P[pos] in each
// pair. Added to token embeddings, they tell attention, which by itself
// ignores order, where each token stands. They have no parameters. It
// panics if n or d is not positive.
func SinusoidalPositions(n, d int) *tensor.Tensor {
	if n <= 0 || d <= 0 {
		panic(fmt.Sprintf("nn: SinusoidalPositions: %d positions and %d dimensions must be positive", n, d))
	}
	p := tensor.New(n, d)
	for pos := range n {
		for j := 0; j < d; j += 2 {
			angle := float64(pos) / math.Pow(10000, float64(j)/float64(d))
			p.Data[pos*d+j] = math.Sin(angle)
			if j+1 < d {
				p.Data[pos*d+j+1] = math.Cos(angle)
			}
		}
	}
	return p
}
