package data

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/tensor"
)

// Set is a labelled dataset: X holds one example per row (first axis) and
// Labels the class of each, in 0 … Classes−1.
type Set struct {
	X       *tensor.Tensor
	Labels  []int
	Classes int
}

// Len returns the number of examples.
func (s *Set) Len() int { return len(s.Labels) }

// Batch returns the examples at rows, in that order, as a new tensor and a
// new label slice. It panics if a row is out of range.
func (s *Set) Batch(rows []int) (x *tensor.Tensor, labels []int) {
	x = Rows(s.X, rows)
	labels = make([]int, len(rows))
	for i, r := range rows {
		labels[i] = s.Labels[r]
	}
	return x, labels
}

// Y returns the labels as a float column of shape [n 1] (0 and 1 for a
// binary set), the target of a sigmoid output with binary cross-entropy.
func (s *Set) Y() *tensor.Tensor { return LabelColumn(s.Labels) }

// OneHot returns the labels one-hot encoded, shape [n Classes].
func (s *Set) OneHot() *tensor.Tensor { return OneHot(s.Labels, s.Classes) }

// Counts returns how many examples each class has.
func (s *Set) Counts() []int {
	c := make([]int, s.Classes)
	for _, l := range s.Labels {
		c[l]++
	}
	return c
}

// LabelColumn returns labels as floats in a tensor of shape [n 1].
func LabelColumn(labels []int) *tensor.Tensor {
	t := tensor.New(len(labels), 1)
	for i, l := range labels {
		t.Data[i] = float64(l)
	}
	return t
}

// OneHot returns a [len(labels) k] tensor with a 1 at (i, labels[i]) and 0
// elsewhere. It panics if a label is outside [0, k).
func OneHot(labels []int, k int) *tensor.Tensor {
	t := tensor.New(len(labels), k)
	for i, l := range labels {
		if l < 0 || l >= k {
			panic(fmt.Sprintf("data: OneHot: label %d at %d outside [0, %d)", l, i, k))
		}
		t.Data[i*k+l] = 1
	}
	return t
}

// mustPositive panics, naming op, unless every n is ≥ 1.
func mustPositive(op string, names string, ns ...int) {
	for _, n := range ns {
		if n < 1 {
			panic(fmt.Sprintf("data: %s: %s must be ≥ 1, got %v", op, names, ns))
		}
	}
}
