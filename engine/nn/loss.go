package nn

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// MSE returns the mean squared error mean((pred − target)²) as a scalar,
// recorded as three nodes (sub, square, mean) so lessons can show each.
// It panics if the shapes differ.
func MSE(tp *autograd.Tape, pred, target *autograd.Var) *autograd.Var {
	if !tensor.SameShape(pred.Value, target.Value) {
		panic(fmt.Sprintf("nn: MSE: shapes %v and %v do not match", pred.Value.Shape, target.Value.Shape))
	}
	return tp.Mean(tp.Square(tp.Sub(pred, target)))
}
