package nn

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

// TestCloneOwnsItsParameters: a cloned layer has the same names, shapes
// and values, in storage of its own, and keeps a missing bias missing.
func TestCloneOwnsItsParameters(t *testing.T) {
	rng := tensor.NewRNG(3)
	conv := NewConv2D("conv", 2, 3, 3, 1, 1, rng)
	dense := NewDense("dense", 4, 2, rng)
	c, d := conv.Clone(), dense.Clone()
	if c.Stride != conv.Stride || c.Pad != conv.Pad || c.Name != conv.Name || d.Name != dense.Name {
		t.Fatalf("clone settings %+v, %+v; want those of %+v, %+v", c, d, conv, dense)
	}
	for _, pair := range [][2]*tensor.Tensor{{conv.W.Value, c.W.Value}, {conv.B.Value, c.B.Value}, {dense.W.Value, d.W.Value}, {dense.B.Value, d.B.Value}} {
		orig, cl := pair[0], pair[1]
		if !slices.Equal(orig.Shape, cl.Shape) || !slices.Equal(orig.Data, cl.Data) {
			t.Fatalf("clone %v %v, want %v %v", cl.Shape, cl.Data, orig.Shape, orig.Data)
		}
		cl.Data[0]++
		if orig.Data[0] == cl.Data[0] {
			t.Fatal("the clone shares its values with the layer")
		}
	}
	if c.W.Name != conv.W.Name || d.B.Name != dense.B.Name {
		t.Fatalf("parameter names %q, %q; want %q, %q", c.W.Name, d.B.Name, conv.W.Name, dense.B.Name)
	}
	dense.B = nil
	if dense.Clone().B != nil {
		t.Fatal("a layer without a bias cloned into one with a bias")
	}
}
