package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlearn/dlearn/engine/tensor"
)

// SyntheticDigits returns n hand-drawn-looking digits, the fallback when
// the MNIST files are missing: each digit 0–9 is a few pen strokes
// (polylines in a unit box) that are randomly scaled, rotated, sheared,
// moved by up to 2 pixels and drawn with a random pen width, anti-aliased,
// into a 28×28 image like MNIST's (ink 1 on background 0). Labels cycle
// 0, 1, …, 9. The result has Source "synthetic". It panics if n < 1.
//
// They are easier than MNIST (one style per digit), but not trivial: a
// nearest-mean classifier gets only about 80–90% of them right.
func SyntheticDigits(seed uint64, n int) *Images {
	mustPositive("SyntheticDigits", "n", n)
	rng := tensor.NewRNG(seed)
	im := &Images{
		Set:    Set{X: tensor.New(n, 1, ImageH, ImageW), Labels: make([]int, n), Classes: 10},
		Source: "synthetic",
	}
	const px = ImageH * ImageW
	for i := range n {
		d := i % 10
		im.Labels[i] = d
		drawDigit(im.X.Data[i*px:(i+1)*px], digitStrokes[d], rng)
	}
	return im
}

// Digits returns nTrain training and nTest test digits: the first ones of
// real MNIST when its files can be found, otherwise SyntheticDigits (seed
// for the training set, seed+1 for the test set) with Note holding the
// MNIST error. Source tells which was used. The seed matters only for the
// synthetic fallback. It panics if nTrain or nTest is < 1.
func Digits(seed uint64, nTrain, nTest int) (train, test *Images) {
	mustPositive("Digits", "nTrain and nTest", nTrain, nTest)
	train, test, err := MNIST(nTrain, nTest)
	if err == nil {
		return train, test
	}
	// More digits than the binary embeds, and no full set: the embedded
	// ones are still real digits.
	if tr, te, eerr := embeddedSets(min(nTrain, EmbeddedTrain), min(nTest, EmbeddedTest)); eerr == nil {
		note := fmt.Sprintf("only the %d + %d embedded digits: %v", tr.Len(), te.Len(), err)
		tr.Note, te.Note = note, note
		return tr, te
	}
	train, test = SyntheticDigits(seed, nTrain), SyntheticDigits(seed+1, nTest)
	train.Note, test.Note = err.Error(), err.Error()
	return train, test
}

type point struct{ x, y float64 }

// arc returns points on the ellipse around (cx, cy) with radii rx, ry
// from angle a0 to a1 in degrees (0° points right, 90° down: image
// coordinates).
func arc(cx, cy, rx, ry, a0, a1 float64) []point {
	const steps = 12
	pts := make([]point, steps+1)
	for i := range pts {
		a := (a0 + (a1-a0)*float64(i)/steps) * math.Pi / 180
		pts[i] = point{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return pts
}

func line(pts ...float64) []point {
	out := make([]point, len(pts)/2)
	for i := range out {
		out[i] = point{pts[2*i], pts[2*i+1]}
	}
	return out
}

func join(parts ...[]point) []point {
	var out []point
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// digitStrokes are the pen strokes of each digit in a unit box (x right,
// y down), the ink roughly within [0.25, 0.75] × [0.15, 0.85]; drawDigit
// maps the box's height to 27 pixels, so a digit stands about 18 pixels
// tall, like MNIST's.
var digitStrokes = [10][][]point{
	{arc(0.5, 0.5, 0.19, 0.33, 0, 360)},
	{line(0.4, 0.3, 0.53, 0.17, 0.53, 0.83)},
	{join(arc(0.5, 0.35, 0.19, 0.17, 190, 380), line(0.66, 0.45, 0.3, 0.82, 0.74, 0.82))},
	{arc(0.5, 0.33, 0.18, 0.16, 200, 450), arc(0.5, 0.66, 0.2, 0.17, 270, 520)},
	{line(0.62, 0.83, 0.62, 0.17, 0.27, 0.62, 0.76, 0.62)},
	{join(line(0.71, 0.17, 0.36, 0.17, 0.33, 0.47), arc(0.5, 0.63, 0.2, 0.19, 225, 505))},
	{join(arc(0.55, 0.52, 0.22, 0.36, 290, 180), arc(0.52, 0.66, 0.19, 0.17, 180, 540))},
	{line(0.27, 0.17, 0.73, 0.17, 0.43, 0.83)},
	{arc(0.5, 0.32, 0.15, 0.15, 0, 360), arc(0.5, 0.66, 0.19, 0.18, 0, 360)},
	{join(arc(0.48, 0.34, 0.19, 0.17, 0, 360), line(0.67, 0.34, 0.6, 0.83))},
}

// drawDigit renders strokes into the 28×28 image img after a random
// affine jitter drawn from rng.
func drawDigit(img []float64, strokes [][]point, rng *rand.Rand) {
	scale := 0.85 + 0.25*rng.Float64()
	rot := 0.35 * (rng.Float64() - 0.5)
	shear := 0.4 * (rng.Float64() - 0.5)
	dx, dy := 4*(rng.Float64()-0.5), 4*(rng.Float64()-0.5)
	pen := 0.9 + 0.9*rng.Float64() // half-width in pixels
	sin, cos := math.Sincos(rot)
	// place maps a unit-box point to pixel coordinates.
	place := func(p point) point {
		x, y := (p.x-0.5)*scale, (p.y-0.5)*scale
		x += shear * y
		x, y = cos*x-sin*y, sin*x+cos*y
		return point{14 + 27*x + dx, 14 + 27*y + dy}
	}
	var segs [][2]point
	for _, s := range strokes {
		prev := place(s[0])
		for _, p := range s[1:] {
			q := place(p)
			segs = append(segs, [2]point{prev, q})
			prev = q
		}
	}
	for py := range ImageH {
		for px := range ImageW {
			c := point{float64(px) + 0.5, float64(py) + 0.5}
			d := math.Inf(1)
			for _, s := range segs {
				d = math.Min(d, segDist(c, s[0], s[1]))
			}
			// Full ink inside the pen, a one-pixel anti-aliased edge.
			img[py*ImageW+px] = math.Max(0, math.Min(1, pen+0.5-d))
		}
	}
}

// segDist returns the distance from c to the segment ab.
func segDist(c, a, b point) float64 {
	vx, vy := b.x-a.x, b.y-a.y
	t := 0.0
	if l2 := vx*vx + vy*vy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((c.x-a.x)*vx+(c.y-a.y)*vy)/l2))
	}
	return math.Hypot(c.x-a.x-t*vx, c.y-a.y-t*vy)
}
