//go:build !amd64

package autograd

// Only amd64 has vector loops for ReLU.
var (
	reluVector          = false
	reluVectorAvailable = false
)

func reluPrefix(dst, a []float64) int        { return 0 }
func reluGradPrefix(dst, g, a []float64) int { return 0 }
