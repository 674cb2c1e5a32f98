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

// Loader deals the rows of a dataset out in mini-batches, epoch after
// epoch, reshuffling every epoch. Epoch e's order depends only on the seed
// and e, so a run can be replayed or rewound to any batch (Seek) without
// replaying the ones before. A Loader is a small value: copy it to
// snapshot its position.
type Loader struct {
	n, batch int
	seed     uint64
	shuffle  bool

	epoch, pos int     // the next batch to deal
	order      [][]int // batches of epoch, made on demand
}

// NewLoader returns a Loader over n rows in batches of size batch (the
// last batch of an epoch may be smaller). With shuffle unset every epoch
// deals the rows in order. It panics if n or batch is < 1.
func NewLoader(n, batch int, shuffle bool, seed uint64) *Loader {
	mustPositive("NewLoader", "n and batch", n, batch)
	return &Loader{n: n, batch: batch, seed: seed, shuffle: shuffle}
}

// Next returns the rows of the next batch and the epoch (from 0) it
// belongs to, moving to the next epoch after the last batch of one. The
// returned slice must not be modified.
func (l *Loader) Next() (epoch int, rows []int) {
	if l.order == nil {
		l.order = l.EpochBatches(l.epoch)
	}
	epoch, rows = l.epoch, l.order[l.pos]
	l.pos++
	if l.pos == len(l.order) {
		l.epoch, l.pos, l.order = l.epoch+1, 0, nil
	}
	return epoch, rows
}

// Pos returns the epoch and the index within it of the batch Next returns
// next.
func (l *Loader) Pos() (epoch, batch int) { return l.epoch, l.pos }

// Seek moves to batch b of epoch e, so that Next returns it. It panics if
// e < 0 or b is not in [0, BatchesPerEpoch()).
func (l *Loader) Seek(e, b int) {
	if e < 0 || b < 0 || b >= l.BatchesPerEpoch() {
		panic(fmt.Sprintf("data: Loader.Seek: epoch %d batch %d out of range (%d batches per epoch)", e, b, l.BatchesPerEpoch()))
	}
	if e != l.epoch {
		l.order = nil
	}
	l.epoch, l.pos = e, b
}

// BatchesPerEpoch returns ⌈n/batch⌉.
func (l *Loader) BatchesPerEpoch() int { return (l.n + l.batch - 1) / l.batch }

// EpochBatches returns the batches of epoch e: Batches over the n rows,
// shuffled by a generator seeded with the Loader's seed and e.
func (l *Loader) EpochBatches(e int) [][]int {
	var rng *rand.Rand
	if l.shuffle {
		rng = rand.New(rand.NewPCG(l.seed, 0xda3e39cb94b95bdb+uint64(e)))
	}
	return Batches(l.n, l.batch, rng)
}
