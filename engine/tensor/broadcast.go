package tensor

import (
	"fmt"
	"slices"
)

// BroadcastShape returns the NumPy broadcast of shapes a and b: shapes are
// aligned on their last axes and each pair of sizes must be equal or one of
// them 1. It panics, naming op and both shapes, when they do not broadcast.
func BroadcastShape(op string, a, b []int) []int {
	return broadcastShapeTo(make([]int, 0, max(len(a), len(b))), op, a, b)
}

// broadcastShapeTo is BroadcastShape appending to dst[:0] (a caller's
// stack buffer: no allocation when it is large enough).
func broadcastShapeTo(dst []int, op string, a, b []int) []int {
	n := max(len(a), len(b))
	dst = dst[:0]
	for i := range n {
		da, db := dimFromEnd(a, n-1-i), dimFromEnd(b, n-1-i)
		switch {
		case da == db, db == 1:
			dst = append(dst, da)
		case da == 1:
			dst = append(dst, db)
		default:
			panic(fmt.Sprintf("tensor: %s: shapes %v and %v do not broadcast", op, cloneShape(a), cloneShape(b)))
		}
	}
	return dst
}

// shapeBuf is the size of the stack buffers for shapes and strides:
// tensors of more axes work, with an allocation.
const shapeBuf = 8

// dimFromEnd returns the size of axis k counted from the end (0 = last) of
// shape, or 1 if shape has fewer axes.
func dimFromEnd(shape []int, k int) int {
	if k < len(shape) {
		return shape[len(shape)-1-k]
	}
	return 1
}

// broadcastStrides returns, for an input of shape in broadcast to out, the
// stride of each output axis in the input's data (0 on broadcast axes).
func broadcastStrides(in, out []int) []int { return broadcastStridesTo(nil, in, out) }

// broadcastStridesTo is broadcastStrides written into dst[:len(out)]
// (dst reallocated when too short).
func broadcastStridesTo(dst, in, out []int) []int {
	strides := resize(dst, len(out))
	s := 1
	for k := range len(out) {
		ax := len(out) - 1 - k
		d := dimFromEnd(in, k)
		strides[ax] = 0
		if d != 1 {
			strides[ax] = s
		}
		s *= d
	}
	return strides
}

// resize returns dst[:n], or a new slice of length n when dst is shorter.
func resize(dst []int, n int) []int {
	if cap(dst) < n {
		return make([]int, n)
	}
	return dst[:n]
}

// Binary applies f element-wise to a and b with broadcasting and returns a
// new tensor. It panics, naming op, if the shapes do not broadcast.
func Binary(op string, a, b *Tensor, f func(x, y float64) float64) *Tensor {
	if slices.Equal(a.Shape, b.Shape) {
		out := New(a.Shape...)
		for i, x := range a.Data {
			out.Data[i] = f(x, b.Data[i])
		}
		return out
	}
	shape := BroadcastShape(op, a.Shape, b.Shape)
	out := New(shape...)
	if len(b.Data) == 1 {
		y := b.Data[0]
		if len(a.Data) == len(out.Data) {
			for i, x := range a.Data {
				out.Data[i] = f(x, y)
			}
			return out
		}
	}
	if len(a.Data) == 1 && len(b.Data) == len(out.Data) {
		x := a.Data[0]
		for i, y := range b.Data {
			out.Data[i] = f(x, y)
		}
		return out
	}
	// Common case: a is [.., n] full and b is a row [n] (bias add).
	if len(a.Data) == len(out.Data) && len(b.Shape) >= 1 && b.Shape[len(b.Shape)-1] == shape[len(shape)-1] && Size(b.Shape) == shape[len(shape)-1] {
		n := len(b.Data)
		for i, x := range a.Data {
			out.Data[i] = f(x, b.Data[i%n])
		}
		return out
	}
	sa := broadcastStrides(a.Shape, shape)
	sb := broadcastStrides(b.Shape, shape)
	idx := make([]int, len(shape))
	ia, ib := 0, 0
	for i := range out.Data {
		out.Data[i] = f(a.Data[ia], b.Data[ib])
		// increment the multi-index, tracking offsets into a and b
		for ax := len(shape) - 1; ax >= 0; ax-- {
			idx[ax]++
			ia += sa[ax]
			ib += sb[ax]
			if idx[ax] < shape[ax] {
				break
			}
			ia -= sa[ax] * shape[ax]
			ib -= sb[ax] * shape[ax]
			idx[ax] = 0
		}
	}
	return out
}

// Map returns a new tensor with f applied to every element of a.
func Map(a *Tensor, f func(float64) float64) *Tensor {
	out := New(a.Shape...)
	for i, x := range a.Data {
		out.Data[i] = f(x)
	}
	return out
}

// SumTo sums g over the axes that broadcasting expanded, returning a tensor
// of the given shape. It is the adjoint of broadcasting shape to g.Shape and
// is what every broadcasting op uses in its backward pass. It panics if
// shape does not broadcast to g.Shape.
func SumTo(g *Tensor, shape []int) *Tensor { return sumTo(nil, g, shape) }

func sumTo(ar *Arena, g *Tensor, shape []int) *Tensor {
	if slices.Equal(g.Shape, shape) {
		return ar.Clone(g)
	}
	var bs [shapeBuf]int
	if !slices.Equal(broadcastShapeTo(bs[:0], "SumTo", shape, g.Shape), g.Shape) {
		panic(fmt.Sprintf("tensor: SumTo: shape %v does not broadcast to %v", cloneShape(shape), cloneShape(g.Shape)))
	}
	out := ar.New(shape...)
	if len(g.Data) == 0 {
		return out
	}
	if len(out.Data) == 1 {
		// Everything sums into one element: the coalesced walk below is
		// then one loop over g, in order.
		s := 0.0
		for _, v := range g.Data {
			s += v
		}
		out.Data[0] += s
		return out
	}
	// Walk g's coalesced axes; the output's stride is 0 on summed axes.
	var b0, b1, b2, b3, b4 [shapeBuf]int
	dims, so, _ := coalesce(g.Shape, broadcastStridesTo(b0[:], shape, g.Shape), contiguousStridesTo(b1[:], g.Shape), b2[:0], b3[:0], b4[:0])
	last := len(dims) - 1
	n := dims[last]
	forOuter(dims[:last], so[:last], so[:last], func(r, io, _ int) {
		src := g.Data[r*n : (r+1)*n]
		if so[last] == 0 {
			s := 0.0
			for _, v := range src {
				s += v
			}
			out.Data[io] += s
			return
		}
		dst := out.Data[io : io+len(src)] // as long as src: no bounds checks
		for i, v := range src {
			dst[i] += v
		}
	})
	return out
}

// contiguousStridesTo returns the row-major strides of shape, in dst when
// it is long enough.
func contiguousStridesTo(dst, shape []int) []int {
	st := resize(dst, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}
