package cnn

import (
	"sync"

	"github.com/dlearn/dlearn/engine/data"
)

// Sizes of the data: the first NTrain training and NTest test digits of
// MNIST (or of the synthetic fallback).
const (
	NTrain = 8000
	NTest  = 500
)

// digits are the training and test images, read once per process and
// seed: reading the MNIST files takes about half a second, and a run is
// restarted (and rewound from its start) often. The images are never
// written to, so every machine shares them. The training digits are kept
// as bytes (6 MB rather than 50 MB of float64): each batch is made from
// them.
type digits struct {
	train *data.PackedImages
	test  *data.Images
}

var digitCache struct {
	sync.Mutex
	bySeed map[uint64]digits
	mnist  *digits // real MNIST does not depend on the seed
}

// loadDigits returns the lesson's images for seed, from the cache when it
// can.
func loadDigits(seed uint64) digits {
	c := &digitCache
	c.Lock()
	defer c.Unlock()
	if c.mnist != nil {
		return *c.mnist
	}
	if d, ok := c.bySeed[seed]; ok {
		return d
	}
	train, test := data.PackedDigits(seed, NTrain, NTest)
	d := digits{train: train, test: test}
	if train.Source == "mnist" {
		c.mnist = &d
		return d
	}
	if c.bySeed == nil {
		c.bySeed = map[uint64]digits{}
	}
	c.bySeed[seed] = d
	return d
}
