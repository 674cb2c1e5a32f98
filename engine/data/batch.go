package data

import (
	"fmt"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Batches returns the row indices of one epoch split into mini-batches of
// size batch (the last one may be smaller). With rng non-nil the rows are
// shuffled first, otherwise they stay in order. It panics if batch < 1.
func Batches(n, batch int, rng *rand.Rand) [][]int {
	if batch < 1 {
		panic(fmt.Sprintf("data: Batches: batch size %d < 1", batch))
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if rng != nil {
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	var out [][]int
	for lo := 0; lo < n; lo += batch {
		out = append(out, idx[lo:min(lo+batch, n)])
	}
	return out
}

// Rows returns a new tensor holding the given rows (first-axis slices) of t,
// in the order given. It panics if t has no axes or an index is out of range.
func Rows(t *tensor.Tensor, rows []int) *tensor.Tensor {
	if len(t.Shape) == 0 {
		panic("data: Rows: scalar tensor has no rows")
	}
	shape := append([]int{len(rows)}, t.Shape[1:]...)
	out := tensor.New(shape...)
	w := tensor.Size(t.Shape[1:])
	for i, r := range rows {
		if r < 0 || r >= t.Shape[0] {
			panic(fmt.Sprintf("data: Rows: row %d out of range for shape %v", r, t.Shape))
		}
		copy(out.Data[i*w:(i+1)*w], t.Data[r*w:(r+1)*w])
	}
	return out
}
