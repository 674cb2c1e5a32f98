package overfit

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// view is what the narrative templates read: the run's numbers now, and
// for the op just revealed, what it did.
type view struct {
	N, ValN, Width, Params, PerPoint, Epoch, Epochs, DivStep, Patience int
	LR, Lambda, P, Scale, Factor                                       float64
	// SetLambda is λ as set now; Lambda and P are the values the current
	// (or last) training step used.
	SetLambda      float64
	Early, Stopped bool

	// Measured after the last epoch (in evaluation mode), the best epoch
	// so far and the run's verdict.
	TrainLoss, ValLoss, Gap, TrainAcc, ValAcc, StartVal float64
	Best, SinceBest, StoppedAt, StopWouldBe             int
	BestVal, TrainAtBest, Rise, MaxRise, TrainFall      float64
	Overfitting, Improving, TrainFell, Unstable, Steady bool

	// The update of one weight, w = d2.W[0][0].
	WOld, G, Decay, Sum, WNew float64
	// Weight norms now, at the start and when λ last changed.
	Norm, StartNorm, LambdaNorm    [3]float64
	Total, StartTotal, LambdaTotal float64
	TotalChange, NormChange        float64
	LambdaFrom                     int
	LambdaLater                    bool

	// The op just revealed.
	Layer                      int
	Label, Shape, In           string
	Rows, InDim, OutDim, Size  int
	Zeros, Dropped, MeanBefore float64
	MeanAfter, Loss            float64
	Z0, Y0, P0, G0, GradNorm   float64

	// End is the verdict on the finished run and what to try next; nil
	// before the end.
	End *ending
}

// ending is what the finished narrative says about the goal.
type ending struct {
	Goal, Cause, Why, Try string
	Met                   bool
	// Plain is a run with no remedy on: no L2, no dropout, no early
	// stopping and the 30 training points of the defaults.
	Plain bool
	// Remedies are the remedies worth trying next, chosen from the
	// settings; Helped names the ones this run has on.
	Remedies, Helped []string
}

func (m *machine) view() view {
	h := &m.hist
	e := len(h.valLoss) - 1 // the last measured epoch
	v := view{
		N: m.cfg.n, ValN: ValN, Width: m.cfg.width, Params: m.net.count(), Epoch: m.loop.Epoch,
		Epochs: m.cfg.epochs, DivStep: m.loop.DivStep, Patience: Patience,
		LR: m.opt.LR, Lambda: m.lambda, SetLambda: m.lambda, P: m.p, Early: m.cfg.early, Stopped: h.stopped, StoppedAt: h.stoppedAt,
		TrainLoss: h.trainLoss[e], ValLoss: h.valLoss[e], TrainAcc: h.trainAcc[e], ValAcc: h.valAcc[e],
		StartVal: h.valLoss[0], Best: h.best, BestVal: h.valLoss[h.best], TrainAtBest: h.trainLoss[h.best],
		StartNorm: h.startNorms, LambdaNorm: h.lambdaNorms, LambdaFrom: h.lambdaFrom,
	}
	if h.stopped {
		// The weights are back to the best epoch's: so are the numbers.
		v.TrainLoss, v.ValLoss, v.TrainAcc, v.ValAcc = v.TrainAtBest, v.BestVal, h.trainAcc[h.best], h.valAcc[h.best]
	}
	v.PerPoint = v.Params / v.N
	v.Gap = v.ValLoss - v.TrainLoss
	v.SinceBest = e - h.best
	v.StopWouldBe = h.best + Patience
	v.Rise = h.valLoss[e]/v.BestVal - 1
	v.TrainFall = 1 - h.trainLoss[e]/v.TrainAtBest
	v.Unstable = h.trainLoss[e] > 1.5*v.TrainAtBest && h.trainLoss[e] > 0.1
	// The goal's line: a validation loss more than 10% above its lowest.
	v.Overfitting = !v.Unstable && v.SinceBest >= 10 && v.Rise > 0.1 && v.TrainFall > 0
	v.MaxRise = slices.Max(h.valLoss[h.best:])/v.BestVal - 1
	v.Steady = v.SinceBest >= 10 && v.MaxRise <= 0.02
	v.Improving = v.SinceBest == 0 && e > 0
	v.TrainFell = e > 0 && h.trainLoss[e] < h.trainLoss[e-1]
	v.Norm = m.net.norms()
	v.Total, v.StartTotal, v.LambdaTotal = total(v.Norm), total(v.StartNorm), total(v.LambdaNorm)
	v.TotalChange, v.NormChange = v.Total/v.StartTotal-1, v.Total/v.LambdaTotal-1
	v.LambdaLater = m.lambda > 0 && h.lambdaFrom > 0 && e > h.lambdaFrom

	if m.Done() && !m.loop.Diverged {
		v.End = m.ending()
	}
	cur := &m.loop.Cur
	if cur.Tape == nil {
		return v
	}
	v.Lambda, v.P = m.step.lambda, m.step.p
	if v.P > 0 {
		v.Scale = 1 / (1 - v.P)
	}
	v.Factor = 1 - v.LR*v.Lambda
	w := m.net.layers[1].W
	v.WNew = w.Value.Data[0]
	v.WOld = v.WNew
	if g := cur.GradSoFar(w); g != nil {
		v.G = g[0]
	}
	if cur.Phase == trainer.Updated {
		if d := m.opt.LastUpdate(w); d != nil {
			v.WOld = v.WNew - d.Data[0]
		}
	}
	v.Decay = v.Lambda * v.WOld
	v.Sum = v.G + v.Decay
	if cur.Phase == trainer.Forward {
		v.opForward(cur.Tape.Nodes()[cur.Fwd-1])
	} else if cur.Phase == trainer.Backward {
		v.opBackward(cur.Steps[len(cur.Steps)-1])
	}
	v.Loss = cur.Loss.Item()
	return v
}

// layerOf reads the layer number from a node's name: z2, a2, h2, h2~ are
// layer 2, the logit layer 3.
func layerOf(name string) int {
	if name == "logit" || name == "L" {
		return 3
	}
	if len(name) >= 2 && name[1] >= '1' && name[1] <= '9' {
		return int(name[1] - '0')
	}
	return 0
}

func (v *view) opForward(n *autograd.Node) {
	out := n.Out.Value
	v.Label, v.Layer, v.Shape, v.Size = n.Label(), layerOf(n.Out.Name), shape(out), len(out.Data)
	in := n.Inputs[0]
	v.In, v.Rows = in.Name, in.Value.Shape[0]
	switch n.Op {
	case "matmul":
		v.InDim, v.OutDim = n.Inputs[1].Value.Shape[0], n.Inputs[1].Value.Shape[1]
	case "relu":
		v.Zeros = fraction(out.Data, func(x float64) bool { return x == 0 })
	case "dropout":
		v.Dropped = fraction(n.Local(0).Data, func(x float64) bool { return x == 0 })
		v.MeanBefore, v.MeanAfter = mean(in.Value.Data), mean(out.Data)
	case "bce_logits":
		v.Z0, v.Y0 = in.Value.Data[0], n.Inputs[1].Value.Data[0]
	}
}

func (v *view) opBackward(st autograd.Step) {
	n := st.Node
	v.opForward(n)
	switch n.Op {
	case "bce_logits":
		v.P0 = 1 / (1 + math.Exp(-v.Z0))
		v.G0 = st.Grads[0].Data[0]
	case "matmul":
		if g := st.Grads[1]; g != nil {
			v.GradNorm = norm(g.Data)
		}
	case "relu":
		v.Zeros = fraction(n.Out.Value.Data, func(x float64) bool { return x == 0 })
	}
}

func total(n [3]float64) float64 { return math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2]) }

func shape(t *tensor.Tensor) string {
	parts := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

func fraction(xs []float64, f func(float64) bool) float64 {
	k := 0
	for _, x := range xs {
		if f(x) {
			k++
		}
	}
	return float64(k) / float64(len(xs))
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
