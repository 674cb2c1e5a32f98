//go:build !amd64

package autograd

// Only amd64 has vector loops for the bias's gradient and the one-output
// product.
var (
	biasGradVector          = false
	biasGradVectorAvailable = false
)

func biasGradColumns(d, g, y, gb []float64, relu bool) bool { return false }

// colProdVector is false: columnProduct runs its scalar loop.
var colProdVector = false

func columnProductPrefix(out, x, w []float64) (rows, cols int) { return 0, 0 }
