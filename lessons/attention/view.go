package attention

import (
	"fmt"
	"math"
	"strings"

	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is the data the narrative templates read.
type view struct {
	Causal bool
	part1
	part2
}

// part1 is the tiny example in numbers, worked for the focus query.
type part1 struct {
	Sentence, FocusWord, KeyWord   string
	FocusPos, KeyPos, D, NTok      int
	SqrtD                          float64
	XFocus, QFocus, KFocus, VFocus string
	QWork                          string // x_sat · first column of Wq, term by term
	Q0                             float64
	SelfWork                       string // q_sat · k_sat, term by term
	Score, Scaled, Weight          float64
	ScoreRow, ScaledRow            string // "the 0.1, cat −0.3, …"
	Visible, Masked                string // the keys sat may and may not see
	Max, ExpSum                    float64
	Exps                           []expItem // the focus row's softmax, key by key
	OutWork                        string    // the first entry of o_sat, term by term
	OutFocus                       string
	SameThe                        bool // the two "the" rows of O are equal
}

// expItem is one key of the focus row's softmax: e^(s − max) and the
// weight, or masked.
type expItem struct {
	Word               string
	Shift, Exp, Weight float64
	Masked             bool
}

// part2 is the training run in numbers.
type part2 struct {
	Heads, DK, Params, Step, Steps, Epoch, Epochs        int
	StepsPerEpoch, NTrain, NTest, Batch, DivStep, SeqLen int
	LR, Loss, BatchAcc, TestAcc, TestAcc0, TestLoss, Cap float64
	Chance, Uniform                                      float64
	PosAccList                                           string
	EpochEnd                                             bool
	Example, Right                                       int
	Input, Target, Output                                string
	Mirror                                               []headWeight
	// Mirror1 is SeqLen + 1: output i reads input Mirror1 − i.
	Mirror1 int
	// Sharp is the number of heads that put at least half their weight on
	// the mirror position. FirstHalf and SecondHalf are the positions of
	// each half ("1–3", "4–6"): the causal mask hides the second from the
	// first.
	Sharp                 int
	FirstHalf, SecondHalf string
	// Op is the node the op walk is at, in the forward and backward passes.
	Op opInfo
	// InEpoch is the number of steps done in the current epoch (all of
	// them at an epoch's end).
	InEpoch int
	// The goal and whether the run meets it now; the mean training loss of
	// the first and the last completed epoch; the learning rate the lesson
	// starts from; the outputs the mask leaves blind (empty without it).
	Goal, Blind         string
	GoalMet             bool
	LossFirst, LossLast float64
	StillFalling        bool // the last epoch's mean loss is 3% below the one before
	DefaultLR           float64
}

// headWeight is one head's mean weight on the mirror position.
type headWeight struct {
	Head   int
	Weight float64
}

func (m *machine) view(p prediction) view {
	return view{Causal: m.cfg.causal, part1: m.mech.view(), part2: m.trainingView(p)}
}

// view works part one's numbers for the focus query.
func (mc *mechanism) view() part1 {
	n, d := len(words), TinyDim
	i, j := Focus, mc.Key
	v := part1{
		Sentence: strings.Join(words, " "), FocusWord: words[i], KeyWord: words[j],
		FocusPos: i + 1, KeyPos: j + 1, D: d, NTok: n, SqrtD: math.Sqrt(float64(d)),
		XFocus: vec(row(mc.X, i)), QFocus: vec(row(mc.Q, i)), KFocus: vec(row(mc.K, i)), VFocus: vec(row(mc.V, i)),
		Score: mc.S.Data[i*n+j], Scaled: mc.Scaled.Data[i*n+j], Weight: mc.A.Data[i*n+j],
		OutFocus: vec(row(mc.O, i)),
	}
	col0 := make([]float64, d)
	for k := range d {
		col0[k] = mc.Wq.Data[k*d]
	}
	v.QWork, v.Q0 = dot(row(mc.X, i), col0), mc.Q.Data[i*d]
	v.SelfWork = dot(row(mc.Q, i), row(mc.K, i))
	var sRow, scRow, vis, mask []string
	var wts, v0 []float64
	v.Max = math.Inf(-1)
	for k := range n {
		if !masked(mc.causal, i, k) {
			v.Max = math.Max(v.Max, mc.Masked.Data[i*n+k])
		}
	}
	for k := range n {
		sRow = append(sRow, words[k]+" "+trainer.Num(mc.S.Data[i*n+k]))
		scRow = append(scRow, words[k]+" "+trainer.Num(mc.Scaled.Data[i*n+k]))
		it := expItem{Word: words[k], Weight: mc.A.Data[i*n+k], Masked: masked(mc.causal, i, k)}
		if it.Masked {
			mask = append(mask, words[k])
		} else {
			vis = append(vis, words[k])
			it.Shift = mc.Masked.Data[i*n+k] - v.Max
			it.Exp = math.Exp(it.Shift)
			v.ExpSum += it.Exp
			wts, v0 = append(wts, it.Weight), append(v0, mc.V.Data[k*d])
		}
		v.Exps = append(v.Exps, it)
	}
	v.ScoreRow, v.ScaledRow = strings.Join(sRow, ", "), strings.Join(scRow, ", ")
	v.Visible, v.Masked = strings.Join(vis, ", "), strings.Join(mask, ", ")
	v.OutWork = dot(wts, v0)
	v.SameThe = vec(row(mc.O, 0)) == vec(row(mc.O, 4))
	return v
}

// masked reports whether the causal mask hides key k from query i.
func masked(causal bool, i, k int) bool { return causal && k > i }

// trainingView gathers part two's numbers.
func (m *machine) trainingView(p prediction) part2 {
	last := m.evals[len(m.evals)-1]
	v := part2{
		Heads: m.cfg.heads, DK: Dim / m.cfg.heads, Params: countParams(m), Step: m.loop.Step,
		Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epoch: m.loop.Epoch,
		Epochs: m.loop.Epochs, StepsPerEpoch: m.loop.StepsPerEpoch(), NTrain: NTrain, NTest: NTest,
		Batch: Batch, DivStep: m.loop.DivStep, SeqLen: SeqLen, Mirror1: SeqLen + 1,
		LR: m.opt.LearningRate(), TestAcc: last.Acc, TestAcc0: m.evals[0].Acc, TestLoss: last.Loss,
		Chance: 1.0 / Vocab, Uniform: 1.0 / SeqLen, Cap: (float64(SeqLen/2) + float64(SeqLen-SeqLen/2)/Vocab) / SeqLen,
		Example:   m.cfg.example,
		FirstHalf: fmt.Sprintf("1–%d", SeqLen-SeqLen/2), SecondHalf: fmt.Sprintf("%d–%d", SeqLen-SeqLen/2+1, SeqLen),
	}
	acc := make([]string, SeqLen)
	for i, a := range last.PosAcc {
		acc[i] = fmt.Sprintf("%d: %.0f%%", i+1, 100*a)
	}
	v.PosAccList = strings.Join(acc, ", ")
	v.Goal, v.GoalMet, v.DefaultLR = goal.Text(), goal.Met(100*last.Acc), defaultLR
	if blind, _ := m.blindOutputs(); len(blind) > 0 && len(m.evals) > 1 {
		v.Blind = blind.list()
	}
	if l, per, e := m.loop.Losses, m.loop.StepsPerEpoch(), m.loop.Epoch; e > 0 && len(l) >= e*per {
		epochLoss := func(k int) float64 { return mean(l[k*per : (k+1)*per]) }
		v.LossFirst, v.LossLast = epochLoss(0), epochLoss(e-1)
		v.StillFalling = e > 1 && v.LossLast < 0.97*epochLoss(e-2)
	}
	if per := m.loop.StepsPerEpoch(); m.loop.Step > 0 {
		v.InEpoch = (m.loop.Step-1)%per + 1
	}
	for h, w := range last.Mirror {
		v.Mirror = append(v.Mirror, headWeight{h + 1, w})
		if w >= 0.5 {
			v.Sharp++
		}
	}
	v.Input, v.Target, v.Output = symbolString(p.Input), symbolString(p.Target), symbolString(p.Output)
	for i, o := range p.Output {
		if o == p.Target[i] {
			v.Right++
		}
	}
	if m.loop.Cur.Tape != nil {
		v.Loss = m.loop.Cur.Loss.Item()
	}
	if m.loop.Cur.Phase == trainer.Updated {
		v.BatchAcc = m.batchAcc[len(m.batchAcc)-1]
		v.EpochEnd = m.loop.EpochEnded()
	}
	v.Op, _ = currentOp(&m.loop.Cur)
	return v
}

// countParams is the number of trainable numbers of the encoder.
func countParams(m *machine) int {
	n := 0
	for _, p := range m.params {
		n += len(p.Value.Data)
	}
	return n
}

// symbolString spells a sequence of ids: "C A F F B H".
func symbolString(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = symbols[id : id+1]
	}
	return strings.Join(s, " ")
}

// vec formats a short vector: (0.1, −0.3, 2).
func vec(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = trainer.Num(x)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// dot spells a dot product term by term and its value:
// "0.1·0.5 + (−0.3)·2 + … = −0.55".
func dot(a, b []float64) string {
	terms := make([]string, len(a))
	s := 0.0
	for i := range a {
		terms[i] = paren(a[i]) + "·" + paren(b[i])
		s += a[i] * b[i]
	}
	return strings.Join(terms, " + ") + " = " + trainer.Num(s)
}

// paren wraps a negative number in parentheses, so "a·(−b)" reads right.
func paren(x float64) string {
	if x < 0 {
		return "(" + trainer.Num(x) + ")"
	}
	return trainer.Num(x)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
