package tensor

import (
	"math"
	"runtime"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestNilArenaAllocates(t *testing.T) {
	var a *Arena
	x := a.New(2, 3)
	y := a.New(2, 3)
	if &x.Data[0] == &y.Data[0] {
		t.Fatal("nil arena: two New calls share memory")
	}
	a.Recycle() // does nothing
	if served, fresh := a.Stats(); served != 0 || fresh != 0 {
		t.Errorf("nil arena: Stats = %d, %d, want 0, 0", served, fresh)
	}
	if s := a.Full(2, 3); !slices.Equal(s.Data, []float64{2, 2, 2}) {
		t.Errorf("nil arena: Full(2, 3) = %v", s.Data)
	}
}

func TestArenaReusesByLength(t *testing.T) {
	a := NewArena()
	x := a.New(2, 3)
	for i := range x.Data {
		x.Data[i] = float64(i + 1)
	}
	if !a.Owns(x) {
		t.Fatal("Owns: a tensor just handed out is not owned")
	}
	a.Recycle()
	if a.Owns(x) {
		t.Fatal("Owns: a recycled tensor is still owned")
	}
	y := a.New(3, 2) // same length: the same memory, zeroed, reshaped
	if &y.Data[0] != &x.Data[0] {
		t.Fatal("New after Recycle did not reuse a buffer of the same length")
	}
	if !slices.Equal(y.Shape, []int{3, 2}) || slices.ContainsFunc(y.Data, func(v float64) bool { return v != 0 }) {
		t.Errorf("reused tensor: shape %v data %v, want [3 2] of zeros", y.Shape, y.Data)
	}
	z := a.New(6) // another of the same length while y is in use: fresh
	if &z.Data[0] == &y.Data[0] {
		t.Fatal("two tensors in use share memory")
	}
	if served, fresh := a.Stats(); served != 3 || fresh != 2 {
		t.Errorf("Stats = %d served, %d allocated; want 3, 2", served, fresh)
	}
	s := a.Scratch(5)
	f := a.Floats(5)
	if &s[0] == &f[0] {
		t.Fatal("Scratch and Floats share memory")
	}
	a.Recycle()
	f2 := a.Floats(5)
	if f2[0] != 0 || len(f2) != 5 {
		t.Errorf("Floats after Recycle: %v, want zeros", f2)
	}
}

func TestArenaOpsMatchPackageOps(t *testing.T) {
	a := NewArena()
	rng := NewRNG(1)
	x, y, row := RandN(rng, 4, 3), RandN(rng, 4, 3), RandN(rng, 3)
	for round := range 2 { // the second round runs on recycled memory
		checks := []struct {
			name      string
			got, want *Tensor
		}{
			{"Add", a.Add(x, row), Add(x, row)},
			{"Sub", a.Sub(x, y), Sub(x, y)},
			{"Mul", a.Mul(x, row), Mul(x, row)},
			{"Div", a.Div(x, y), Div(x, y)},
			{"Scaled", a.Scaled(x, -2), Scaled(x, -2)},
			{"SumTo", a.SumTo(x, []int{3}), SumTo(x, []int{3})},
			{"BroadcastTo", a.BroadcastTo(row, 4, 3), BroadcastTo(row, 4, 3)},
			{"MatMul", a.MatMul(x, Transpose(y)), MatMul(x, Transpose(y))},
			{"Transpose", a.Transpose(x), Transpose(x)},
			{"Permute", a.Permute(x, 1, 0), Permute(x, 1, 0)},
			{"SumAxis", a.SumAxis(x, 1, true), SumAxis(x, 1, true)},
			{"ExpandAxis", a.ExpandAxis(row, []int{4, 3}, 0), ExpandAxis(row, []int{4, 3}, 0)},
			{"Clone", a.Clone(x), x},
		}
		for _, c := range checks {
			if !slices.Equal(c.got.Shape, c.want.Shape) || !slices.Equal(c.got.Data, c.want.Data) {
				t.Errorf("round %d: arena %s = %v, package %s = %v", round, c.name, c.got, c.name, c.want)
			}
		}
		a.Recycle()
	}
}

func TestArenaScalarShapeIsEmptyNotNil(t *testing.T) {
	a := NewArena()
	for range 2 {
		s := a.New()
		if s.Shape == nil || len(s.Shape) != 0 || len(s.Data) != 1 {
			t.Fatalf("New(): shape %#v, %d values; want [] (not nil) and 1", s.Shape, len(s.Data))
		}
		a.Recycle()
	}
}

// TestArenaNeverRewritesAShape checks that a shape taken from a tensor the
// arena handed out keeps its value after the tensor is recycled as
// another shape: holders keep shapes without copying them.
func TestArenaNeverRewritesAShape(t *testing.T) {
	a := NewArena()
	x := a.New(2, 3)
	kept := x.Shape
	a.Recycle()
	y := a.New(3, 2)
	if &y.Data[0] != &x.Data[0] {
		t.Fatal("the buffer was not reused")
	}
	if !slices.Equal(kept, []int{2, 3}) {
		t.Fatalf("a kept shape became %v after its tensor was reused as [3 2]", kept)
	}
}

// TestArenaStepsOfChangingShapes: over steps that ask for random lengths
// (repeating the step before, or changing part-way), a tensor is never
// handed out twice before Recycle, has the length and shape asked for, New
// is zero, and a step that repeats the one before allocates nothing.
func TestArenaStepsOfChangingShapes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		a := NewArena()
		var last [][]int
		for step := range rapid.IntRange(1, 6).Draw(rt, "steps") {
			shapes := last
			if step == 0 || !rapid.Bool().Draw(rt, "repeat") {
				keep := rapid.IntRange(0, len(last)).Draw(rt, "keep")
				shapes = append([][]int(nil), last[:keep]...)
				for range rapid.IntRange(0, 8).Draw(rt, "more") {
					shapes = append(shapes, []int{rapid.IntRange(1, 4).Draw(rt, "r"), rapid.IntRange(0, 4).Draw(rt, "c")})
				}
			}
			_, missesBefore := a.Stats()
			seen := map[*Tensor]bool{}
			for i, s := range shapes {
				var x *Tensor
				if i%2 == 0 {
					x = a.New(s...)
					for _, v := range x.Data {
						if v != 0 {
							rt.Fatalf("step %d: New(%v) is not zero", step, s)
						}
					}
				} else {
					x = a.Uninit(s...)
				}
				if seen[x] || !slices.Equal(x.Shape, s) || len(x.Data) != Size(s) {
					rt.Fatalf("step %d: request %d %v: handed out twice or wrong shape %v / length %d", step, i, s, x.Shape, len(x.Data))
				}
				seen[x] = true
				for j := range x.Data {
					x.Data[j] = float64(step + 1) // dirty, for the next step's New
				}
			}
			if _, misses := a.Stats(); step > 0 && slices.EqualFunc(shapes, last, slices.Equal) && misses != missesBefore {
				rt.Fatalf("step %d repeats the one before but allocated %d tensors", step, misses-missesBefore)
			}
			a.Recycle()
			last = shapes
		}
	})
}

// TestArenaConvAndPoolOnDirtyMemory: the arena's pooling and convolution
// backward passes, run on recycled memory full of garbage, with one and
// with several goroutines, give the package functions' bits (they clear
// what they sum into themselves, image by image).
func TestArenaConvAndPoolOnDirtyMemory(t *testing.T) {
	rng := NewRNG(7)
	x, w := RandN(rng, 6, 3, 9, 10), RandN(rng, 4, 3, 3, 3)
	g := NewConvGeom("Conv2D", x.Shape, w.Shape, 1, 1)
	out, col := Conv2D(g, x, w, nil)
	gout := RandN(rng, out.Shape...)
	pg := NewPoolGeom("MaxPool2D", out.Shape, 2, 2)
	pooled, arg := MaxPool2D(pg, out)
	pgout := RandN(rng, pooled.Shape...)
	wantDx, wantDw, wantDb := Conv2DBackward(g, gout, col, w, true, true, true)
	wantP := MaxPool2DBackward(pgout, arg, out.Shape)
	a := NewArena()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for round, procs := range []int{1, 1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		dx, dw, db := a.Conv2DBackward(g, gout, col, w, true, true, true)
		p := a.MaxPool2DBackward(pgout, arg, out.Shape)
		for i, pair := range [][2]*Tensor{{dx, wantDx}, {dw, wantDw}, {db, wantDb}, {p, wantP}} {
			if !slices.Equal(pair[0].Shape, pair[1].Shape) || !slices.Equal(pair[0].Data, pair[1].Data) {
				t.Fatalf("round %d (GOMAXPROCS %d): result %d differs from the package function's", round, procs, i)
			}
		}
		for _, r := range []*Tensor{dx, dw, db, p} {
			for i := range r.Data {
				r.Data[i] = math.NaN() // garbage for the next round
			}
		}
		a.Recycle()
	}
}
