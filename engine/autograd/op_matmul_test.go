package autograd

import (
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/tensor"
	"pgregory.net/rapid"
)

func TestMatMulGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m, k, n := rapid.IntRange(1, 4).Draw(rt, "m"), rapid.IntRange(1, 4).Draw(rt, "k"), rapid.IntRange(1, 4).Draw(rt, "n")
		a, b := randParam(rt, "a", m, k), randParam(rt, "b", k, n)
		checkGrad(rt, func(tp *Tape) *Var { return tp.MatMul(a, b) }, a, b)
	})
}

func TestBatchMatMulGrad(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		bt := rapid.IntRange(1, 3).Draw(rt, "batch")
		m, k, n := rapid.IntRange(1, 3).Draw(rt, "m"), rapid.IntRange(1, 3).Draw(rt, "k"), rapid.IntRange(1, 3).Draw(rt, "n")
		ta, tb := rapid.Bool().Draw(rt, "transA"), rapid.Bool().Draw(rt, "transB")
		sa, sb := []int{bt, m, k}, []int{bt, k, n}
		if ta {
			sa = []int{bt, k, m}
		}
		if tb {
			sb = []int{bt, n, k}
		}
		a, b := randParam(rt, "a", sa...), randParam(rt, "b", sb...)
		checkGrad(rt, func(tp *Tape) *Var { return tp.BatchMatMul(a, b, ta, tb) }, a, b)
	})
}

func TestBatchMatMulMatchesMatMul(t *testing.T) {
	rng := tensor.NewRNG(3)
	a, b := tensor.RandN(rng, 2, 3, 4), tensor.RandN(rng, 2, 5, 4)
	tp := NoGradTape()
	got := tp.BatchMatMul(Const("a", a), Const("b", b), false, true)
	if !slices.Equal(got.Value.Shape, []int{2, 3, 5}) {
		t.Fatalf("shape %v", got.Value.Shape)
	}
	for i := range 2 {
		ai := tensor.FromValues(a.Data[i*12:(i+1)*12], 3, 4)
		bi := tensor.FromValues(b.Data[i*20:(i+1)*20], 5, 4)
		want := tensor.MatMul(ai, tensor.Transpose(bi))
		for j, w := range want.Data {
			if !near(got.Value.Data[i*15+j], w, 1e-14) {
				t.Errorf("batch %d element %d: %g, want %g", i, j, got.Value.Data[i*15+j], w)
			}
		}
	}
}

func TestMatMulPanics(t *testing.T) {
	tp := NewTape()
	mustPanic(t, func() { tp.MatMul(NewParam("a", tensor.New(3, 4)), NewParam("b", tensor.New(5, 2))) }, "MatMul", "[3 4]", "[5 2]")
	mustPanic(t, func() {
		tp.BatchMatMul(NewParam("a", tensor.New(2, 3, 4)), NewParam("b", tensor.New(3, 4, 2)), false, false)
	}, "BatchMatMul", "[2 3 4]", "[3 4 2]")
	mustPanic(t, func() {
		tp.BatchMatMul(NewParam("a", tensor.New(2, 3, 4)), NewParam("b", tensor.New(2, 3, 2)), false, false)
	}, "BatchMatMul", "[2 3 4]", "[2 3 2]")
}
