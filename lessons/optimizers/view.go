package optimizers

import (
	"cmp"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/optim"
)

// earlyStep is the step at which the finished narrative compares the
// distances of GD, momentum and Adam, before all of them have converged.
const earlyStep = 100

// window is how many recent updates the narrative looks at when it counts
// sign changes (zig-zag).
const window = 10

// pair is a 2-vector (x, y) as the narrative prints it.
type pair [2]float64

// optView is what the narrative knows about one optimizer: where it is,
// its last update in numbers, and its state before and after.
type optView struct {
	Name, Label string
	T           int // updates applied
	LR          float64
	Dist, Gap   float64 // distance to the nearest minimum; f − f*
	Travel      float64 // length of the path so far
	// RidgeSteps is how many updates kept |y| < 0.1 (the saddle's ridge).
	RidgeSteps int
	// Early is the distance to the nearest minimum after EarlyStep updates
	// (see view), and HasEarly whether the path got that far.
	Early    float64
	HasEarly bool

	Diverged bool
	DivStep  int
	DivWhy   string

	// G is the gradient the last update used (Exact + Noise); G2 its square.
	G, G2, Exact, Noise pair
	Old, New, Delta     pair

	// State before (Prev…) and after the last update, by optimizer.
	PrevVel, Vel            pair // momentum
	PrevAcc, Acc, SqrtAcc   pair // AdaGrad's G, RMSProp's v, and their roots
	PrevM, M, PrevV, V      pair // Adam
	MHat, VHat, SqrtVHat    pair
	BC1, BC2                float64
	Mu, Alpha, Beta1, Beta2 float64
	Eps                     float64
	Size, FirstSize         pair // effective per-coordinate step size
	HasSize                 bool

	// Of the last `window` updates: sign changes of g and of Δ per
	// coordinate, and momentum's |v|/|g| per coordinate.
	Window         int
	FlipX, FlipY   int
	DFlipX, DFlipY int
	RatioX, RatioY float64
	// WinN is how many recent updates the counts above cover.
	WinN int
	// Pile and Cancel name the coordinates ("x", "y") where momentum's
	// gradients kept their sign and where they kept flipping, when the
	// last updates show one of each; otherwise both are empty.
	Pile, Cancel string
	// Stale reports that √v̂ (Adam) exceeds five times |g| in both
	// coordinates: v̂ is dominated by older, larger gradients.
	Stale bool
	// NoiseWins reports that SGD's noise outweighed the exact gradient in
	// some coordinate.
	NoiseWins bool
}

// optView builds the view of r on surface s.
func (m *machine) optView(r *runner) optView {
	x, y := r.pos()
	v := optView{Name: r.name, Label: labels[r.name], T: r.updates(), LR: r.opt.LearningRate(),
		Dist: m.surf.dist(x, y), Gap: r.fs[len(r.fs)-1] - m.surf.fStar,
		Diverged: r.divStep > 0, DivStep: r.divStep, DivWhy: r.divWhy, Window: window,
		New: pair{r.p.Value.Data[0], r.p.Value.Data[1]}}
	for i := 1; i < len(r.xs); i++ {
		v.Travel += math.Hypot(r.xs[i]-r.xs[i-1], r.ys[i]-r.ys[i-1])
	}
	if n := min(earlyStep, m.steps); n < len(r.xs) {
		v.Early, v.HasEarly = m.surf.dist(r.xs[n], r.ys[n]), true
	}
	v.RidgeSteps = len(r.ys) - 1
	for i, yy := range r.ys[1:] {
		if math.Abs(yy) >= 0.1 {
			v.RidgeSteps = i
			break
		}
	}
	switch o := r.opt.(type) {
	case *optim.Momentum:
		v.Mu = o.Mu
	case *optim.AdaGrad:
		v.Eps = o.Eps
	case *optim.RMSProp:
		v.Alpha, v.Eps = o.Alpha, o.Eps
	case *optim.Adam:
		v.Beta1, v.Beta2, v.Eps = o.Beta1, o.Beta2, o.Eps
	}
	if v.T == 0 {
		return v
	}
	g := pair{r.gx[v.T-1], r.gy[v.T-1]}
	v.G, v.G2, v.Exact, v.Noise = g, pair{g[0] * g[0], g[1] * g[1]}, r.exact, r.noise
	if d := r.opt.LastUpdate(r.p); d != nil {
		v.Delta = pair{d.Data[0], d.Data[1]}
	}
	// The position before the last update: the point before the last one
	// recorded, or the last one if the update overflowed and was not
	// recorded.
	k := len(r.xs) - 1
	if len(r.xs) == v.T+1 {
		k--
	}
	v.Old = pair{r.xs[k], r.ys[k]}
	st := r.opt.State(r.p)
	get := func(s []optim.NamedState, name string) pair {
		if t := optim.Lookup(s, name); t != nil && len(t.Data) == 2 {
			return pair{t.Data[0], t.Data[1]}
		}
		return pair{}
	}
	scalar := func(name string) float64 {
		if t := optim.Lookup(st, name); t != nil {
			return t.Data[0]
		}
		return 0
	}
	v.PrevVel, v.Vel = get(r.prev, optim.StateVelocity), get(st, optim.StateVelocity)
	switch r.name {
	case "adagrad":
		v.PrevAcc, v.Acc = get(r.prev, optim.StateG), get(st, optim.StateG)
	case "rmsprop":
		v.PrevAcc, v.Acc = get(r.prev, optim.StateV), get(st, optim.StateV)
	}
	v.SqrtAcc = pair{math.Sqrt(v.Acc[0]), math.Sqrt(v.Acc[1])}
	v.PrevM, v.M = get(r.prev, optim.StateM), get(st, optim.StateM)
	v.PrevV, v.V = get(r.prev, optim.StateV), get(st, optim.StateV)
	v.MHat, v.VHat = get(st, optim.StateMHat), get(st, optim.StateVHat)
	v.SqrtVHat = pair{math.Sqrt(v.VHat[0]), math.Sqrt(v.VHat[1])}
	v.BC1, v.BC2 = scalar(optim.StateBias1), scalar(optim.StateBias2)
	if optim.Lookup(st, optim.StateStepSize) != nil {
		v.Size, v.FirstSize, v.HasSize = get(st, optim.StateStepSize), pair(r.firstSize), true
	}
	v.FlipX, v.FlipY = flips(r.gx, window), flips(r.gy, window)
	dx, dy := diffs(r.xs), diffs(r.ys)
	v.DFlipX, v.DFlipY = flips(dx, window), flips(dy, window)
	v.RatioX, v.RatioY = math.Abs(v.Vel[0]/g[0]), math.Abs(v.Vel[1]/g[1])
	v.WinN = min(v.T, window)
	switch {
	case v.WinN < 5:
	case v.FlipX == 0 && 2*v.FlipY >= v.WinN && v.RatioX > v.RatioY:
		v.Pile, v.Cancel = "x", "y"
	case v.FlipY == 0 && 2*v.FlipX >= v.WinN && v.RatioY > v.RatioX:
		v.Pile, v.Cancel = "y", "x"
	}
	v.Stale = v.SqrtVHat[0] > 5*math.Abs(g[0]) && v.SqrtVHat[1] > 5*math.Abs(g[1])
	v.NoiseWins = math.Abs(v.Noise[0]) > math.Abs(v.Exact[0]) || math.Abs(v.Noise[1]) > math.Abs(v.Exact[1])
	return v
}

func diffs(v []float64) []float64 {
	out := make([]float64, max(0, len(v)-1))
	for i := range out {
		out[i] = v[i+1] - v[i]
	}
	return out
}

// view is the data the narrative templates read.
type view struct {
	Surface, Title, Formula string
	Start                   pair
	Minima                  []pair
	FStar, Sigma            float64
	LR, NextLR              float64
	LRPending               bool
	Step, Steps, Op, Epoch  int
	EpochEnd                bool
	EpochSteps              int
	EarlyStep               int // min(earlyStep, Steps)
	// FloorFrac is lr·0.2: on the valley, the fraction of its remaining
	// distance along the floor GD covers per step.
	FloorFrac float64

	Focus, Moved optView
	Next         string // label of the optimizer that moves next
	Rule         string // the focused (or moved) optimizer's update, rendered

	// Ranking holds the optimizers still running, nearest first;
	// Diverged the others, in the order they diverged.
	Ranking, Diverged []optView
	Best, Worst       optView
	ByName            map[string]optView

	// The goal: GoalTol, and at the end whether the followed optimizer met
	// it and, if not, the verdict's cause.
	GoalTol float64
	GoalMet bool
	Cause   string
	// AdaFirst is AdaGrad's first step size, lr/(|g| + ε) with g the
	// gradient at the start; AdaRank its place among the optimizers still running at the
	// end; AdaShrinkX, AdaShrinkY how many times its step size has shrunk
	// since update 1; AdaSlow that it is the farthest of those running.
	AdaFirst               pair
	AdaRank                int
	AdaShrinkX, AdaShrinkY float64
	AdaSlow                bool
	// SGD at a fixed learning rate jitters around a minimum: Spread is the
	// standard deviation it settles into along x and y (from the curvature
	// there, see sgdSpread), SpreadDist their root sum of squares, and
	// SGDLate its root-mean-square distance to the minimum over the last
	// quarter of the run; Memory is 1/(lr·h) for the weaker curvature, the
	// steps a kick takes to fade. HasSpread is false where the curvature is
	// not diagonal or the rate is unstable; SGDMissed reports that SGD
	// ended farther than goalTol from the minimum.
	Spread          pair
	SpreadDist      float64
	SGDLate, Memory float64
	HasSpread       bool
	SGDMissed       bool
}

func (m *machine) view() view {
	s := m.surf
	v := view{Surface: s.id, Title: s.title, Formula: s.formula, Start: pair(s.start),
		FStar: s.fStar, Sigma: s.sigma, LR: m.lr, NextLR: m.nextLR, LRPending: m.nextLR != m.lr,
		Step: m.step, Steps: m.steps, Op: m.moved, Epoch: m.step / StepsPerEpoch,
		EpochEnd:   m.moved == 0 && m.step > 0 && m.step%StepsPerEpoch == 0,
		EpochSteps: StepsPerEpoch, FloorFrac: m.lr * 0.2, EarlyStep: min(earlyStep, m.steps),
		ByName: map[string]optView{}}
	for _, mn := range s.minima {
		v.Minima = append(v.Minima, pair(mn))
	}
	for _, r := range m.runners {
		ov := m.optView(r)
		v.ByName[r.name] = ov
		if ov.Diverged {
			v.Diverged = append(v.Diverged, ov)
		} else {
			v.Ranking = append(v.Ranking, ov)
		}
	}
	slices.SortStableFunc(v.Ranking, func(a, b optView) int { return cmp.Compare(a.Dist, b.Dist) })
	slices.SortStableFunc(v.Diverged, func(a, b optView) int { return cmp.Compare(a.DivStep, b.DivStep) })
	if len(v.Ranking) > 0 {
		v.Best, v.Worst = v.Ranking[0], v.Ranking[len(v.Ranking)-1]
	}
	v.Focus = v.ByName[m.focus]
	if m.last >= 0 {
		v.Moved = v.ByName[names[m.last]]
	}
	v.Next = labels[names[m.moved]]
	v.GoalTol = goalTol
	g0 := gradAt(s, s.start[0], s.start[1])
	eps := m.runner("adagrad").opt.(*optim.AdaGrad).Eps
	v.AdaFirst = pair{m.nextLR / (math.Abs(g0[0]) + eps), m.nextLR / (math.Abs(g0[1]) + eps)}
	for i, o := range v.Ranking {
		if o.Name == "adagrad" {
			v.AdaRank, v.AdaSlow = i+1, i == len(v.Ranking)-1 && i > 0 && v.Ranking[0].Dist <= goalTol
		}
	}
	if a := v.ByName["adagrad"]; a.HasSize {
		v.AdaShrinkX, v.AdaShrinkY = a.FirstSize[0]/a.Size[0], a.FirstSize[1]/a.Size[1]
	}
	if sg := m.runner("sgd"); sg.divStep == 0 && len(s.curv) == 2 {
		v.Spread, v.HasSpread = sgdSpread(m.lr, s.sigma, s.curv)
		v.SpreadDist = math.Hypot(v.Spread[0], v.Spread[1])
		n := len(sg.xs)
		for i := n - n/4; i < n; i++ {
			d := s.dist(sg.xs[i], sg.ys[i])
			v.SGDLate += d * d / float64(n/4)
		}
		v.SGDLate = math.Sqrt(v.SGDLate)
		v.Memory = 1 / (m.lr * min(s.curv[0], s.curv[1]))
		v.SGDMissed = v.ByName["sgd"].Dist > goalTol
	}
	if m.Done() {
		vd := m.verdict()
		v.GoalMet, v.Cause = vd.Success, vd.Cause
	}
	return v
}

// sgdSpread is the standard deviation, per coordinate, of the jitter SGD
// settles into around a minimum with curvatures h at a fixed learning rate
// lr and gradient noise N(0, σ²): each step maps the offset e to
// (1 − lr·h)·e − lr·noise, whose stationary variance is
// lr²σ²/(1 − (1 − lr·h)²). ok is false when |1 − lr·h| ≥ 1 in a
// coordinate (no stationary spread: the steps diverge).
func sgdSpread(lr, sigma float64, h []float64) (sd pair, ok bool) {
	for i := range 2 {
		a := 1 - lr*h[i]
		if math.Abs(a) >= 1 {
			return pair{}, false
		}
		sd[i] = lr * sigma / math.Sqrt(1-a*a)
	}
	return sd, true
}
