// Package data holds the deterministic datasets of the lessons and the
// mini-batching they train with. Every generator takes a seed; the same seed
// gives the same numbers on every machine (math/rand/v2's PCG through
// tensor.NewRNG; the tests pin a few values of each generator).
//
// # The seed's two examples
//
//	x, y := data.LinReg(seed, 100) // y = 2x + 1 + 0.5·N(0,1), x ~ U[0,1)
//	x, y := data.LogReg(seed, 100) // x ~ U[0,1)², y = round(0.5·(x1 + x2))
//
// # Toy sets
//
// Blobs, XOR, Moons, Circles, Spiral (CS231n's three arms) and Ring (eight
// Gaussians on a circle, the GAN lesson's target) return a *Set: X of
// shape [n 2] and integer Labels, with helpers for a batch (Set.Batch), a
// [n 1] float target (Set.Y) and one-hot targets (Set.OneHot).
//
// # Sequences and text
//
// Sine gives sine waves with random phases for the RNN lesson (NextStep
// splits them into inputs and next-step targets). DatePairs gives the
// seq2seq lesson's translation task ("29 Nov 2026" → "2026-11-29", from
// nine input formats) and Vocab the character vocabulary (padding, start,
// end and unknown tokens). Corpus is a few hundred words of our own
// sentences about animals, food, colours and numbers, Words its word
// vocabulary and SkipGrams the (centre, context) pairs of a window.
//
// # Digits
//
// MNIST loads the real digits from the files the GoMNIST module ships
// (found in the Go module cache, see MNISTDir) as [n 1 28 28] images in
// [0, 1]. SyntheticDigits draws digit-like strokes instead, and Digits
// tries MNIST and falls back to them, saying which it used (Images.Source)
// and why (Images.Note):
//
//	train, test := data.Digits(seed, 1000, 200)
//	if train.Source != "mnist" { show(train.Note) }
//
// # Mini-batches
//
// Batches splits one epoch's rows; a Loader deals batches epoch after
// epoch with a fresh shuffle each time, and can Seek to any batch of any
// epoch because each epoch's order depends only on the seed and the epoch:
//
//	l := data.NewLoader(s.Len(), 32, true, seed)
//	epoch, rows := l.Next()
//	x, labels := s.Batch(rows)
//
// # Errors and panics
//
// Panic and error messages start with "data: ". Sizes a program chooses
// (n < 1, a negative noise) panic; things a user can type (a date, a text
// too long for its sequence) and missing files return errors.
package data
