package optimizers

import (
	"math"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
)

// surface is a 2-D loss surface f(x, y) the six optimizers descend.
//
// build records f on a tape so the engine's backward pass gives the
// gradient; f is the same function in plain Go, used for the contour grid
// and the loss of each position. The two must agree (a test checks it).
type surface struct {
	id, title string
	// formula is f as the narrative prints it.
	formula string
	build   func(tp *autograd.Tape, p *autograd.Var) *autograd.Var
	f       func(x, y float64) float64
	// start is where all six optimizers begin.
	start [2]float64
	// minima are the global minima, at which f = fStar.
	minima [][2]float64
	fStar  float64
	// sigma is the standard deviation of SGD's gradient noise.
	sigma float64
	// curv is f's curvature along x and along y at the minima, where the
	// Hessian is diagonal (nil where it is not): what pulls SGD back.
	curv []float64
	// xr and yr are the plot's fixed ranges; levels the contour levels.
	xr, yr scene.Range
	levels []float64
}

// surfaceIDs are the surfaces in the order the control offers them.
var surfaceIDs = []string{"valley", "rosenbrock", "saddle"}

// surfaceByID returns the surface with the given id; it panics on an
// unknown id, which the control's validation rules out.
func surfaceByID(id string) *surface {
	switch id {
	case "valley":
		return valley()
	case "rosenbrock":
		return rosenbrock(0.01)
	case "saddle":
		return saddle()
	}
	panic("optimizers: unknown surface " + id)
}

// xy splits a parameter of shape [2] into two scalars on the tape.
func xy(tp *autograd.Tape, p *autograd.Var) (x, y *autograd.Var) {
	return tp.Select(p, 0, 0).Named("x"), tp.Select(p, 0, 1).Named("y")
}

// valley is f = 0.1·x² + 9·y²: curvature 0.2 along the valley floor and 18
// across it, a condition number of 90.
func valley() *surface {
	c := tensor.FromValues([]float64{0.1, 9}, 2)
	return &surface{
		id: "valley", title: "a narrow valley", formula: "0.1·x² + 9·y²",
		build: func(tp *autograd.Tape, p *autograd.Var) *autograd.Var {
			sq := tp.Square(p).Named("p²")
			return tp.Sum(tp.Mul(autograd.Const("c", c), sq).Named("c·p²")).Named("f")
		},
		f:      func(x, y float64) float64 { return 0.1*x*x + 9*y*y },
		start:  [2]float64{-4.5, 1.2},
		minima: [][2]float64{{0, 0}},
		sigma:  0.2,
		curv:   []float64{0.2, 18},
		xr:     scene.Range{Min: -5, Max: 5}, yr: scene.Range{Min: -1.5, Max: 1.5},
		levels: []float64{0.1, 0.5, 1.5, 4, 10},
	}
}

// rosenbrock is scale·[(1 − x)² + 100·(y − x²)²]; the lesson uses scale
// 0.01 (see the narrative for why), tests compare it with scale 1.
func rosenbrock(scale float64) *surface {
	return &surface{
		id: "rosenbrock", title: "Rosenbrock's banana", formula: "0.01·(1 − x)² + (y − x²)²",
		build: func(tp *autograd.Tape, p *autograd.Var) *autograd.Var {
			x, y := xy(tp, p)
			a := tp.Square(tp.AddScalar(tp.Neg(x), 1)).Named("(1−x)²")
			b := tp.Square(tp.Sub(y, tp.Square(x).Named("x²"))).Named("(y−x²)²")
			return tp.Scale(tp.Add(a, tp.Scale(b, 100)), scale).Named("f")
		},
		f: func(x, y float64) float64 {
			return scale * ((1-x)*(1-x) + 100*(y-x*x)*(y-x*x))
		},
		start:  [2]float64{-1.2, 1},
		minima: [][2]float64{{1, 1}},
		sigma:  0.02,
		xr:     scene.Range{Min: -2, Max: 2}, yr: scene.Range{Min: -1, Max: 3},
		levels: scaled(scale, []float64{0.1, 1, 5, 20, 100, 400}),
	}
}

func scaled(k float64, v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = k * x
	}
	return out
}

// saddle is f = 0.5·x² − 0.5·y² + 0.25·y⁴: a saddle point at the origin
// and two minima at (0, ±1).
func saddle() *surface {
	return &surface{
		id: "saddle", title: "a saddle", formula: "0.5·x² − 0.5·y² + 0.25·y⁴",
		build: func(tp *autograd.Tape, p *autograd.Var) *autograd.Var {
			x, y := xy(tp, p)
			bowl := tp.Scale(tp.Square(x), 0.5)
			ridge := tp.Add(tp.Scale(tp.Square(y), -0.5), tp.Scale(tp.Pow(y, 4), 0.25))
			return tp.Add(bowl, ridge).Named("f")
		},
		f:      func(x, y float64) float64 { return 0.5*x*x - 0.5*y*y + 0.25*y*y*y*y },
		start:  [2]float64{-2.5, 0.001},
		minima: [][2]float64{{0, 1}, {0, -1}},
		fStar:  -0.25,
		sigma:  0.1,
		curv:   []float64{1, 2},
		xr:     scene.Range{Min: -3, Max: 3}, yr: scene.Range{Min: -2, Max: 2},
		levels: []float64{-0.2, -0.1, 0, 0.5, 1.5, 3},
	}
}

// dist is the distance from (x, y) to the nearest minimum.
func (s *surface) dist(x, y float64) float64 {
	d := math.Inf(1)
	for _, m := range s.minima {
		d = math.Min(d, math.Hypot(x-m[0], y-m[1]))
	}
	return d
}

// far reports whether (x, y) is so far outside the plot (beyond ten times
// its half-width or half-height from its centre) that the optimizer is
// counted as diverged.
func (s *surface) far(x, y float64) bool {
	cx, hx := (s.xr.Min+s.xr.Max)/2, (s.xr.Max-s.xr.Min)/2
	cy, hy := (s.yr.Min+s.yr.Max)/2, (s.yr.Max-s.yr.Min)/2
	return math.Abs(x-cx) > 10*hx || math.Abs(y-cy) > 10*hy
}

// Grid resolution of the contour field.
const gridRows, gridCols = 41, 61

// contour samples f over the plot's ranges.
func (s *surface) contour() *scene.Contour {
	g := scene.Grid{X: s.xr, Y: s.yr, Rows: gridRows, Cols: gridCols, Values: make([]float64, gridRows*gridCols)}
	for r := range gridRows {
		y := s.yr.Min + (s.yr.Max-s.yr.Min)*float64(r)/float64(gridRows-1)
		for c := range gridCols {
			x := s.xr.Min + (s.xr.Max-s.xr.Min)*float64(c)/float64(gridCols-1)
			g.Values[r*gridCols+c] = s.f(x, y)
		}
	}
	return &scene.Contour{Grid: g, Levels: s.levels}
}
