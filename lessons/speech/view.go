package speech

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is what the narrative templates read.
type view struct {
	GoalText                      string
	NTrain, NTest, VoicesTrain    int
	VoicesTest                    int
	TestVariants                  string
	F, F2, Flat, ParamsAll        int
	Arch                          string
	Batch, Step, Epoch, Epochs    int
	TotalSteps, StepsPerEpoch     int
	DivStep, EvalStep, EvalEvery  int
	LR, Acc, Acc0, TestLoss, Loss float64
	Mean, Std                     float64
	Opt                           string
	EpochEnd                      bool

	// The sound being taken apart.
	Word                               int
	WordName, Voice                    string
	SR, NFFT, Hop, Bins, NMels, Frames int
	Samples                            int
	Dur, FrameMs, HopMs, BinHz         float64
	T, Start                           int
	StartMs                            float64
	RMS, WinRMS                        float64
	S0, W1, X1                         float64 // sample 1 of the frame, the window there and the product
	Mid                                int     // the middle sample, where the window is 1
	SMid, XMid                         float64
	Peak                               int
	PeakHz, PeakDB, TotalPow           float64
	Lo0, Hi0, LoN, HiN                 int     // the lowest and highest band's bins
	Lo0Hz, Hi0Hz, LoNHz, HiNHz         float64 // and their frequencies
	Loud                               int     // the loudest band
	LoudE, LoudLog, LoudLo, LoudHi     float64
	QuietLog                           float64
	MaxDiff, QScale, QOffset, FloorLog float64
	Heard                              int
	HeardProb                          float64
	HeardRight                         bool

	// The current training step, for the batch's first utterance x[0].
	Label          int
	LabelName      string
	Kept, Zeros    float64
	Top            int
	STop, SLabel   float64
	PLabel, NegLog float64
	DSLabel        float64

	// The end of the run.
	ClassAcc   []float64
	Worst      int
	WorstAcc   float64
	Wrong      int
	Confused   string
	ConfusedN  int
	End        *ending
	ClassNames []string
	// OneWord is the word the network answers for every test word (−1
	// when its answers differ).
	OneWord int
}

// ending is what the finished narrative says about the run's result.
type ending struct {
	Goal, Cause, Why, Try string
	Met                   bool
}

func (m *machine) view(phase string) view {
	f := m.net.f
	e := m.lastEval()
	s := m.snd
	h := m.c.raw.Header
	v := view{
		GoalText: goal.Text(), NTrain: m.c.train.Len(), NTest: m.c.test.Len(),
		F: f, F2: 2 * f, Flat: flat(f),
		Batch: m.loop.Batch, Step: m.loop.Step, Epoch: m.loop.Epoch, Epochs: m.loop.Epochs,
		TotalSteps: m.loop.Epochs * m.loop.StepsPerEpoch(), StepsPerEpoch: m.loop.StepsPerEpoch(),
		DivStep: m.loop.DivStep, EvalStep: e.Step, EvalEvery: m.evalEvery(),
		LR: m.opt.LearningRate(), Acc: e.Acc, Acc0: m.evals[0].Acc, TestLoss: e.Loss,
		Mean: m.c.mean, Std: m.c.std, ClassNames: words,
		Word: s.word, WordName: words[s.word], Voice: s.voice,
		SR: speech.SampleRate, NFFT: speech.NFFT, Hop: speech.Hop, Bins: speech.Bins, NMels: speech.NMels, Frames: speech.Frames,
		Samples: speech.Samples, Dur: float64(speech.Samples) / speech.SampleRate,
		FrameMs: 1000 * speech.NFFT / speech.SampleRate, HopMs: 1000 * speech.Hop / speech.SampleRate, BinHz: hz(1),
		T: s.t, Start: s.start, StartMs: 1000 * float64(s.start) / speech.SampleRate, RMS: s.rms,
		Mid: speech.NFFT / 2, Peak: s.peak, PeakHz: hz(s.peak), PeakDB: 10 * math.Log10(s.power[s.peak]+1e-12),
		MaxDiff: s.maxDiff, QScale: speech.QScale, QOffset: speech.QOffset, FloorLog: math.Log(speech.Floor),
	}
	for _, vc := range h.Voices {
		if vc.Test {
			v.VoicesTest++
		} else {
			v.VoicesTrain++
		}
	}
	v.TestVariants = "m3, f2, f5, klatt3, Annie and grandpa"
	v.ParamsAll = f*9 + f + 2*f*f*9 + 2*f + flat(f)*Classes + Classes
	v.Arch = architecture(f)
	v.Opt = map[string]string{"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}[m.opt.Name()]
	v.S0, v.W1, v.X1 = s.frame[1], s.window[1], s.windowed[1]
	v.SMid, v.XMid = s.frame[v.Mid], s.windowed[v.Mid]
	for _, x := range s.windowed {
		v.WinRMS += x * x
	}
	v.WinRMS = math.Sqrt(v.WinRMS / speech.NFFT)
	for _, p := range s.power {
		v.TotalPow += p
	}
	v.Lo0, v.Hi0 = s.bandEdges(0)
	v.LoN, v.HiN = s.bandEdges(H - 1)
	v.Lo0Hz, v.Hi0Hz, v.LoNHz, v.HiNHz = hz(v.Lo0), hz(v.Hi0), hz(v.LoN), hz(v.HiN)
	v.Loud = s.loudest()
	v.LoudE, v.LoudLog = s.bands[v.Loud], s.logs[v.Loud]
	lo, hi := s.bandEdges(v.Loud)
	v.LoudLo, v.LoudHi = hz(lo), hz(hi)
	v.QuietLog = s.logs[0]
	for _, l := range s.logs {
		v.QuietLog = math.Min(v.QuietLog, l)
	}
	if phase != "diverged" {
		hr := m.net.hear(m.inspected())
		v.Heard, v.HeardProb, v.HeardRight = hr.pred, hr.probs[hr.pred], hr.pred == s.word
	}
	cur := &m.loop.Cur
	if cur.Tape != nil {
		v.Label, v.Loss = m.yb[0], cur.Loss.Item()
		v.LabelName = words[v.Label]
		v.Batch = len(m.loop.Rows)
		v.EpochEnd = m.loop.EpochEnded()
	}
	if phase == "forward" || phase == "backward" {
		m.stepNumbers(&v)
	}
	if phase == "finished" || phase == "update" || phase == "ready" {
		v.ClassAcc = e.classAcc()
		v.Worst = 0
		for y, a := range v.ClassAcc {
			if a < v.ClassAcc[v.Worst] {
				v.Worst = y
			}
		}
		v.WorstAcc = v.ClassAcc[v.Worst]
		for y := range Classes {
			for p := range Classes {
				if y == p {
					continue
				}
				v.Wrong += e.confusion[y][p]
				if e.confusion[y][p] > v.ConfusedN {
					v.ConfusedN = e.confusion[y][p]
					v.Confused = fmt.Sprintf("%q heard as %q", words[y], words[p])
				}
			}
		}
	}
	v.OneWord = -1
	if len(e.preds) > 0 {
		v.OneWord = e.preds[0]
		for _, p := range e.preds {
			if p != v.OneWord {
				v.OneWord = -1
				break
			}
		}
	}
	if phase == "finished" {
		vd := lessons.Diagnose(Lesson(), m.Measures(), m.loop.Diverged, m.set)
		v.End = &ending{Goal: goal.Text(), Met: vd.Success, Cause: vd.Cause, Why: vd.Explain, Try: vd.Try}
	}
	return v
}

// inspected is the followed word's spectrogram as the network sees it,
// [1 1 H W].
func (m *machine) inspected() *tensor.Tensor {
	x, _ := m.c.test.Batch([]int{m.snd.test})
	return x
}

// stepNumbers fills in the numbers of the node just revealed.
func (m *machine) stepNumbers(v *view) {
	cur := &m.loop.Cur
	nodes := cur.Tape.Nodes()
	val := func(name string) *tensor.Tensor {
		for _, nd := range nodes {
			if nd.Out.Name == name {
				return nd.Out.Value
			}
		}
		return nil
	}
	name := nodes[cur.Fwd-1].Out.Name
	if cur.Phase == trainer.Backward {
		name = cur.Steps[len(cur.Steps)-1].Node.Out.Name
	}
	if name == "h1" || name == "h2" {
		a := val("a" + name[1:])
		v.Kept = share(a.Data, func(x float64) bool { return x > 0 })
	}
	if cur.Phase == trainer.Backward && name != "L" {
		for _, g := range cur.Steps[len(cur.Steps)-1].Grads {
			if g != nil {
				v.Zeros = share(g.Data, func(x float64) bool { return x == 0 })
				break
			}
		}
	}
	if s := val("s"); s != nil && (name == "s" || name == "L" || cur.Phase == trainer.Backward) {
		row := s.Data[:Classes]
		p := softmax(row)
		order := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		sort.SliceStable(order, func(i, j int) bool { return row[order[i]] > row[order[j]] })
		v.Top, v.STop, v.SLabel = order[0], row[order[0]], row[v.Label]
		v.PLabel = p[v.Label]
		v.NegLog = -math.Log(v.PLabel)
		v.DSLabel = (v.PLabel - 1) / float64(len(m.loop.Rows))
	}
}

func share(xs []float64, keep func(float64) bool) float64 {
	n := 0
	for _, x := range xs {
		if keep(x) {
			n++
		}
	}
	return float64(n) / float64(max(len(xs), 1))
}

// architecture lays out the layers, their output shapes and parameter
// counts as an indented code block.
func architecture(f int) string {
	rows := [][3]string{
		{"x, the spectrogram", fmt.Sprintf("1×%d×%d", H, W), ""},
		{fmt.Sprintf("a1 = conv1(x), %d kernels 3×3", f), fmt.Sprintf("%d×%d×%d", f, H, W), fmt.Sprint(f*9 + f)},
		{"h1 = ReLU(a1)", fmt.Sprintf("%d×%d×%d", f, H, W), ""},
		{"p1 = maxpool 2×2 (h1)", fmt.Sprintf("%d×%d×%d", f, H/2, W/2), ""},
		{fmt.Sprintf("a2 = conv2(p1), %d kernels %d×3×3", 2*f, f), fmt.Sprintf("%d×%d×%d", 2*f, H/2, W/2), fmt.Sprint(2*f*f*9 + 2*f)},
		{"h2 = ReLU(a2)", fmt.Sprintf("%d×%d×%d", 2*f, H/2, W/2), ""},
		{"p2 = maxpool 2×2 (h2)", fmt.Sprintf("%d×%d×%d", 2*f, H/4, W/4), ""},
		{"f = flatten(p2)", fmt.Sprint(flat(f)), ""},
		{"s = f·dense.W + dense.b", "10 scores", fmt.Sprint(flat(f)*Classes + Classes)},
		{"L = softmax cross-entropy", "1", ""},
	}
	var b strings.Builder
	b.WriteString("    layer                            output     parameters\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "    %s%s%s", pad(r[0], 33), pad(r[1], 11), r[2])
		if i < len(rows)-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(1, n-utf8.RuneCountInString(s)))
}
