package checks

import (
	"math"
	"strings"
	"testing"
)

// The reference of the attention check against numbers worked out
// independently (in Python, and row 0 by hand: scores (1/√2, 0, 1/√2)
// give e^(1/√2)/(2e^(1/√2) + 1) = 0.40111…).
func TestAttentionReference(t *testing.T) {
	out, w := attnRun(attnVariant{}, [][]float64{{1, 0}, {0, 2}}, [][]float64{{1, 0}, {0, 1}, {1, 1}},
		[][]float64{{1, 0, 0}, {0, 2, 0}, {1, 1, 1}}, false)
	wantW := [][]float64{{0.4011120926797859, 0.1977758146404282, 0.4011120926797859},
		{0.10838345178479356, 0.44580827410760315, 0.44580827410760315}}
	wantO := [][]float64{{0.8022241853595719, 0.7966637219606423, 0.4011120926797859},
		{0.5541917258923967, 1.3374248223228093, 0.44580827410760315}}
	for i := range wantW {
		for j := range wantW[i] {
			near(t, "weights", w[i][j], wantW[i][j], 1e-15)
		}
		for j := range wantO[i] {
			near(t, "out", out[i][j], wantO[i][j], 1e-15)
		}
	}
	out, w = attnRun(attnVariant{}, [][]float64{{1, 0}, {0, 1}, {1, 1}}, [][]float64{{1, 0}, {0, 1}, {1, 1}},
		[][]float64{{1, 2}, {3, 4}, {5, 6}}, true)
	wantW = [][]float64{{1, 0, 0}, {0.3302384506733431, 0.6697615493266569, 0}, {0.2482550782577231, 0.2482550782577231, 0.5034898434845538}}
	wantO = [][]float64{{1, 2}, {2.3395230986533138, 3.3395230986533138}, {3.5104695304536615, 4.510469530453662}}
	for i := range wantW {
		for j := range wantW[i] {
			near(t, "causal weights", w[i][j], wantW[i][j], 1e-15)
			if j > i && w[i][j] != 0 {
				t.Errorf("masked weight [%d][%d] = %g, want exactly 0", i, j, w[i][j])
			}
		}
		for j := range wantO[i] {
			near(t, "causal out", out[i][j], wantO[i][j], 1e-14)
		}
	}
	// Scores of ±1414 stay finite.
	_, w = attnRun(attnVariant{}, [][]float64{{2000, 0}, {-2000, -1000}}, [][]float64{{1, 0}, {0, 1}, {1, 1}},
		[][]float64{{1, 2}, {3, 4}, {5, 6}}, false)
	for i, want := range [][]float64{{0.5, 0, 0.5}, {0, 1, 0}} {
		for j := range want {
			near(t, "large-score weights", w[i][j], want[j], 1e-12)
		}
	}
}

// Every known mistake changes the weights of the case it is meant for,
// so that its hint can fire.
func TestAttentionMistakesDiffer(t *testing.T) {
	r := newRand(1)
	Q, K, V := randMat(r, 4, 3, -2, 2), randMat(r, 4, 3, -2, 2), randMat(r, 4, 4, -2, 2)
	_, right := attnRun(attnVariant{}, Q, K, V, true)
	for _, m := range attnWeightMistakes {
		_, w := attnRun(m.v, Q, K, V, true)
		same := true
		for i := range w {
			for j := range w[i] {
				same = same && math.Abs(w[i][j]-right[i][j]) < 1e-9
			}
		}
		if same {
			t.Errorf("mistake %q gives the right weights", m.hint)
		}
	}
}

func TestAttentionStubIsNotImplemented(t *testing.T) {
	problems := CheckAttention(AttentionImpl{Attention: func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
		panic("TODO: implement attention.Attention")
	}})
	if len(problems) != len(attentionCases(AttentionImpl{})) {
		t.Fatalf("%d problems:\n%s", len(problems), Summary(problems))
	}
	for _, p := range problems {
		if p.Kind != NotImplemented || !strings.HasPrefix(p.Message, NotImplementedPrefix+"attention.Attention") {
			t.Errorf("[%s] %s %q", p.Check, p.Kind, p.Message)
		}
	}
}
