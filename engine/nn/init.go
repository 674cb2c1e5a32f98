package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Init is a weight initialisation scheme. Each draws from the *rand.Rand
// it is given, so a seed fixes every weight.
type Init int

const (
	// LeCunNormal draws from N(0, 1/fanIn): NewDense's default, which keeps
	// the variance of activations roughly constant through linear layers.
	LeCunNormal Init = iota
	// GlorotUniform draws from U(−l, l) with l = sqrt(6/(fanIn+fanOut)):
	// Keras' default for Dense and Conv2D kernels (also called Xavier).
	GlorotUniform
	// HeNormal draws from N(0, 2/fanIn), suited to ReLU layers.
	HeNormal
	// Zeros fills with 0 (biases; a zero kernel cannot break symmetry).
	Zeros
)

func (i Init) String() string {
	switch i {
	case LeCunNormal:
		return "lecun_normal"
	case GlorotUniform:
		return "glorot_uniform"
	case HeNormal:
		return "he_normal"
	case Zeros:
		return "zeros"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Tensor returns a tensor of the given shape initialised by i for a layer
// with the given fan-in and fan-out (for a convolution, channels times the
// kernel area). It panics if i is not one of the schemes above.
func (i Init) Tensor(rng *rand.Rand, fanIn, fanOut int, shape ...int) *tensor.Tensor {
	switch i {
	case LeCunNormal, HeNormal:
		w := tensor.RandN(rng, shape...)
		s := 1 / math.Sqrt(float64(fanIn)) // as NewDense always did
		if i == HeNormal {
			s = math.Sqrt(2 / float64(fanIn))
		}
		for k := range w.Data {
			w.Data[k] *= s
		}
		return w
	case GlorotUniform:
		l := math.Sqrt(6 / float64(fanIn+fanOut))
		return tensor.RandU(rng, -l, l, shape...)
	case Zeros:
		return tensor.New(shape...)
	}
	panic(fmt.Sprintf("nn: unknown initialisation %v", i))
}
