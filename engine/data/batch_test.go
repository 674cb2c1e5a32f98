package data

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
)

func TestLoader(t *testing.T) {
	l := NewLoader(10, 4, true, 3)
	if l.BatchesPerEpoch() != 3 {
		t.Fatalf("BatchesPerEpoch = %d", l.BatchesPerEpoch())
	}
	var epochs [3][]int
	for range 9 {
		e, rows := l.Next()
		epochs[e] = append(epochs[e], rows...)
	}
	for e, rows := range epochs {
		s := slices.Clone(rows)
		slices.Sort(s)
		if fmt.Sprint(s) != "[0 1 2 3 4 5 6 7 8 9]" {
			t.Errorf("epoch %d deals %v, not every row once", e, rows)
		}
	}
	if fmt.Sprint(epochs[0]) == fmt.Sprint(epochs[1]) {
		t.Errorf("epochs 0 and 1 have the same order %v", epochs[0])
	}
	if e, b := l.Pos(); e != 3 || b != 0 {
		t.Errorf("Pos = %d, %d after 9 batches", e, b)
	}
	// Seek replays any batch without the ones before it; a copy is a snapshot.
	l.Seek(1, 2)
	snap := *l
	_, rows := l.Next()
	if fmt.Sprint(rows) != fmt.Sprint(epochs[1][8:]) {
		t.Errorf("Seek(1, 2) then Next = %v, want %v", rows, epochs[1][8:])
	}
	if _, again := snap.Next(); fmt.Sprint(again) != fmt.Sprint(rows) {
		t.Errorf("snapshot gives %v, want %v", again, rows)
	}
	plain := NewLoader(5, 2, false, 3)
	var all []int
	for range 3 {
		_, r := plain.Next()
		all = append(all, r...)
	}
	if fmt.Sprint(all) != "[0 1 2 3 4]" {
		t.Errorf("unshuffled loader deals %v", all)
	}
}

func TestBatchesAndRows(t *testing.T) {
	b := Batches(5, 2, nil)
	if fmt.Sprint(b) != "[[0 1] [2 3] [4]]" {
		t.Errorf("Batches = %v", b)
	}
	x := tensor.FromValues([]float64{0, 1, 2, 3, 4, 5}, 3, 2)
	if r := Rows(x, []int{2, 0}); fmt.Sprint(r.Shape, r.Data) != "[2 2] [4 5 0 1]" {
		t.Errorf("Rows = %v", r)
	}
}
