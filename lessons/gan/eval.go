package gan

import (
	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
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
