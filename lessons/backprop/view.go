package backprop

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is the data the narrative templates read. Forward numbers are those
// of the current step's tape, worked out for the focus point (1,1) and the
// first hidden unit; parameter values are the ones that forward pass used.
type view struct {
	Act                                    string
	Hidden, Params, N, Step, StepShown, U  int
	Epochs, Correct, FwdCorrect, DivStep   int
	LR, StartLoss, FullLoss, FullAcc       float64
	Pt                                     string
	X1, X2, Y                              float64
	W1a, W1b, B1, W2j, B2                  float64
	XW1, Z1, H, HW2, Z2, P, E, E2, Loss    float64
	XW1Terms, HW2Terms, E2Terms            string
	PList, FullPList                       string
	Dead                                   string // names of dead ReLU units, "h2, h3"
	DeadAre                                string // "Unit h2 is" or "Units h2, h3 are"
	NDead                                  int
	AllDead, Linear, Solved, InStep, Ended bool
	// Overshot: the loss is explodeFactor times the untrained one, or p is
	// stuck near 0 or 1 on a wrong point (Stuck) — the signs of too large
	// a learning rate. Barely: the loss has hardly moved from the start.
	Overshot, Stuck, Barely bool
	// Sat names the hidden units saturated on all four points (see
	// saturatedUnits), NSat counts them; OutSat reports that the output
	// sigmoid is saturated on all four; Tie that some p is exactly 0.5.
	Sat         string
	NSat        int
	OutSat, Tie bool
	// StuckAt names the confidently wrong points with their p ("(1,0)
	// has p = 9.43e-08"); NearHalf reports every p within 0.1 of 0.5.
	StuckAt  string
	NearHalf bool
	// Tie00 reports that (0,0) has p exactly 0.5 (as it does untrained
	// with tanh or ReLU: zero inputs, zero biases).
	Tie00        bool
	MaxZ1, MaxZ2 float64 // the largest |z1| and |z2| over the points, now
	// Cause is the runtime's verdict on a finished run that missed the
	// goal ("" otherwise), Drop the loss's fall over the last fifth of
	// the run, in percent.
	Cause string
	Drop  float64
	chain
	Updates []update
}

// update is one parameter's gradient-descent step, for the narrative.
type update struct {
	Name                 string
	Old, Grad, Step, New float64
}

func (m *machine) view() view {
	v := view{
		Act: m.act, Hidden: m.hidden, Params: 4*m.hidden + 1, N: N, U: m.focus + 1,
		Step: m.loop.Step, StepShown: m.loop.Step, Epochs: m.loop.Epochs, DivStep: m.loop.DivStep,
		LR: m.opt.LR, StartLoss: m.startLoss, FullLoss: m.loss(), FullAcc: m.accuracy(),
		Pt: pointNames[focusPoint], X1: xorX[focusPoint][0], X2: xorX[focusPoint][1], Y: xorY[focusPoint],
		Linear: m.hidden == 1, Ended: m.Done(),
	}
	full := m.predict(m.x)
	v.FullPList, v.Correct = predictions(full)
	v.Solved = goal.Met(float64(v.Correct))
	for _, p := range full {
		if p == 0.5 {
			v.Tie = true
		}
	}
	v.Tie00 = full[0] == 0.5
	z1 := m.z1Now()
	if m.loop.Cur.Tape != nil {
		z1 = m.cur.z1.Value
	}
	v.Dead, v.NDead = deadNames(m.deadUnits(z1))
	v.Sat, v.NSat = deadNames(m.saturatedUnits(z1))
	v.OutSat = m.outputSaturated()
	v.MaxZ1, v.MaxZ2 = maxAbs(m.z1Now().Data), maxAbs(m.z2Now())
	if v.Ended && !v.Solved {
		v.Cause = m.verdict().Cause
	}
	if n := len(m.loop.Losses); n >= 5 {
		first := m.loop.Losses[n-n/5-1]
		v.Drop = 100 * (first - m.loop.Losses[n-1]) / first
	}
	v.AllDead = v.NDead == m.hidden
	v.DeadAre = "Unit " + v.Dead + " is"
	if v.NDead > 1 {
		v.DeadAre = "Units " + v.Dead + " are"
	}
	var stuck []string
	v.NearHalf = true
	for i, p := range full {
		if math.Abs(p-xorY[i]) > stuckGap {
			v.Stuck = true
			stuck = append(stuck, fmt.Sprintf("%s has p = %s", pointNames[i], pNum(p)))
		}
		if math.Abs(p-0.5) >= 0.1 {
			v.NearHalf = false
		}
	}
	v.StuckAt = strings.Join(stuck, ", ")
	v.Overshot = v.FullLoss > explodeFactor*m.startLoss || v.Stuck
	v.Barely = v.FullLoss > 0.9*m.startLoss
	if m.loop.Cur.Tape == nil {
		return v
	}
	v.InStep = true
	if m.loop.InStep() {
		v.StepShown = m.loop.Step + 1
	}
	H, F, J := m.hidden, focusPoint, m.focus
	w1, b1, w2, b2 := m.used(m.l1.W), m.used(m.l1.B), m.used(m.l2.W), m.used(m.l2.B)
	v.W1a, v.W1b, v.B1, v.W2j, v.B2 = w1.Data[J], w1.Data[H+J], b1.Data[J], w2.Data[J], b2.Data[0]
	c := m.cur
	v.XW1, v.Z1, v.H = c.xW1.Value.Data[F*H+J], c.z1.Value.Data[F*H+J], c.h.Value.Data[F*H+J]
	v.HW2, v.Z2, v.P = c.hW2.Value.Data[F], c.z2.Value.Data[F], c.p.Value.Data[F]
	v.E, v.E2, v.Loss = c.e.Value.Data[F], c.e2.Value.Data[F], c.loss.Item()
	v.XW1Terms = dotOf([]float64{v.X1, v.X2}, []float64{v.W1a, v.W1b})
	v.HW2Terms = dotOf(c.h.Value.Data[F*H:(F+1)*H], w2.Data)
	v.E2Terms = sumOf(c.e2.Value.Data)
	v.PList, v.FwdCorrect = predictions(c.p.Value.Data)
	if len(m.loop.Cur.Steps) > 0 && m.loop.Cur.Phase == trainer.Backward {
		v.chain = m.chainAt(m.loop.Cur.Steps[len(m.loop.Cur.Steps)-1])
	}
	if m.loop.Cur.Phase == trainer.Updated {
		for _, u := range []struct {
			name string
			p    *autograd.Var
			i    int
		}{
			{fmt.Sprintf("W1[1,%d]", J+1), m.l1.W, J},
			{fmt.Sprintf("W1[2,%d]", J+1), m.l1.W, H + J},
			{fmt.Sprintf("b1[%d]", J+1), m.l1.B, J},
			{fmt.Sprintf("W2[%d]", J+1), m.l2.W, J},
			{"b2", m.l2.B, 0},
		} {
			old := m.before[u.p].Data[u.i]
			g := u.p.Grad.Data[u.i]
			v.Updates = append(v.Updates, update{Name: u.name, Old: old, Grad: g, Step: v.LR * g, New: u.p.Value.Data[u.i]})
		}
	}
	return v
}

// used returns the value of parameter p that the current step's forward
// pass used: after the update, the value it had before.
func (m *machine) used(p *autograd.Var) *tensor.Tensor {
	if m.loop.Cur.Phase == trainer.Updated && m.before != nil {
		return m.before[p]
	}
	return p.Value
}

// predictions lists each point's p and counts the points on the right
// side of 0.5. A p of exactly 0.5 is marked undecided (and is wrong); a p
// that rounds to 0.5 but is not is printed with the digits that show its
// side.
func predictions(p []float64) (string, int) {
	parts := make([]string, N)
	right := 0
	for i, pi := range p {
		mark := "✗"
		switch {
		case pi == 0.5:
			mark = "✗ undecided"
		case right1(pi, xorY[i]):
			mark, right = "✓", right+1
		}
		parts[i] = fmt.Sprintf("%s → %s %s", pointNames[i], pNum(pi), mark)
	}
	return strings.Join(parts, ", "), right
}

// pNum formats a probability like trainer.Num, with more digits when four
// would show 0.5 for a p that is not exactly 0.5.
func pNum(p float64) string {
	s := trainer.Num(p)
	for d := 5; s == "0.5" && p != 0.5 && d <= 17; d++ {
		s = strconv.FormatFloat(p, 'g', d, 64)
	}
	return s
}

// maxAbs is the largest |x| in v.
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// deadNames names the dead units ("h2, h3") and counts them.
func deadNames(units []int) (string, int) {
	names := make([]string, len(units))
	for i, j := range units {
		names[i] = fmt.Sprintf("h%d", j+1)
	}
	return strings.Join(names, ", "), len(units)
}
