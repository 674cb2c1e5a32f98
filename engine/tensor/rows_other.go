//go:build !amd64

package tensor

// Only amd64 has the row kernels.
var rowsKernel = false

func rowsFast() bool { return false }

func layerNormFast() bool { return false }

func softmaxRowsPrefix(dst, src, mask []float64, rows, n int, scale float64) (int, bool) {
	return 0, false
}

func softmaxBackPrefix(dst, y, g []float64, rows, n int, scale float64) int { return 0 }

func layerNormPrefix(out, xhat, rstd, x, gain, bias []float64, rows, d int, eps float64) int {
	return 0
}

func layerNormBackPrefix(dx, dg, db, g, xhat, rstd, gain []float64, rows, d int) int { return 0 }

func arithVector(op arith, dst, x, y []float64) bool { return false }

func scaleMulVector(dst, x, y []float64, c float64) bool { return false }
