package tensor

import "fmt"

// Permute returns a new tensor whose axis i is a's axis axes[i] (NumPy
// transpose with axes). It panics if axes is not a permutation of
// 0 … a.Dims()−1.
func Permute(a *Tensor, axes ...int) *Tensor {
	r := len(a.Shape)
	if len(axes) != r {
		panic(fmt.Sprintf("tensor: Permute: axes %v for shape %v", axes, a.Shape))
	}
	seen := make([]bool, r)
	shape := make([]int, r)
	for i, ax := range axes {
		if ax < 0 || ax >= r || seen[ax] {
			panic(fmt.Sprintf("tensor: Permute: axes %v are not a permutation for shape %v", axes, a.Shape))
		}
		seen[ax] = true
		shape[i] = a.Shape[ax]
	}
	out := New(shape...)
	if len(out.Data) == 0 {
		return out
	}
	src := contiguousStrides(a.Shape)
	st := make([]int, r) // stride in a of each output axis
	for i, ax := range axes {
		st[i] = src[ax]
	}
	if r == 0 {
		out.Data[0] = a.Data[0]
		return out
	}
	last := r - 1
	n, s := shape[last], st[last]
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
