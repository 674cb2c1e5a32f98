package tensor

import "fmt"

// Permute returns a new tensor whose axis i is a's axis axes[i] (NumPy
// transpose with axes). It panics if axes is not a permutation of
// 0 … a.Dims()−1.
func Permute(a *Tensor, axes ...int) *Tensor { return permute(nil, a, axes, "Permute") }

func permute(ar *Arena, a *Tensor, axes []int, op string) *Tensor {
	r := len(a.Shape)
	if len(axes) != r {
		panic(fmt.Sprintf("tensor: %s: axes %v for shape %v", op, axes, a.Shape))
	}
	var seenBuf [8]bool
	var shapeBuf, stBuf [8]int
	seen, shape, st := seenBuf[:0], shapeBuf[:0], stBuf[:0]
	if r > len(seenBuf) {
		seen, shape, st = make([]bool, 0, r), make([]int, 0, r), make([]int, 0, r)
	}
	seen, shape, st = seen[:r], shape[:r], st[:r]
	for i, ax := range axes {
		if ax < 0 || ax >= r || seen[ax] {
			panic(fmt.Sprintf("tensor: %s: axes %v are not a permutation for shape %v", op, axes, a.Shape))
		}
		seen[ax] = true
		shape[i] = a.Shape[ax]
	}
	out := ar.Uninit(shape...)
	if len(out.Data) == 0 {
		return out
	}
	// st: the stride in a of each output axis
	for i, ax := range axes {
		s := 1
		for _, d := range a.Shape[ax+1:] {
			s *= d
		}
		st[i] = s
	}
	if r == 0 {
		out.Data[0] = a.Data[0]
		return out
	}
	last := r - 1
	n, s := shape[last], st[last]
	if s == 1 { // the last axis stays last: rows copied whole
		forOuter(shape[:last], st[:last], st[:last], func(o, ia, _ int) {
			copy(out.Data[o*n:(o+1)*n], a.Data[ia:ia+n])
		})
		return out
	}
	forOuter(shape[:last], st[:last], st[:last], func(o, ia, _ int) {
		dst := out.Data[o*n : (o+1)*n]
		for i := range dst {
			dst[i] = a.Data[ia+i*s]
		}
	})
	return out
}

// InversePermutation returns the axes that undo Permute(·, axes...).
func InversePermutation(axes []int) []int {
	inv := make([]int, len(axes))
	for i, ax := range axes {
		inv[ax] = i
	}
	return inv
}
