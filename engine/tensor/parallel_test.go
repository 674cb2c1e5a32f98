package tensor

import (
	"runtime"
	"slices"
	"testing"
)

// TestParallelKernelsSameBitsOnAnyCores: the kernels that split their
// work between goroutines (convolution over the batch, its backward pass,
// pooling and its backward pass, batched products) give the same bits
// with 1, 2, 3 and 8 of them, at sizes above the split threshold.
func TestParallelKernelsSameBitsOnAnyCores(t *testing.T) {
	rng := NewRNG(4)
	x, w, b := RandN(rng, 12, 3, 16, 16), RandN(rng, 8, 3, 3, 3), RandN(rng, 8)
	g := NewConvGeom("Conv2D", x.Shape, w.Shape, 1, 1)
	gout := RandN(rng, g.OutShape()...)
	px := RandN(rng, 16, 8, 32, 32)
	pg := NewPoolGeom("MaxPool2D", px.Shape, 2, 2)
	pgout := RandN(rng, 16, 8, 16, 16) // above the split threshold
	ba, bb := RandN(rng, 64, 16, 8), RandN(rng, 64, 16, 8)
	run := func() [][]float64 {
		out, col := Conv2D(g, x, w, b)
		dx, dw, db := Conv2DBackward(g, gout, col, w, true, true, true)
		pooled, arg := MaxPool2D(pg, px)
		pdx := MaxPool2DBackward(pgout, arg, px.Shape)
		prod := New(BatchMatMulShape(ba, bb, false, true)...)
		BatchMatMulInto(prod, ba, bb, false, true, 0)
		return [][]float64{out.Data, dx.Data, dw.Data, db.Data, pooled.Data, pdx.Data, prod.Data}
	}
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	want := run()
	for _, p := range []int{2, 3, 8} {
		runtime.GOMAXPROCS(p)
		for i, got := range run() {
			if !slices.Equal(got, want[i]) {
				t.Fatalf("GOMAXPROCS %d: result %d differs from one goroutine's", p, i)
			}
		}
	}
}

// TestMaxPool2DBackwardRoutes: the gradient of each window goes to its
// first maximum, and overlapping windows add up.
func TestMaxPool2DBackwardRoutes(t *testing.T) {
	x := FromValues([]float64{
		1, 5, 2,
		4, 3, 9,
		0, 7, 6,
	}, 1, 1, 3, 3)
	g := NewPoolGeom("MaxPool2D", x.Shape, 2, 1)
	_, arg := MaxPool2D(g, x)
	dx := MaxPool2DBackward(FromValues([]float64{1, 10, 100, 1000}, 1, 1, 2, 2), arg, x.Shape)
	want := []float64{0, 1, 0, 0, 0, 10 + 1000, 0, 100, 0}
	if !slices.Equal(dx.Data, want) {
		t.Fatalf("dx %v, want %v", dx.Data, want)
	}
}
