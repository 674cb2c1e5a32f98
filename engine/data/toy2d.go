package data

import (
	"math"

	"github.com/dlearn/dlearn/engine/tensor"
)

// The 2-D classification sets below return a Set with X of shape [n 2].
// Labels cycle through the classes (example i has class i mod k, or the
// arms come one after the other for Spiral), so every class is equally
// represented; shuffle with Batches or a Loader before training.

// Blobs returns n points in k Gaussian clusters of standard deviation std,
// their centres evenly spaced on a circle of radius 3 around the origin
// (class j at angle 2πj/k). It panics if n or k is < 1 or std < 0.
func Blobs(seed uint64, n, k int, std float64) *Set {
	mustPositive("Blobs", "n and k", n, k)
	mustNonNegative("Blobs", "std", std)
	rng := tensor.NewRNG(seed)
	s := newSet(n, 2, k)
	for i := range n {
		j := i % k
		a := 2 * math.Pi * float64(j) / float64(k)
		s.X.Data[2*i] = 3*math.Cos(a) + std*rng.NormFloat64()
		s.X.Data[2*i+1] = 3*math.Sin(a) + std*rng.NormFloat64()
		s.Labels[i] = j
	}
	return s
}

// XOR returns n points around the four corners of the unit square, each
// moved by N(0, noise²) in both coordinates, labelled 1 for the corners
// (0, 1) and (1, 0) and 0 for (0, 0) and (1, 1): no line separates them.
// It panics if n < 1 or noise < 0.
func XOR(seed uint64, n int, noise float64) *Set {
	mustPositive("XOR", "n", n)
	mustNonNegative("XOR", "noise", noise)
	rng := tensor.NewRNG(seed)
	s := newSet(n, 2, 2)
	for i := range n {
		c := i % 4
		a, b := c&1, c>>1
		s.X.Data[2*i] = float64(a) + noise*rng.NormFloat64()
		s.X.Data[2*i+1] = float64(b) + noise*rng.NormFloat64()
		s.Labels[i] = a ^ b
	}
	return s
}

// Moons returns n points on two interleaved half circles (as scikit-learn's
// make_moons): class 0 on (cos t, sin t) and class 1 on (1 − cos t,
// 0.5 − sin t), t ~ U[0, π), moved by N(0, noise²). It panics if n < 1 or
// noise < 0.
func Moons(seed uint64, n int, noise float64) *Set {
	mustPositive("Moons", "n", n)
	mustNonNegative("Moons", "noise", noise)
	rng := tensor.NewRNG(seed)
	s := newSet(n, 2, 2)
	for i := range n {
		t := math.Pi * rng.Float64()
		x, y := math.Cos(t), math.Sin(t)
		if i%2 == 1 {
			x, y = 1-x, 0.5-y
		}
		s.X.Data[2*i] = x + noise*rng.NormFloat64()
		s.X.Data[2*i+1] = y + noise*rng.NormFloat64()
		s.Labels[i] = i % 2
	}
	return s
}

// Circles returns n points on two concentric circles: class 0 on the
// circle of radius 1, class 1 on the circle of radius factor (0 < factor
// < 1 puts it inside), at angles ~ U[0, 2π), moved by N(0, noise²). It
// panics if n < 1, noise < 0 or factor ≤ 0.
func Circles(seed uint64, n int, noise, factor float64) *Set {
	mustPositive("Circles", "n", n)
	mustNonNegative("Circles", "noise", noise)
	if !(factor > 0) {
		panic("data: Circles: factor must be > 0")
	}
	rng := tensor.NewRNG(seed)
	s := newSet(n, 2, 2)
	for i := range n {
		r := 1.0
		if i%2 == 1 {
			r = factor
		}
		a := 2 * math.Pi * rng.Float64()
		s.X.Data[2*i] = r*math.Cos(a) + noise*rng.NormFloat64()
		s.X.Data[2*i+1] = r*math.Sin(a) + noise*rng.NormFloat64()
		s.Labels[i] = i % 2
	}
	return s
}

// SpiralArms is the number of arms (classes) of Spiral.
const SpiralArms = 3

// Spiral returns the classic three-arm spiral of Stanford's CS231n notes:
// for arm j = 0, 1, 2 and i = 0 … perArm−1, the radius r = i/(perArm−1)
// and the angle θ = 4j + 4·i/(perArm−1) + 0.2·N(0,1), and the point
// (r·sin θ, r·cos θ) has label j. X has shape [3·perArm 2], arm after arm.
// It panics if perArm < 2.
func Spiral(seed uint64, perArm int) *Set {
	if perArm < 2 {
		panic("data: Spiral: perArm must be ≥ 2")
	}
	rng := tensor.NewRNG(seed)
	s := newSet(SpiralArms*perArm, 2, SpiralArms)
	for j := range SpiralArms {
		for i := range perArm {
			f := float64(i) / float64(perArm-1)
			th := 4*float64(j) + 4*f + 0.2*rng.NormFloat64()
			k := j*perArm + i
			s.X.Data[2*k] = f * math.Sin(th)
			s.X.Data[2*k+1] = f * math.Cos(th)
			s.Labels[k] = j
		}
	}
	return s
}

// Ring of Gaussians: the GAN lesson's target distribution.
const (
	RingModes  = 8    // number of Gaussians
	RingRadius = 2.0  // distance of their centres from the origin
	RingStd    = 0.02 // their standard deviation
)

// Ring returns n points from a mixture of RingModes Gaussians of standard
// deviation RingStd whose centres lie evenly on a circle of radius
// RingRadius (mode j at angle 2πj/8). Labels hold each point's mode, so a
// lesson can count which modes a generator covers. It panics if n < 1.
func Ring(seed uint64, n int) *Set {
	mustPositive("Ring", "n", n)
	rng := tensor.NewRNG(seed)
	s := newSet(n, 2, RingModes)
	for i := range n {
		j := rng.IntN(RingModes)
		cx, cy := RingCenter(j)
		s.X.Data[2*i] = cx + RingStd*rng.NormFloat64()
		s.X.Data[2*i+1] = cy + RingStd*rng.NormFloat64()
		s.Labels[i] = j
	}
	return s
}

// RingCenter returns the centre of mode j of Ring.
func RingCenter(j int) (x, y float64) {
	a := 2 * math.Pi * float64(j) / RingModes
	return RingRadius * math.Cos(a), RingRadius * math.Sin(a)
}

// NearestRingMode returns the mode of Ring whose centre is nearest to
// (x, y) and the distance to it; a generated point within a few RingStd
// of a centre counts as covering that mode.
func NearestRingMode(x, y float64) (mode int, dist float64) {
	dist = math.Inf(1)
	for j := range RingModes {
		cx, cy := RingCenter(j)
		if d := math.Hypot(x-cx, y-cy); d < dist {
			mode, dist = j, d
		}
	}
	return mode, dist
}

func newSet(n, features, classes int) *Set {
	return &Set{X: tensor.New(n, features), Labels: make([]int, n), Classes: classes}
}

func mustNonNegative(op, name string, v float64) {
	if !(v >= 0) || math.IsInf(v, 1) {
		panic("data: " + op + ": " + name + " must be a finite number ≥ 0")
	}
}
