package tensor

import "fmt"

// SplitAxis views shape as [outer, n, inner] around axis: outer is the
// product of the sizes before axis, n the size of axis and inner the
// product of the sizes after it. It panics if axis is not in [0, len(shape)).
func SplitAxis(shape []int, axis int) (outer, n, inner int) {
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("tensor: axis %d out of range for shape %v", axis, shape))
	}
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, shape[axis], inner
}

// ReducedShape returns shape with axis removed, or set to 1 if keepdims.
// It panics if axis is out of range.
func ReducedShape(shape []int, axis int, keepdims bool) []int {
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("tensor: axis %d out of range for shape %v", axis, shape))
	}
	out := make([]int, 0, len(shape))
	out = append(out, shape[:axis]...)
	if keepdims {
		out = append(out, 1)
	}
	return append(out, shape[axis+1:]...)
}

// SumAxis returns the sum of a along axis, dropping that axis unless
// keepdims. It panics if axis is not in [0, a.Dims()).
func SumAxis(a *Tensor, axis int, keepdims bool) *Tensor { return sumAxis(nil, a, axis, keepdims) }

func sumAxis(ar *Arena, a *Tensor, axis int, keepdims bool) *Tensor {
	outer, n, inner := SplitAxis(a.Shape, axis)
	out := ar.New(ReducedShape(a.Shape, axis, keepdims)...)
	for o := range outer {
		dst := out.Data[o*inner : (o+1)*inner]
		for k := range n {
			src := a.Data[(o*n+k)*inner : (o*n+k+1)*inner]
			for i, v := range src {
				dst[i] += v
			}
		}
	}
	return out
}

// MaxAxis returns the maximum of a along axis (dropping that axis unless
// keepdims) and, for each output element, the position along axis of the
// first maximum. A NaN compares as larger than everything, so it
// propagates. It panics if axis is out of range or the axis is empty.
func MaxAxis(a *Tensor, axis int, keepdims bool) (*Tensor, []int) {
	outer, n, inner := SplitAxis(a.Shape, axis)
	if n == 0 {
		panic(fmt.Sprintf("tensor: MaxAxis: axis %d of shape %v is empty", axis, a.Shape))
	}
	out := New(ReducedShape(a.Shape, axis, keepdims)...)
	arg := make([]int, outer*inner)
	for o := range outer {
		dst := out.Data[o*inner : (o+1)*inner]
		copy(dst, a.Data[o*n*inner:(o*n+1)*inner])
		at := arg[o*inner : (o+1)*inner]
		for k := 1; k < n; k++ {
			src := a.Data[(o*n+k)*inner : (o*n+k+1)*inner]
			for i, v := range src {
				if v > dst[i] || (v != v && dst[i] == dst[i]) {
					dst[i] = v
					at[i] = k
				}
			}
		}
	}
	return out, arg
}

// ExpandAxis is the adjoint of a reduction along axis: it returns a tensor
// of shape where every slice along axis is a copy of g (g has shape with
// axis removed or kept as 1; only its size matters). It panics if the
// sizes do not match.
func ExpandAxis(g *Tensor, shape []int, axis int) *Tensor { return expandAxis(nil, g, shape, axis) }

func expandAxis(ar *Arena, g *Tensor, shape []int, axis int) *Tensor {
	outer, n, inner := SplitAxis(shape, axis)
	if len(g.Data) != outer*inner {
		panic(fmt.Sprintf("tensor: ExpandAxis: shape %v does not reduce %v along axis %d", g.Shape, shape, axis))
	}
	out := ar.Uninit(shape...)
	for o := range outer {
		src := g.Data[o*inner : (o+1)*inner]
		for k := range n {
			copy(out.Data[(o*n+k)*inner:], src)
		}
	}
	return out
}
