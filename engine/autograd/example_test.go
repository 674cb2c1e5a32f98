package autograd_test

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// The chain rule one node at a time: each step shows the upstream
// gradient, the local derivative of an element-wise op and their product.
func ExampleTape_BackwardSteps() {
	tp := autograd.NewTape()
	x := autograd.Const("x", tensor.FromValues([]float64{0.5}, 1))
	w := autograd.NewParam("w", tensor.FromValues([]float64{2}, 1))
	z := tp.Mul(x, w).Named("z")
	y := tp.Sigmoid(z).Named("y")
	loss := tp.Sum(tp.Square(y).Named("y²")).Named("L")
	for st := range tp.BackwardSteps(loss) {
		fmt.Printf("%-20s upstream %.4f", st.Node.Label(), st.Upstream.Data[0])
		if loc := st.Node.Local(0); loc != nil {
			fmt.Printf("  local %.4f", loc.Data[0])
		}
		fmt.Println()
	}
	fmt.Printf("dL/dw = %.4f\n", w.Grad.Data[0])
	// Output:
	// L = sum(y²)          upstream 1.0000
	// y² = square(y)       upstream 1.0000  local 1.4621
	// y = sigmoid(z)       upstream 1.4621  local 0.1966
	// z = mul(x, w)        upstream 0.2875  local 2.0000
	// dL/dw = 0.1437
}

// Softmax subtracts the row maximum first, so huge logits are fine.
func ExampleTape_Softmax() {
	tp := autograd.NoGradTape()
	p := tp.Softmax(autograd.Const("z", tensor.FromValues([]float64{1000, 0, 999}, 3)))
	fmt.Printf("%.4f\n", p.Value.Data)
	// Output: [0.7311 0.0000 0.2689]
}
