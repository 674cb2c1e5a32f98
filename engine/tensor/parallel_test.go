package tensor

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestParallelKernelsSameBitsOnAnyCores: the kernels that split their
// work between goroutines (convolution over the batch, its backward pass,
// pooling and its backward pass, batched products) give the same bits
// with 1, 2, 3 and 8 of them, with the split thresholds lowered.
func TestParallelKernelsSameBitsOnAnyCores(t *testing.T) {
	// Small enough to run quickly, split all the same.
	defer SetParallelThresholds(1<<12, 1<<12)()
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

// TestSplitRangesCoversEachIndexOnce: for random sizes, part counts and
// alignments, and with several callers at once (some nesting a second
// split inside a part), every index is handled by exactly one call and
// the inner bounds are multiples of the alignment.
func TestSplitRangesCoversEachIndexOnce(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	rapid.Check(t, func(rt *rapid.T) {
		callers := rapid.IntRange(1, 4).Draw(rt, "callers")
		type job struct{ n, parts, align int }
		jobs := make([]job, callers)
		for i := range jobs {
			jobs[i] = job{rapid.IntRange(0, 300).Draw(rt, "n"), rapid.IntRange(1, 6).Draw(rt, "parts"), rapid.IntRange(1, 8).Draw(rt, "align")}
		}
		nested := rapid.Bool().Draw(rt, "nested")
		counts := make([][]atomic.Int32, callers)
		bad := make([]atomic.Int32, callers)
		var wg sync.WaitGroup
		for c, j := range jobs {
			counts[c] = make([]atomic.Int32, j.n)
			wg.Go(func() {
				SplitRanges(j.n, j.parts, j.align, func(lo, hi int) {
					if lo%j.align != 0 || (hi%j.align != 0 && hi != j.n) || lo >= hi {
						bad[c].Add(1)
					}
					if nested {
						inner := make([]atomic.Int32, hi-lo)
						SplitRanges(hi-lo, 3, 1, func(a, b int) {
							for i := a; i < b; i++ {
								inner[i].Add(1)
							}
						})
						for i := range inner {
							if inner[i].Load() != 1 {
								bad[c].Add(1)
							}
						}
					}
					for i := lo; i < hi; i++ {
						counts[c][i].Add(1)
					}
				})
			})
		}
		wg.Wait()
		for c := range jobs {
			if bad[c].Load() != 0 {
				rt.Fatalf("caller %d (%+v): a part was empty, misaligned or a nested split missed an index", c, jobs[c])
			}
			for i := range counts[c] {
				if got := counts[c][i].Load(); got != 1 {
					rt.Fatalf("caller %d (%+v): index %d handled %d times", c, jobs[c], i, got)
				}
			}
		}
	})
}

// TestWorkersSleepWhenIdle: once the parts are done and no more come, the
// workers stop spinning and sleep within a few spin times.
func TestWorkersSleepWhenIdle(t *testing.T) {
	old := runtime.GOMAXPROCS(3)
	defer runtime.GOMAXPROCS(old)
	x := make([]float64, 1000)
	SplitRanges(len(x), 3, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i]++
		}
	})
	deadline := time.Now().Add(2 * time.Second)
	for {
		asleep := true
		for _, w := range *workers.Load() {
			if w.state.Load() != wParked {
				asleep = false
			}
		}
		if asleep {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a worker still spins 2 s after the last part")
		}
		time.Sleep(spinTime)
	}
}

// BenchmarkSplitHandoff times SplitRanges on two parts of a trivial
// kernel (the cost of handing a part to a worker and collecting it), back
// to back (the worker is spinning) and after a pause (it sleeps).
func BenchmarkSplitHandoff(b *testing.B) {
	x := make([]float64, 64)
	f := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i]++
		}
	}
	b.Run("inline", func(b *testing.B) {
		for b.Loop() {
			f(0, len(x))
		}
	})
	b.Run("spinning", func(b *testing.B) {
		for b.Loop() {
			SplitRanges(len(x), 2, 1, f)
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		for b.Loop() {
			var wg sync.WaitGroup
			wg.Go(func() { f(32, 64) })
			f(0, 32)
			wg.Wait()
		}
	})
}
