package toolkit

import (
	"math"

	"github.com/dlearn/dlearn/engine/data"
)

// The input-normalisation part: the seed's linear-regression data (linreg's
// 100 points, x in [0, 1), y = 2x + 1 + noise) fitted by ŷ = w·u + b with
// full-batch gradient descent on the mean squared error, once on the raw
// inputs u = x and once on the standardised ones u = (x − mean)/std.
const (
	// LinN is the number of points, as in the linreg lesson.
	LinN = 100
	// PathSteps is the number of gradient-descent steps drawn.
	PathSteps = 40
)

// surface is one loss surface L(w, b) = mean((w·u + b − y)²) with its
// Hessian, its eigenvalues and a gradient-descent path on it.
type surface struct {
	name string
	u, y []float64
	// H = (2/n)·[[Σu², Σu], [Σu, n]]: the MSE's second derivatives, the
	// same at every (w, b) because the loss is quadratic.
	h                [2][2]float64
	lmax, lmin, cond float64
	// limit is 2/λmax, the largest rate at which gradient descent does not
	// diverge; wOpt, bOpt the minimum, lossOpt the loss there.
	limit, wOpt, bOpt, lossOpt float64
	// pathW, pathB and pathLoss are the points of gradient descent from
	// (0, 0) at the run's rate, up to PathSteps steps (fewer once the loss
	// exceeds 1e6); diverged reports that the loss ended above where it
	// started.
	pathW, pathB, pathLoss []float64
	diverged               bool
}

// newSurfaces returns the raw and the standardised surface of the seed's
// data, each with its gradient-descent path at rate lr.
func newSurfaces(seed uint64, lr float64) (raw, std *surface) {
	x, y := data.LinReg(seed, LinN)
	mu, sd := 0.0, 0.0
	for _, v := range x.Data {
		mu += v
	}
	mu /= LinN
	for _, v := range x.Data {
		sd += (v - mu) * (v - mu)
	}
	sd = math.Sqrt(sd / LinN)
	u := make([]float64, LinN)
	for i, v := range x.Data {
		u[i] = (v - mu) / sd
	}
	raw = newSurface("raw", x.Data, y.Data, lr)
	std = newSurface("standardised", u, y.Data, lr)
	return raw, std
}

func newSurface(name string, u, y []float64, lr float64) *surface {
	s := &surface{name: name, u: u, y: y}
	n := float64(len(u))
	su, suu, sy, suy := 0.0, 0.0, 0.0, 0.0
	for i, v := range u {
		su += v
		suu += v * v
		sy += y[i]
		suy += v * y[i]
	}
	s.h = [2][2]float64{{2 * suu / n, 2 * su / n}, {2 * su / n, 2}}
	s.lmax, s.lmin = eig2(s.h)
	s.cond = s.lmax / s.lmin
	s.limit = 2 / s.lmax
	// The normal equations: H·(w, b) = (2/n)·(Σuy, Σy).
	det := suu*n - su*su
	s.wOpt = (n*suy - su*sy) / det
	s.bOpt = (suu*sy - su*suy) / det
	s.lossOpt = s.loss(s.wOpt, s.bOpt)
	w, b := 0.0, 0.0
	for k := 0; ; k++ {
		l := s.loss(w, b)
		s.pathW, s.pathB, s.pathLoss = append(s.pathW, w), append(s.pathB, b), append(s.pathLoss, l)
		if !(l <= 1e6) || k == PathSteps {
			break
		}
		gw, gb := s.grad(w, b)
		w, b = w-lr*gw, b-lr*gb
	}
	s.diverged = !(s.final() <= s.pathLoss[0])
	return s
}

// loss is the mean squared error at (w, b).
func (s *surface) loss(w, b float64) float64 {
	l := 0.0
	for i, v := range s.u {
		r := w*v + b - s.y[i]
		l += r * r
	}
	return l / float64(len(s.u))
}

// grad is (∂L/∂w, ∂L/∂b) at (w, b).
func (s *surface) grad(w, b float64) (gw, gb float64) {
	for i, v := range s.u {
		r := w*v + b - s.y[i]
		gw += 2 * r * v
		gb += 2 * r
	}
	n := float64(len(s.u))
	return gw / n, gb / n
}

// final is the loss after the last step drawn.
func (s *surface) final() float64 { return s.pathLoss[len(s.pathLoss)-1] }

// eig2 returns the eigenvalues of the symmetric 2×2 matrix h, larger
// first: (a+c)/2 ± √(((a−c)/2)² + b²).
func eig2(h [2][2]float64) (hi, lo float64) {
	a, b, c := h[0][0], h[0][1], h[1][1]
	m, r := (a+c)/2, math.Hypot((a-c)/2, b)
	return m + r, m - r
}

// slowest is the factor by which gradient descent at rate lr shrinks the
// distance to the minimum along the flattest direction each step,
// |1 − lr·λmin|, and along the steepest one, |1 − lr·λmax|.
func (s *surface) factors(lr float64) (flat, steep float64) {
	return math.Abs(1 - lr*s.lmin), math.Abs(1 - lr*s.lmax)
}
