//go:build !amd64

package tensor

// Only amd64 has the row kernels.
var rowsKernel = false

func rowsFast() bool { return false }

func softmaxRowsPrefix(dst, src, mask []float64, rows, n int, scale float64) (int, bool) {
	return 0, false
}

func softmaxBackPrefix(dst, y, g []float64, rows, n int, scale float64) int { return 0 }
