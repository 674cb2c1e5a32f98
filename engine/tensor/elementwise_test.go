package tensor

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// broadcastPair draws two shapes that broadcast together: each axis of the
// longer shape is kept, set to 1 in one operand, or dropped from the front.
func broadcastPair(t *rapid.T) (a, b []int) {
	r := rapid.IntRange(0, 4).Draw(t, "rank")
	for i := range r {
		d := rapid.IntRange(1, 4).Draw(t, "dim")
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			a, b = append(a, d), append(b, d)
		case 1:
			a, b = append(a, 1), append(b, d)
		default:
			a, b = append(a, d), append(b, 1)
		}
		_ = i
	}
	if k := rapid.IntRange(0, len(b)).Draw(t, "dropB"); k > 0 {
		b = b[k:]
	}
	return a, b
}

func TestArithmeticMatchesBinary(t *testing.T) {
	ops := []struct {
		name string
		fast func(a, b *Tensor) *Tensor
		f    func(x, y float64) float64
	}{
		{"add", Add, func(x, y float64) float64 { return x + y }},
		{"sub", Sub, func(x, y float64) float64 { return x - y }},
		{"mul", Mul, func(x, y float64) float64 { return x * y }},
		{"div", Div, func(x, y float64) float64 { return x / y }},
	}
	rapid.Check(t, func(rt *rapid.T) {
		sa, sb := broadcastPair(rt)
		if rapid.Bool().Draw(rt, "swap") {
			sa, sb = sb, sa
		}
		rng := NewRNG(rapid.Uint64().Draw(rt, "seed"))
		a, b := RandN(rng, sa...), RandN(rng, sb...)
		for _, op := range ops {
			got, want := op.fast(a, b), Binary(op.name, a, b, op.f)
			if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
				rt.Fatalf("%s %v %v: got %v want %v", op.name, sa, sb, got, want)
			}
		}
		out := Add(a, b)
		for _, in := range []*Tensor{a, b} {
			got := SumTo(out, in.Shape)
			want := naiveSumTo(out, in.Shape)
			for i := range got.Data {
				if d := got.Data[i] - want.Data[i]; d > 1e-12 || d < -1e-12 {
					rt.Fatalf("SumTo %v→%v: got %v want %v", out.Shape, in.Shape, got, want)
				}
			}
		}
		bt := BroadcastTo(b, out.Shape...)
		if !slices.Equal(bt.Data, Binary("b", out, b, func(_, y float64) float64 { return y }).Data) {
			rt.Fatalf("BroadcastTo %v→%v wrong", b.Shape, out.Shape)
		}
	})
}

// naiveSumTo sums g by walking every output multi-index.
func naiveSumTo(g *Tensor, shape []int) *Tensor {
	out := New(shape...)
	idx := make([]int, len(g.Shape))
	for i := range g.Data {
		rem := i
		for ax := len(g.Shape) - 1; ax >= 0; ax-- {
			idx[ax] = rem % g.Shape[ax]
			rem /= g.Shape[ax]
		}
		off := 0
		for k := range shape {
			ax := len(g.Shape) - len(shape) + k
			x := idx[ax]
			if shape[k] == 1 {
				x = 0
			}
			off = off*shape[k] + x
		}
		out.Data[off] += g.Data[i]
	}
	return out
}

func TestArithmeticPanicNamesShapes(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if msg != "tensor: Mul: shapes [2 3] and [4] do not broadcast" {
			t.Fatalf("panic %q", msg)
		}
	}()
	Mul(New(2, 3), New(4))
}

func TestPermuteRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := rapid.SliceOfN(rapid.IntRange(1, 4), 0, 4).Draw(rt, "shape")
		axes := rapid.Permutation(identity(len(shape))).Draw(rt, "axes")
		a := RandN(NewRNG(1), shape...)
		p := Permute(a, axes...)
		for i := range p.Shape {
			if p.Shape[i] != shape[axes[i]] {
				rt.Fatalf("shape %v axes %v → %v", shape, axes, p.Shape)
			}
		}
		back := Permute(p, InversePermutation(axes)...)
		if !slices.Equal(back.Data, a.Data) || !slices.Equal(back.Shape, a.Shape) {
			rt.Fatalf("round trip of %v by %v differs", shape, axes)
		}
		if len(shape) == 2 && !slices.Equal(Permute(a, 1, 0).Data, Transpose(a).Data) {
			rt.Fatalf("Permute(1,0) differs from Transpose")
		}
	})
}

func identity(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestReduceAxis(t *testing.T) {
	a := FromValues([]float64{1, 5, 3, 4, 2, 6}, 2, 3)
	if got := SumAxis(a, 0, false); !slices.Equal(got.Data, []float64{5, 7, 9}) {
		t.Errorf("SumAxis 0: %v", got)
	}
	if got := SumAxis(a, 1, true); !slices.Equal(got.Data, []float64{9, 12}) || !slices.Equal(got.Shape, []int{2, 1}) {
		t.Errorf("SumAxis 1 keepdims: %v", got)
	}
	m, arg := MaxAxis(a, 1, false)
	if !slices.Equal(m.Data, []float64{5, 6}) || !slices.Equal(arg, []int{1, 2}) {
		t.Errorf("MaxAxis 1: %v %v", m, arg)
	}
	e := ExpandAxis(FromValues([]float64{1, 2}, 2), []int{2, 3}, 1)
	if !slices.Equal(e.Data, []float64{1, 1, 1, 2, 2, 2}) {
		t.Errorf("ExpandAxis: %v", e)
	}
}

// TestBroadcastManyAxes: shapes of more axes than the stack buffers hold
// (shapeBuf) broadcast, coalesce and sum as the reference does.
func TestBroadcastManyAxes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var sa, sb []int
		for range rapid.IntRange(shapeBuf-1, shapeBuf+3).Draw(rt, "rank") {
			d := rapid.IntRange(1, 2).Draw(rt, "dim")
			if rapid.Bool().Draw(rt, "broadcast") {
				sa, sb = append(sa, d), append(sb, 1)
			} else {
				sa, sb = append(sa, d), append(sb, d)
			}
		}
		rng := NewRNG(rapid.Uint64().Draw(rt, "seed"))
		a, b := RandN(rng, sa...), RandN(rng, sb...)
		got, want := Mul(a, b), Binary("mul", a, b, func(x, y float64) float64 { return x * y })
		if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Data, want.Data) {
			rt.Fatalf("Mul %v %v: got %v want %v", sa, sb, got, want)
		}
		s, ns := SumTo(got, sb), naiveSumTo(got, sb)
		for i := range s.Data {
			if d := s.Data[i] - ns.Data[i]; d > 1e-12 || d < -1e-12 {
				rt.Fatalf("SumTo %v→%v: got %v want %v", got.Shape, sb, s, ns)
			}
		}
	})
}

// TestSumToOneElementSumsInOrder: summing into a one-element shape adds
// the elements of g in order, whatever g's shape (the bits of the
// coalesced walk, which it shortcuts).
func TestSumToOneElementSumsInOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := rapid.SliceOfN(rapid.IntRange(1, 5), 1, 4).Draw(rt, "shape")
		g := RandN(NewRNG(rapid.Uint64().Draw(rt, "seed")), shape...)
		target := make([]int, rapid.IntRange(0, len(shape)).Draw(rt, "rank"))
		for i := range target {
			target[i] = 1
		}
		s := 0.0
		for _, v := range g.Data {
			s += v
		}
		if got := SumTo(g, target); !slices.Equal(got.Shape, target) || got.Data[0] != 0+s {
			rt.Fatalf("SumTo %v→%v = %v, want %v", shape, target, got.Data, s)
		}
	})
}

// Every element of Permute(a, axes…) is the element of a at the permuted
// index, whether the last axis stays last (rows copied whole) or moves.
func TestPermuteElements(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := rapid.SliceOfN(rapid.IntRange(1, 5), 1, 5).Draw(rt, "shape")
		axes := rapid.Permutation(identity(len(shape))).Draw(rt, "axes")
		a := RandN(NewRNG(2), shape...)
		p := Permute(a, axes...)
		idx := make([]int, len(shape)) // index into p
		for o, v := range p.Data {
			ia, stride := 0, 1
			for ax := len(shape) - 1; ax >= 0; ax-- {
				// a's axis ax is p's axis i with axes[i] == ax
				i := slices.Index(axes, ax)
				ia += idx[i] * stride
				stride *= shape[ax]
			}
			if v != a.Data[ia] {
				rt.Fatalf("shape %v axes %v: element %d (index %v) is %v, want a[%d] = %v", shape, axes, o, idx, v, ia, a.Data[ia])
			}
			for ax := len(idx) - 1; ax >= 0; ax-- {
				if idx[ax]++; idx[ax] < p.Shape[ax] {
					break
				}
				idx[ax] = 0
			}
		}
	})
}
