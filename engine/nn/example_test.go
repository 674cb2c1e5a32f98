package nn_test

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// A small classifier trained with plain gradient descent on a fixed batch:
// the loss falls from about log 3 (near-uniform guesses) towards 0.
func ExampleSequential() {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(
		nn.NewDenseInit("dense1", 2, 16, nn.GlorotUniform, rng), nn.Tanh{},
		nn.NewDenseInit("dense2", 16, 3, nn.GlorotUniform, rng),
	)
	x := autograd.Const("x", tensor.FromRows([][]float64{{1, 0}, {0, 1}, {-1, -1}}))
	labels := []int{0, 1, 2}
	for step := range 200 {
		tp := autograd.NewTape()
		loss := nn.CrossEntropy(tp, model.Forward(tp, x), labels)
		autograd.ZeroGrad(model.Params()...)
		tp.Backward(loss)
		for _, p := range model.Params() {
			for i, g := range p.Grad.Data {
				p.Value.Data[i] -= 0.5 * g
			}
		}
		if step == 0 || step == 199 {
			fmt.Printf("step %3d: loss %.3f\n", step, loss.Item())
		}
	}
	// Output:
	// step   0: loss 1.121
	// step 199: loss 0.002
}
