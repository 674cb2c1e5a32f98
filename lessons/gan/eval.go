package gan

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
)

// How generated points are counted against the ring's modes.
const (
	// NearRadius is how close to a mode's centre a generated point must
	// be to land on that mode: ten standard deviations of the real modes,
	// under a seventh of the 1.53 between neighbouring centres.
	NearRadius = 0.2
	// CoveredShare is the share of the shown points a mode needs to count
	// as covered (a fair share is 1/8 = 12.5%).
	CoveredShare = 0.02
	// PlotHalf is half the side of the square the plane panel shows.
	PlotHalf = 3.0
	// regionCells is the side of D's p(real) grid over that square.
	regionCells = 33
)

// coverage is how the shown generated points fall on the ring.
type coverage struct {
	// Counts are the points within NearRadius of each mode's centre; Off
	// the points near none.
	Counts [data.RingModes]int
	Off    int
	// Covered is the number of modes holding at least CoveredShare of the
	// points; OnRing the share of points that land on some mode.
	Covered int
	OnRing  float64
	// Outside is the number of points outside the plotted square.
	Outside int
}

// samples returns G's points for the shown noise, as [Shown 2].
func (m *machine) samples() *tensor.Tensor {
	return m.g.Forward(autograd.NoGradTape(), autograd.Const("z", m.shownZ)).Value
}

// coverage counts the shown generated points per mode.
func (m *machine) coverage() coverage {
	return coverageOf(m.samples())
}

func coverageOf(pts *tensor.Tensor) coverage {
	var c coverage
	n := pts.Shape[0]
	for i := range n {
		x, y := pts.Data[2*i], pts.Data[2*i+1]
		if mode, d := data.NearestRingMode(x, y); d <= NearRadius {
			c.Counts[mode]++
		} else {
			c.Off++
		}
		if !(x >= -PlotHalf && x <= PlotHalf && y >= -PlotHalf && y <= PlotHalf) {
			c.Outside++
		}
	}
	for _, k := range c.Counts {
		if float64(k) >= CoveredShare*float64(n) {
			c.Covered++
		}
	}
	c.OnRing = float64(n-c.Off) / float64(n)
	return c
}

// region is D(x) = σ(D's logit) at the centres of a regionCells² grid
// over the plotted square, row 0 at the bottom.
func (m *machine) region() []float64 {
	const n = regionCells
	xs := tensor.New(n*n, 2)
	step := 2 * PlotHalf / n
	for r := range n {
		for c := range n {
			xs.Data[2*(r*n+c)] = -PlotHalf + (float64(c)+0.5)*step
			xs.Data[2*(r*n+c)+1] = -PlotHalf + (float64(r)+0.5)*step
		}
	}
	logits := m.d.Forward(autograd.NoGradTape(), autograd.Const("x", xs)).Value.Data
	out := make([]float64, len(logits))
	for i, l := range logits {
		if out[i] = sigmoid(l); !finite(out[i]) {
			out[i] = 0.5 // only after a divergence; a scene never holds NaN
		}
	}
	return out
}

// evaluation is what the machine measures every evalEvery steps and at the
// end: the coverage of the shown points and the share of dead ReLU units.
// Measures reads the latest one, so it costs nothing per scene.
type evaluation struct {
	Step int
	Cov  coverage
	// Dead is the share of the hidden ReLU units of G and D that are zero
	// on every input they are shown: G on the shown noise, D on the shown
	// real points and G's points.
	Dead float64
}

// deadShare is the share of G's and D's hidden units that never fire: G's
// on the shown noise, D's on the first ShownReal real points and G's points
// pts.
func (m *machine) deadShare(pts *tensor.Tensor) float64 {
	gDead, gUnits := deadUnits(m.g, m.shownZ)
	in := tensor.New(ShownReal+pts.Shape[0], 2)
	copy(in.Data, m.real.X.Data[:2*ShownReal])
	copy(in.Data[2*ShownReal:], pts.Data)
	dDead, dUnits := deadUnits(m.d, in)
	return float64(gDead+dDead) / float64(gUnits+dUnits)
}

// deadUnits runs x through net layer by layer and counts, after every ReLU,
// the units that are zero on every row of x, and the units.
func deadUnits(net *nn.Sequential, x *tensor.Tensor) (dead, units int) {
	tp := autograd.NoGradTape()
	v := autograd.Const("x", x)
	for _, l := range net.Layers {
		v = l.Forward(tp, v)
		if _, ok := l.(nn.ReLU); !ok {
			continue
		}
		rows, cols := v.Value.Shape[0], v.Value.Shape[1]
		for j := range cols {
			fires := false
			for i := range rows {
				if v.Value.Data[i*cols+j] > 0 {
					fires = true
					break
				}
			}
			if !fires {
				dead++
			}
		}
		units += cols
	}
	return dead, units
}
