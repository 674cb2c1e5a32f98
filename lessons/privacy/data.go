package privacy

import (
	"sync"

	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/tensor"
)

// Sizes of the data: a pool of the first Pool digits of MNIST's training
// file, each shrunk to Side×Side pixels, split by the seed into N members
// (the training set) and N non-members (held out, from the same
// distribution).
const (
	Pool   = 2 * N
	N      = 500
	Side   = 14
	Pixels = Side * Side
)

// pool is the shrunk digits, read once per process (and per seed for the
// synthetic fallback) and never written to.
type pool struct {
	x      []float64 // Pool × Pixels
	labels []int
	source string
}

var poolCache struct {
	sync.Mutex
	bySeed map[uint64]*pool
	mnist  *pool
}

// loadPool returns the digits, each the average of 2×2 blocks of the
// 28×28 original: a quarter of the inputs keeps the network, its
// per-example gradients and the noise DP-SGD adds small.
func loadPool(seed uint64) *pool {
	c := &poolCache
	c.Lock()
	defer c.Unlock()
	if c.mnist != nil {
		return c.mnist
	}
	if p, ok := c.bySeed[seed]; ok {
		return p
	}
	train, _ := data.Digits(seed, Pool, 1)
	p := &pool{x: make([]float64, Pool*Pixels), labels: train.Labels, source: train.Source}
	const w = data.ImageW
	for i := range Pool {
		img := train.X.Data[i*w*w : (i+1)*w*w]
		for r := range Side {
			for c := range Side {
				s := img[2*r*w+2*c] + img[2*r*w+2*c+1] + img[(2*r+1)*w+2*c] + img[(2*r+1)*w+2*c+1]
				p.x[i*Pixels+r*Side+c] = s / 4
			}
		}
	}
	if train.Source == "mnist" {
		c.mnist = p
		return p
	}
	if c.bySeed == nil {
		c.bySeed = map[uint64]*pool{}
	}
	c.bySeed[seed] = p
	return p
}

// split is one run's data: members (the training set) and non-members,
// each a [N Pixels] matrix with labels, and the attacker's halves: the
// first Half of each are the reference examples whose membership the
// attacker is told, the rest the targets it is scored on.
type split struct {
	member, non       *tensor.Tensor
	memberY, nonY     []int
	memberIdx, nonIdx []int // rows of the pool
	source            string
}

// Half is the size of the attacker's reference half of each set.
const Half = N / 2

func newSplit(seed uint64) *split {
	p := loadPool(seed)
	perm := tensor.NewRNG(seed*7919 + 3).Perm(Pool)
	s := &split{memberIdx: perm[:N], nonIdx: perm[N:], source: p.source}
	take := func(idx []int) (*tensor.Tensor, []int) {
		x := tensor.New(len(idx), Pixels)
		y := make([]int, len(idx))
		for i, r := range idx {
			copy(x.Data[i*Pixels:(i+1)*Pixels], p.x[r*Pixels:(r+1)*Pixels])
			y[i] = p.labels[r]
		}
		return x, y
	}
	s.member, s.memberY = take(s.memberIdx)
	s.non, s.nonY = take(s.nonIdx)
	return s
}

// batch returns the members at rows.
func (s *split) batch(rows []int) (*tensor.Tensor, []int) {
	x := tensor.New(len(rows), Pixels)
	y := make([]int, len(rows))
	for i, r := range rows {
		copy(x.Data[i*Pixels:(i+1)*Pixels], s.member.Data[r*Pixels:(r+1)*Pixels])
		y[i] = s.memberY[r]
	}
	return x, y
}
