// Package explain is the course's lesson on explaining a decision: "why
// did the network say 7?". A small CNN is trained inside the lesson on
// real MNIST digits (one short epoch), and then one test digit's decision
// is explained, a method at a time, each shown as a map beside the digit
// with its numbers: the gradient saliency |∂s/∂x|, gradient × input,
// integrated gradients with its completeness check, occlusion, Grad-CAM
// from the last convolution, activation analysis (the test digits that
// excite one channel most) and the sanity check that randomises the
// weights layer by layer from the top.
//
// The network is smooth by default (tanh and average pooling, as LeNet
// was built), so integrated gradients' integral can be taken to machine
// precision with Gauss–Legendre quadrature; the "act" control swaps in the
// cnn lesson's ReLU and max pooling, whose kinks no quadrature rule with a
// few dozen points integrates exactly.
package explain

import (
	"github.com/dlearn/dlearn/lessons"
)

// Sizes of the run: the first NTrain training and NTest test digits,
// Filters kernels in the first convolution, Batch digits per step, one
// epoch of Adam at LR.
const (
	NTrain  = 4000
	NTest   = 500
	Filters = 4
	Batch   = 32
	LR      = 0.01
)

// Methods the "method" control picks for the sanity check's pictures.
const (
	MSaliency  = "saliency"
	MGradInput = "gradxinput"
	MIG        = "ig"
	MOcclusion = "occlusion"
	MGradCAM   = "gradcam"
)

var methodNames = []string{MSaliency, MGradInput, MIG, MOcclusion, MGradCAM}

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	digits := make([]float64, NTest)
	for i := range digits {
		digits[i] = float64(i)
	}
	return &lessons.Lesson{
		ID:      "explain",
		Title:   "Why did the network say 7?",
		Summary: "Explain one decision of a CNN trained on MNIST: saliency, gradient × input, integrated gradients, occlusion, Grad-CAM, activations, and the sanity check.",
		Topics: []string{"explaining a decision", "visualisation", "output explanation", "activation analysis",
			"saliency", "integrated gradients", "occlusion", "Grad-CAM", "sanity checks"},
		Goal: goal,
		Controls: []lessons.Control{
			{
				Name: "digit", Label: "test digit", Kind: lessons.Int,
				Help: "which test digit is explained (the explanation is of the class the network picks)",
				Min:  0, Max: NTest - 1, Ladder: digits, Default: "0",
			},
			{
				Name: "target", Label: "class explained", Kind: lessons.Choice,
				Help:    "pick: the class the network chooses; a digit: that class's score, to ask \"why not 9?\"",
				Choices: []string{"pick", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, Default: "pick",
			},
			{
				Name: "steps", Label: "IG steps m", Kind: lessons.Int,
				Help: "points on the path from the black image to the digit at which integrated gradients takes the gradient",
				Min:  1, Max: 256, Ladder: []float64{2, 4, 8, 16, 32, 64, 128, 256}, Default: "32",
			},
			{
				Name: "rule", Label: "IG rule", Kind: lessons.Choice,
				Help:    "gauss: Gauss–Legendre nodes and weights; riemann: the right Riemann sum α = k/m of the original paper",
				Choices: []string{Gauss, Riemann}, Default: Gauss,
			},
			{
				Name: "patch", Label: "occlusion patch", Kind: lessons.Int,
				Help: "side in pixels of the black square occlusion slides over the digit",
				Min:  1, Max: 14, Ladder: []float64{1, 2, 4, 6, 8, 10, 14}, Default: "6",
			},
			{
				Name: "channel", Label: "channel", Kind: lessons.Int,
				Help: "which channel of the last convolution activation analysis looks at",
				Min:  0, Max: 2*Filters - 1, Ladder: []float64{0, 1, 2, 3, 4, 5, 6, 7}, Default: "0",
			},
			{
				Name: "method", Label: "method", Kind: lessons.Choice,
				Help:    "the method whose maps the sanity check draws (its table has them all)",
				Choices: methodNames, Default: MIG,
			},
			{
				Name: "act", Label: "activation", Kind: lessons.Choice,
				Help:    "tanh + average pooling (a smooth score) or relu + max pooling (the cnn lesson's, with kinks); restarts the run",
				Choices: []string{Smooth, Kinked}, Default: Smooth, Restart: true,
			},
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s)
		},
		Exercises: []string{"intgrad"},
	}
}
