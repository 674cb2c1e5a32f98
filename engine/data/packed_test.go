package data

import (
	"slices"
	"testing"
)

// TestPackedDigitsAreTheDigits checks that the packed training digits are
// Digits' own, value for value, with the same labels and provenance, and
// that Pack of an MNIST set round-trips.
func TestPackedDigitsAreTheDigits(t *testing.T) {
	const nTrain, nTest = 700, 50
	tr, te := Digits(7, nTrain, nTest)
	ptr, pte := PackedDigits(7, nTrain, nTest)
	if ptr.Len() != tr.Len() || ptr.Source != tr.Source || ptr.Origin != tr.Origin || ptr.Note != tr.Note {
		t.Fatalf("packed: %d images from %q (%q, %q), want %d from %q (%q, %q)", ptr.Len(), ptr.Source, ptr.Origin, ptr.Note, tr.Len(), tr.Source, tr.Origin, tr.Note)
	}
	if !slices.Equal(pte.X.Data, te.X.Data) || !slices.Equal(pte.Labels, te.Labels) {
		t.Fatal("PackedDigits' test images differ from Digits'")
	}
	rows := []int{0, 699, 3, 3, 350}
	for _, p := range []*PackedImages{ptr, Pack(tr)} {
		x, y := p.Batch(rows)
		wx, wy := tr.Batch(rows)
		if !slices.Equal(x.Shape, wx.Shape) || !slices.Equal(x.Data, wx.Data) || !slices.Equal(y, wy) {
			t.Fatalf("Batch(%v): shape %v, labels %v; want %v, %v (or the values differ)", rows, x.Shape, y, wx.Shape, wy)
		}
	}
	if tr.Source == "mnist" && ptr.pix == nil {
		t.Error("MNIST digits were not packed as bytes")
	}
	syn := SyntheticDigits(1, 5)
	if p := Pack(syn); p.pix != nil || p.x != syn.X {
		t.Error("Pack of synthetic digits did not keep their values as they are")
	}
}
