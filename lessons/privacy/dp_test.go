package privacy

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
)

// batchPass records a trained-a-little network's pass on the first n
// members and runs its backward pass.
func batchPass(t *testing.T, n int) (*net, *split, pass) {
	t.Helper()
	d := newSplit(42)
	nt := newNet(tensor.NewRNG(43))
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	x, y := d.batch(rows)
	tp := autograd.NewTape()
	p := nt.forward(tp, x, y)
	tp.Backward(p.loss)
	return nt, d, p
}

// exampleGrad is example i's gradient from its own forward and backward
// pass, flattened like perExample.full.
func exampleGrad(nt *net, d *split, i int) []float64 {
	x, y := d.batch([]int{i})
	autograd.ZeroGrad(nt.params()...)
	tp := autograd.NewTape()
	tp.Backward(nt.forward(tp, x, y).loss)
	var g []float64
	for _, p := range nt.params() {
		g = append(g, p.Grad.Data...)
	}
	return g
}

// TestPerExampleGradientsMatchOneBackwardEach: the per-example gradients
// read from the batch's one backward pass equal those of one backward
// pass per example, and so do their norms and weighted sums.
func TestPerExampleGradientsMatchOneBackwardEach(t *testing.T) {
	const n = 7
	nt, d, p := batchPass(t, n)
	pe := readPerExample(p)
	norms := pe.norms()
	s := []float64{0.3, 1, 0.5, 0, 2, 0.1, 1}
	want := make([]float64, nt.size())
	for i := range n {
		g := exampleGrad(nt, d, i)
		got := pe.full(i)
		if len(got) != len(g) {
			t.Fatalf("example %d: %d values, want %d", i, len(got), len(g))
		}
		for j := range g {
			if math.Abs(got[j]-g[j]) > 1e-12 {
				t.Fatalf("example %d, value %d: %g, its own backward pass gives %g", i, j, got[j], g[j])
			}
			want[j] += s[i] * g[j]
		}
		if math.Abs(norms[i]-math.Sqrt(sq(g))) > 1e-10 {
			t.Errorf("example %d: norm %g, want %g", i, norms[i], math.Sqrt(sq(g)))
		}
	}
	got := pe.weightedSum(s)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-12 {
			t.Fatalf("weighted sum, value %d: %g, want %g", j, got[j], want[j])
		}
	}
}

// lessonStep is one DP-SGD step written with the lesson's pieces, in the
// dpsgd exercise's form, so the exercise's own checks hold the lesson to
// the exercise's conventions.
func lessonStep(w []float64, grads [][]float64, C, sigma, lr float64, z []float64) (newW, noisyGrad []float64) {
	sum := make([]float64, len(w))
	for _, g := range grads {
		s := clipScale(math.Sqrt(sq(g)), C)
		for j, x := range g {
			sum[j] += s * x
		}
	}
	_, noisyGrad = noisyMean(sum, C, sigma, z, len(grads))
	newW = make([]float64, len(w))
	for j := range w {
		newW[j] = w[j] - lr*noisyGrad[j]
	}
	return newW, noisyGrad
}

func TestClipNoiseMeanPassesTheExercisesChecks(t *testing.T) {
	for _, p := range checks.CheckDPSGD(checks.DPSGDImpl{Step: lessonStep}) {
		t.Errorf("%+v", p)
	}
}

// TestDPStepMatchesTheExerciseFormula: the lesson's step on a real batch
// (factored per-example gradients) equals the exercise's formula on the
// gradients written out, with the same noise.
func TestDPStepMatchesTheExerciseFormula(t *testing.T) {
	const n = 9
	nt, d, p := batchPass(t, n)
	pe := readPerExample(p)
	const C, sigma, lr = 0.5, 1.3, 0.2
	ds := newDPStep(pe, C, sigma, lr, drawNoise(tensor.NewRNG(5), nt.size()))
	grads := make([][]float64, n)
	for i := range grads {
		grads[i] = exampleGrad(nt, d, i)
	}
	z := make([]float64, nt.size())
	rng := tensor.NewRNG(5)
	for j := range z {
		z[j] = rng.NormFloat64()
	}
	w := make([]float64, nt.size())
	_, want := lessonStep(w, grads, C, sigma, lr, z)
	for j := range want {
		if math.Abs(ds.mean[j]-want[j]) > 1e-12 {
			t.Fatalf("g̃[%d] = %g, want %g", j, ds.mean[j], want[j])
		}
	}
	clipped := 0
	for i, g := range grads {
		if math.Sqrt(sq(g)) > C {
			clipped++
		}
		if c := ds.norms[i] * ds.scales[i]; c > C*(1+1e-12) {
			t.Errorf("example %d: clipped norm %g > C", i, c)
		}
	}
	if clipped != ds.clipped {
		t.Errorf("clipped %d, want %d", ds.clipped, clipped)
	}
	// No noise: the mean of the clipped gradients; a huge C: the plain mean.
	plain := newDPStep(pe, 1e9, 0, lr, drawNoise(tensor.NewRNG(1), nt.size()))
	if math.Abs(plain.meanNorm-plain.plainNorm) > 1e-12 || plain.clipped != 0 {
		t.Errorf("C = 1e9, σ = 0: ‖g̃‖ %g, plain %g, clipped %d", plain.meanNorm, plain.plainNorm, plain.clipped)
	}
}

func TestAttackHandCases(t *testing.T) {
	// Members' losses all below the non-members': a perfect threshold.
	m := []float64{0.1, 0.2, 0.3, 0.4}
	n := []float64{1, 2, 3, 4}
	if tau := bestThreshold(m, n); !(tau > 0.4 && tau < 1) {
		t.Errorf("separable: τ = %g, want between 0.4 and 1", tau)
	}
	if a := auc(m, n); a != 1 {
		t.Errorf("separable: AUC %g, want 1", a)
	}
	// Identical losses: AUC ½, no threshold gains anything.
	if a := auc(n, n); a != 0.5 {
		t.Errorf("identical: AUC %g, want 0.5", a)
	}
	// By hand: members {1, 3}, non-members {2, 4}: P(member < non) =
	// (1<2, 1<4, 3<4) = 3 of 4.
	if a := auc([]float64{1, 3}, []float64{2, 4}); a != 0.75 {
		t.Errorf("AUC %g, want 0.75", a)
	}
	if got := below([]float64{1, 2, 3, 4}, 2.5); got != 0.5 {
		t.Errorf("below %g", got)
	}
	// runAttack on N members and non-members: reference halves pick τ,
	// targets score it.
	mem, non := make([]float64, N), make([]float64, N)
	for i := range N {
		mem[i], non[i] = 0.01*float64(i%10), 1+float64(i%7)
	}
	a := runAttack(mem, non)
	if a.TPR != 1 || a.FPR != 0 || a.Acc != 1 || a.Adv != 1 || a.AUC != 1 {
		t.Errorf("separable attack: %+v", a)
	}
}
